#include "scenarios/federation/from_scenario.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

namespace cdnlab {
namespace {

FederationPlatform ToPlatform(const FederationPlatformSpec& p) {
  FederationPlatform out;
  out.id = p.id;
  out.gateway = GatewayNodeId(p.id);
  out.supported_types.clear();
  for (const auto& name : p.supports) {
    if (auto type = ParseTriggerType(name)) out.supported_types.insert(*type);
  }
  out.supports_content_ccid = p.supports_ccid;
  return out;
}

// The catalog wants a server's parent added before it; parents may have parents.
void AddServersParentsFirst(const FederationPlatformSpec& p, FederationCatalog& catalog) {
  std::set<std::string> added;
  std::vector<const FederationServerSpec*> pending;
  for (const auto& s : p.servers) pending.push_back(&s);
  while (!pending.empty()) {
    std::vector<const FederationServerSpec*> later;
    for (const auto* s : pending) {
      if (!s->parent.empty() && added.count(s->parent) == 0) {
        later.push_back(s);
        continue;
      }
      FederationServer server;
      server.id = s->id;
      server.platform = p.id;
      server.tier = s->tier == "parent" ? ServerTier::kParent : ServerTier::kEdge;
      server.parent = s->parent;
      catalog.AddServer(server);
      added.insert(s->id);
    }
    // The loader rejects parent loops and dangling parents; let the catalog say so otherwise.
    if (later.size() == pending.size()) {
      for (const auto* s : later) {
        catalog.AddServer(FederationServer{s->id, p.id, s->tier == "parent" ? ServerTier::kParent : ServerTier::kEdge,
                                           s->parent});
      }
      return;
    }
    pending = std::move(later);
  }
}

// The catalog wants the delegating platform's deployment added first: breadth-first from
// the provider's own deployment (the one without delegated_by).
void AddDeploymentsUpstreamFirst(const FederationConfigurationSpec& c, FederationCatalog& catalog) {
  std::vector<const FederationDeploymentSpec*> ordered;
  std::deque<std::string> queue{""};
  std::set<std::string> seen;
  while (!queue.empty()) {
    const std::string upstream = queue.front();
    queue.pop_front();
    for (const auto& d : c.deployments) {
      if (d.delegated_by != upstream || !seen.insert(d.platform).second) continue;
      ordered.push_back(&d);
      queue.push_back(d.platform);
    }
  }
  // Anything unreachable from the root (impossible after the loader) goes last, to be refused.
  for (const auto& d : c.deployments) {
    if (std::find(ordered.begin(), ordered.end(), &d) == ordered.end()) ordered.push_back(&d);
  }
  for (const auto* d : ordered) catalog.AddDeployment(Deployment{c.id, d->platform, d->delegated_by, d->servers});
}

}  // namespace

FederationCatalog BuildFederationCatalog(const Scenario& scenario) {
  const FederationSpec& f = scenario.federation;
  FederationCatalog catalog;
  for (const auto& p : f.platforms) catalog.AddPlatform(ToPlatform(p));
  for (const auto& p : f.platforms) AddServersParentsFirst(p, catalog);
  for (const auto& p : f.providers) catalog.AddProvider(ContentProvider{p.id, p.platform});
  for (const auto& c : f.configurations) {
    FederationConfiguration configuration;
    configuration.id = c.id;
    configuration.provider = c.provider;
    configuration.hosts = c.hosts;
    configuration.metadata_url = c.metadata_url;
    for (const auto& o : c.objects) {
      if (o.ccid.empty()) continue;
      if (std::find(configuration.ccids.begin(), configuration.ccids.end(), o.ccid) == configuration.ccids.end()) {
        configuration.ccids.push_back(o.ccid);
      }
    }
    catalog.AddConfiguration(configuration);
  }
  for (const auto& c : f.configurations) AddDeploymentsUpstreamFirst(c, catalog);
  return catalog;
}

FederationIdentity BuildFederationIdentity(const Scenario& scenario) {
  FederationIdentity identity;
  for (const auto& p : scenario.federation.participants) identity.AddParticipant(p.id, p.secret);
  return identity;
}

RetryPolicy BuildRetryPolicy(const FederationRetrySpec& r) {
  RetryPolicy p;
  p.initial = FromMillis(r.initial_ms);
  p.multiplier = r.multiplier;
  p.max = FromMillis(r.max_ms);
  p.max_attempts = r.max_attempts;
  p.jitter = r.jitter;
  p.poll_interval = FromSeconds(r.poll_interval_s);
  p.give_up_after = FromSeconds(r.give_up_after_s);
  return p;
}

}  // namespace cdnlab
