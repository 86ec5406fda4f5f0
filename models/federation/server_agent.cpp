#include "models/federation/server_agent.h"

#include <algorithm>
#include <map>
#include <set>

#include "models/federation/content_selector.h"
#include "models/federation/metric_names.h"

namespace cdnlab {

bool TriggerSelectsContent(const TriggerSpec& trigger, const CachedObject& object) {
  return ContentSelector(trigger).Selects(object);
}

ServerAgent::ServerAgent(std::string server, std::string node, const FederationCatalog& catalog,
                         FederationMessenger& messenger, ContentStore& store, const Clock& clock, MetricsSink& metrics)
    : server_(std::move(server)),
      node_(std::move(node)),
      catalog_(catalog),
      messenger_(messenger),
      store_(store),
      clock_(clock),
      metrics_(metrics) {}

void ServerAgent::Start() {
  messenger_.Listen(node_, [this](const std::string& from, const FederationMessage& m) { OnMessage(from, m); });
}

void ServerAgent::Stop() { messenger_.StopListening(node_); }

void ServerAgent::OnMessage(const std::string& from_node, const FederationMessage& message) {
  const auto* apply = std::get_if<ApplyToServer>(&message);
  if (!apply) return;  // agents only take commands
  // Only this server's own platform gateway may command it.
  const FederationServer* self = catalog_.Server(server_);
  const FederationPlatform* platform = self ? catalog_.Platform(self->platform) : nullptr;
  if (!platform || from_node != platform->gateway) {
    metrics_.Count(federation_metrics::kRejectedMessages, 1, {{"reason", "apply from a foreign gateway"}});
    return;
  }
  auto it = results_.find(apply->command_id);
  if (it == results_.end()) {
    it = results_.emplace(apply->command_id, Apply(*apply)).first;
    applied_.push_back({apply->command_id, from_node, apply->configurations, it->second.objects_affected});
    metrics_.Count(federation_metrics::kServerApplies, 1, {{"server", server_}});
  } else {
    // A retransmission (our answer was lost, or the gateway restarted): answer again, run once.
    metrics_.Count(federation_metrics::kDuplicateApplies, 1, {{"server", server_}});
  }
  messenger_.Send(node_, from_node, it->second);
}

ServerResult ServerAgent::Apply(const ApplyToServer& command) {
  ServerResult result;
  result.command_id = command.command_id;
  result.server = server_;
  const std::set<std::string> scope(command.configurations.begin(), command.configurations.end());
  const auto configurations_of = [&](const std::string& url) { return catalog_.ConfigurationsOfHost(UrlHost(url)); };
  const auto in_scope = [&](const std::string& url) {
    const auto configs = configurations_of(url);
    return std::any_of(configs.begin(), configs.end(), [&](const std::string& c) { return scope.count(c) > 0; });
  };
  const TriggerSpec& t = command.trigger;
  // The configurations in scope whose metadata the trigger names.
  std::vector<std::string> metadata_named;
  for (const auto& id : command.configurations) {
    const FederationConfiguration* c = catalog_.Configuration(id);
    if (!c || c->metadata_url.empty()) continue;
    const bool named =
        std::find(t.metadata_urls.begin(), t.metadata_urls.end(), c->metadata_url) != t.metadata_urls.end() ||
        std::any_of(t.metadata_patterns.begin(), t.metadata_patterns.end(),
                    [&](const PatternMatch& p) { return p.Matches(c->metadata_url); });
    if (named) metadata_named.push_back(id);
  }

  if (t.type == TriggerType::kStatistics) {
    // Count, change nothing: per configuration in scope, the objects the trigger selects
    // (all of the configuration's when its metadata is named) and how many are stale.
    std::map<std::string, ServerStatistics> by_configuration;
    for (const auto& id : command.configurations) by_configuration[id] = ServerStatistics{server_, id, 0, 0};
    const std::set<std::string> whole(metadata_named.begin(), metadata_named.end());
    const ContentSelector selector(t);
    for (const auto& object : store_.List()) {
      const bool selected = selector.Selects(object);
      for (const auto& c : configurations_of(object.url)) {
        auto it = by_configuration.find(c);
        if (it == by_configuration.end() || !(selected || whole.count(c) > 0)) continue;
        ++it->second.objects;
        if (object.stale) ++it->second.stale;
      }
    }
    for (auto& [id, s] : by_configuration) result.statistics.push_back(std::move(s));
    return result;
  }

  if (t.type == TriggerType::kPreposition) {
    for (const auto& url : t.content_urls) {
      if (!in_scope(url)) continue;
      if (store_.Preposition(url)) {
        ++result.objects_affected;
      } else {
        result.failed_urls.push_back(url);
      }
    }
    if (!result.failed_urls.empty()) result.error = TriggerErrorCode::kEcontent;
  } else {
    // One pass over the cache with the trigger indexed, then one batch to the store: a
    // 100,000-URL purge costs about one lookup per cached object.
    const ContentSelector selector(t);
    std::vector<std::string> selected;
    for (const auto& object : store_.List()) {
      if (selector.Selects(object) && in_scope(object.url)) selected.push_back(object.url);
    }
    result.objects_affected +=
        t.type == TriggerType::kPurge ? store_.RemoveAll(selected) : store_.MarkStaleAll(selected);
  }

  for (const auto& id : metadata_named) {
    if (t.type == TriggerType::kPreposition) {
      store_.PrepositionMetadata(id);
    } else {
      store_.InvalidateMetadata(id);
    }
    ++result.objects_affected;
  }
  return result;
}

}  // namespace cdnlab
