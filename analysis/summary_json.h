#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/routing_summary.h"

namespace cdnlab {

struct RunInfo {
  std::string scenario_name;
  std::string scenario_source;
  std::uint64_t seed = 0;
  double duration_s = 0;
  std::string fidelity = "packet";  // packet | flow; only "flow" is written (packet files stay as they were)
};

// summary.json: run info, then routing.<label>.{policy, map_by, scope_aggregation (runs that
// honour ECS), dns_ttl_s, regret_ms, regret_public_resolver_users_ms /
// regret_isp_resolver_users_ms (scenarios with public resolvers), download_ms,
// flaps{per_group_per_hour, max_group_per_hour, ...}, dns_queries_per_min,
// ecs_query_rate_over_resolver and resolver_mapped_policy (ECS runs with a by-resolver
// counterpart, see CompareEcsWithResolverMapping), measurement_overhead{packets_per_group_per_min,
// bytes_per_group_per_min, ...}, rum{beacons_accepted, beacons_rejected, ...},
// overload{peak_ratio, pops{...}}, events[i].settle_s, ...}. Keys keep insertion order and numbers are rounded
// to microsecond/millisecond-scale precision, so equal runs give byte-identical files.
nlohmann::ordered_json RoutingSummaryJson(const RunInfo& run, const std::vector<RoutingPolicySummary>& policies);

// summary.json of a run without routing: the run info alone ({"scenario": {...}}), to which
// other parts (e.g. "federation") are added. RoutingSummaryJson starts with the same object.
nlohmann::ordered_json RunInfoJson(const RunInfo& run);

// The number formats every part of summary.json shares: a value rounded to three decimals
// (NaN and infinities become null), and quantiles as {p50, p95, mean, samples}.
nlohmann::ordered_json SummaryNumber(double v);
nlohmann::ordered_json QuantilesJson(const Quantiles& q);

// Writes `json` (2-space indent, trailing newline); throws std::runtime_error on I/O failure.
void WriteJsonFile(const std::string& path, const nlohmann::ordered_json& json);

}  // namespace cdnlab
