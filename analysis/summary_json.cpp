#include "analysis/summary_json.h"

#include <cmath>
#include <fstream>
#include <stdexcept>

namespace cdnlab {
namespace {

nlohmann::ordered_json Rounded(double v) { return SummaryNumber(v); }

}  // namespace

// Three decimals are enough for ms-scale metrics and keep the files readable; NaN
// (no data, e.g. no downloads) becomes null rather than a made-up number.
nlohmann::ordered_json SummaryNumber(double v) {
  if (!std::isfinite(v)) return nullptr;
  return std::round(v * 1000.0) / 1000.0;
}

nlohmann::ordered_json QuantilesJson(const Quantiles& q) {
  nlohmann::ordered_json j;
  j["p50"] = Rounded(q.p50);
  j["p95"] = Rounded(q.p95);
  j["mean"] = Rounded(q.mean);
  j["samples"] = q.count;
  return j;
}

nlohmann::ordered_json RunInfoJson(const RunInfo& run) {
  nlohmann::ordered_json root;
  root["scenario"] = {{"name", run.scenario_name},
                      {"source", run.scenario_source},
                      {"seed", run.seed},
                      {"duration_s", Rounded(run.duration_s)}};
  if (run.fidelity != "packet") root["scenario"]["fidelity"] = run.fidelity;
  return root;
}

namespace {

nlohmann::ordered_json FlapsJson(const FlapStats& f) {
  return {{"changes", f.changes},
          {"per_group_per_hour", Rounded(f.per_group_per_hour)},
          {"max_group_per_hour", Rounded(f.max_group_per_hour)},
          {"max_group", f.max_group}};
}

nlohmann::ordered_json OverheadJson(const MeasurementOverhead& o) {
  return {{"packets_per_group_per_min", Rounded(o.packets_per_group_per_min)},
          {"bytes_per_group_per_min", Rounded(o.bytes_per_group_per_min)},
          {"probe_packets", Rounded(o.probe_packets)},
          {"probe_bytes", Rounded(o.probe_bytes)},
          {"rum_test_fetches", Rounded(o.rum_test_fetches)},
          {"rum_beacons", Rounded(o.rum_beacons)},
          {"rum_bytes", Rounded(o.rum_bytes)}};
}

nlohmann::ordered_json RumJson(const RumSummary& r) {
  nlohmann::ordered_json verdicts = nlohmann::ordered_json::object();
  for (const auto& [verdict, count] : r.beacons_by_verdict) verdicts[verdict] = count;
  return {{"page_views", r.page_views},
          {"beacons_accepted", r.beacons_accepted},
          {"beacons_rejected", r.beacons_rejected},
          {"beacons_by_verdict", verdicts}};
}

nlohmann::ordered_json OverloadJson(const OverloadSummary& o) {
  nlohmann::ordered_json pops = nlohmann::ordered_json::object();
  for (const auto& p : o.pops) {
    pops[p.pop] = {{"capacity_rps", Rounded(p.capacity_rps)},
                   {"peak_demand_rps", Rounded(p.peak_demand_rps)},
                   {"peak_ratio", Rounded(p.peak_ratio)},
                   {"seconds_over", Rounded(p.seconds_over)},
                   {"excess_requests", Rounded(p.excess_demand_rps_s)}};
  }
  return {{"peak_ratio", Rounded(o.peak_ratio)},
          {"peak_pop", o.peak_pop},
          {"overloaded_pops", o.overloaded_pops},
          {"max_seconds_over", Rounded(o.seconds_over)},
          {"excess_requests", Rounded(o.excess_requests)},
          {"pops", pops}};
}

}  // namespace

nlohmann::ordered_json RoutingSummaryJson(const RunInfo& run, const std::vector<RoutingPolicySummary>& policies) {
  nlohmann::ordered_json root = RunInfoJson(run);
  nlohmann::ordered_json routing = nlohmann::ordered_json::object();
  for (const auto& p : policies) {
    nlohmann::ordered_json j;
    j["policy"] = p.kind;
    j["map_by"] = p.map_by;
    if (p.scope_aggregation) j["scope_aggregation"] = *p.scope_aggregation;
    j["dns_ttl_s"] = Rounded(p.dns_ttl_s);
    j["regret_ms"] = QuantilesJson(p.regret_ms);
    if (p.regret_public_ms) j["regret_public_resolver_users_ms"] = QuantilesJson(*p.regret_public_ms);
    if (p.regret_isp_ms) j["regret_isp_resolver_users_ms"] = QuantilesJson(*p.regret_isp_ms);
    if (p.regret_ipv4_ms) j["regret_ipv4_users_ms"] = QuantilesJson(*p.regret_ipv4_ms);
    if (p.regret_ipv6_ms) j["regret_ipv6_users_ms"] = QuantilesJson(*p.regret_ipv6_ms);
    j["download_ms"] = QuantilesJson(p.download_ms);
    if (p.download_ipv4_ms) j["download_ipv4_ms"] = QuantilesJson(*p.download_ipv4_ms);
    if (p.download_ipv6_ms) j["download_ipv6_ms"] = QuantilesJson(*p.download_ipv6_ms);
    j["downloads_failed"] = Rounded(p.downloads_failed);
    j["flaps"] = FlapsJson(p.flaps);
    j["dns_queries"] = Rounded(p.dns_queries_answered);
    j["dns_queries_per_min"] = Rounded(p.dns_queries_per_min);
    if (p.ecs_query_rate_over_resolver) {
      j["ecs_query_rate_over_resolver"] = Rounded(*p.ecs_query_rate_over_resolver);
      j["resolver_mapped_policy"] = p.resolver_mapped_policy;
    }
    j["dns_failures"] = Rounded(p.dns_failures);
    j["dns_updates"] = Rounded(p.dns_updates);
    j["dns_update_rows"] = Rounded(p.dns_update_rows);
    j["measurement_overhead"] = OverheadJson(p.overhead);
    j["probe_packets"] = Rounded(p.probe_packets);
    j["probe_bytes"] = Rounded(p.probe_bytes);
    j["probe_trains"] = Rounded(p.probe_trains);
    j["rum"] = RumJson(p.rum);
    j["overload"] = OverloadJson(p.overload);
    j["capacity_spilled_rows"] = p.capacity_spilled_rows;
    j["dwell_held_rows"] = p.dwell_held_rows;
    nlohmann::ordered_json events = nlohmann::ordered_json::array();
    for (const auto& e : p.events) {
      events.push_back({{"at_s", Rounded(e.at_s)},
                        {"description", e.description},
                        {"settle_s", Rounded(e.settle_s)},
                        {"remapped_groups", e.remapped_groups}});
    }
    j["events"] = events;
    routing[p.policy] = j;
  }
  root["routing"] = routing;
  return root;
}

void WriteJsonFile(const std::string& path, const nlohmann::ordered_json& json) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << json.dump(2) << '\n';
  if (!out) throw std::runtime_error("error while writing " + path);
}

}  // namespace cdnlab
