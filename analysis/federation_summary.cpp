#include "analysis/federation_summary.h"

#include <cmath>
#include <limits>

#include "analysis/summary_json.h"
#include "analysis/weighted_percentile.h"

namespace cdnlab {
namespace {

bool IsTrigger(const FederationCommandResult& c) { return c.type != "cancel"; }
bool Finished(const FederationCommandResult& c) { return c.status == "complete" || c.status == "processed"; }

Quantiles UnweightedQuantiles(const std::vector<double>& values) {
  Quantiles q;
  q.count = values.size();
  if (values.empty()) {
    q.p50 = q.p95 = q.mean = std::numeric_limits<double>::quiet_NaN();
    return q;
  }
  std::vector<WeightedValue> weighted;
  double sum = 0;
  for (double v : values) {
    weighted.push_back({v, 1});
    sum += v;
  }
  q.p50 = WeightedPercentile(weighted, 0.5);
  q.p95 = WeightedPercentile(weighted, 0.95);
  q.mean = sum / static_cast<double>(values.size());
  return q;
}

double Sum(const std::map<std::string, double>& by_label) {
  double total = 0;
  for (const auto& [label, value] : by_label) total += value;
  return total;
}

nlohmann::ordered_json ServerList(const std::vector<std::string>& ids) {
  return {{"count", ids.size()}, {"ids", ids}};
}

nlohmann::ordered_json Optional(const std::optional<double>& v) {
  return v ? SummaryNumber(*v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json ByLabel(const std::map<std::string, double>& by_label) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [label, value] : by_label) j[label] = SummaryNumber(value);
  return j;
}

nlohmann::ordered_json CommandJson(const FederationCommandResult& c) {
  nlohmann::ordered_json j;
  j["id"] = c.id;
  j["type"] = c.type;
  j["platform"] = c.platform;
  if (!IsTrigger(c)) {
    j["cancels"] = c.cancels;
    j["status_id"] = c.status_id;
    j["status"] = c.status;
    return j;
  }
  j["status_id"] = c.status_id;
  j["status"] = c.status;
  j["targeted_servers"] = ServerList(c.targeted_servers);
  j["acknowledged_servers"] = ServerList(c.acknowledged_servers);
  j["wrongly_targeted_servers"] = ServerList(c.wrongly_targeted_servers);
  j["applied_servers"] = c.applied_servers.size();
  j["completion_ms"] = Optional(c.completion_ms);
  j["bound_ms"] = Optional(c.bound_ms);
  nlohmann::ordered_json errors = nlohmann::ordered_json::array();
  for (const auto& e : c.errors) errors.push_back({{"error", e.error}, {"servers", e.servers}});
  j["errors"] = errors;
  if (c.statistics) {
    j["statistics"] = {{"servers", c.statistics->servers},
                       {"objects", c.statistics->objects},
                       {"stale", c.statistics->stale}};
  }
  return j;
}

}  // namespace

FederationAggregate SummarizeFederation(const FederationRunResult& run) {
  FederationAggregate a;
  std::vector<double> completion;
  std::vector<double> bound;
  for (const auto& c : run.commands) {
    if (!IsTrigger(c)) continue;
    ++a.commands;
    if (c.status == "complete") ++a.completed;
    if (c.status == "processed") ++a.processed;
    if (Finished(c)) {
      if (c.completion_ms) completion.push_back(*c.completion_ms);
      if (c.bound_ms) bound.push_back(*c.bound_ms);
    }
    a.wrongly_targeted_total += c.wrongly_targeted_servers.size();
    const bool cancelled = c.status == "cancelled" || c.status == "cancelling";
    if (!cancelled && c.targeted_servers != c.acknowledged_servers) a.all_targeted_acknowledged = false;
  }
  a.completion_ms = UnweightedQuantiles(completion);
  a.bound_ms = UnweightedQuantiles(bound);
  a.messages_sent = Sum(run.messages_sent_by_kind);
  a.messages_received = Sum(run.messages_received_by_kind);
  a.messages_rejected = Sum(run.messages_rejected_by_reason);
  a.retries = Sum(run.retries_by_kind);
  a.send_failures = run.send_failures;
  return a;
}

nlohmann::ordered_json FederationSummaryJson(const FederationRunResult& run) {
  const FederationAggregate a = SummarizeFederation(run);
  nlohmann::ordered_json j;
  nlohmann::ordered_json commands = nlohmann::ordered_json::array();
  for (const auto& c : run.commands) commands.push_back(CommandJson(c));
  j["commands"] = commands;
  j["completion_ms"] = QuantilesJson(a.completion_ms);
  j["bound_ms"] = QuantilesJson(a.bound_ms);
  j["commands_completed"] = a.completed;
  j["commands_processed"] = a.processed;
  j["messages_sent"] = SummaryNumber(a.messages_sent);
  j["messages_sent_by_kind"] = ByLabel(run.messages_sent_by_kind);
  j["messages_received"] = SummaryNumber(a.messages_received);
  j["messages_rejected"] = SummaryNumber(a.messages_rejected);
  j["messages_rejected_by_reason"] = ByLabel(run.messages_rejected_by_reason);
  j["retries"] = SummaryNumber(a.retries);
  j["retries_by_kind"] = ByLabel(run.retries_by_kind);
  j["send_failures"] = SummaryNumber(a.send_failures);
  j["datagrams_lost_to_faults"] = run.datagrams_lost_to_faults;
  j["wrongly_targeted_total"] = a.wrongly_targeted_total;
  j["all_targeted_acknowledged"] = a.all_targeted_acknowledged;
  nlohmann::ordered_json faults = nlohmann::ordered_json::array();
  for (const auto& f : run.faults) {
    nlohmann::ordered_json fj{{"at_s", SummaryNumber(f.at_s)}, {"type", f.type}, {"node", f.node}, {"event", f.event}};
    if (f.type == "message_loss") fj["count"] = f.count;
    faults.push_back(fj);
  }
  j["faults"] = faults;
  return j;
}

}  // namespace cdnlab
