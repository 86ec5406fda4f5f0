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
};

// summary.json: run info, then routing.<policy>.{regret_ms,download_ms,dns_updates,
// probe_packets,events[i].settle_s,...}. Keys keep insertion order and numbers are rounded
// to microsecond/millisecond-scale precision, so equal runs give byte-identical files.
nlohmann::ordered_json RoutingSummaryJson(const RunInfo& run, const std::vector<RoutingPolicySummary>& policies);

// Writes `json` (2-space indent, trailing newline); throws std::runtime_error on I/O failure.
void WriteJsonFile(const std::string& path, const nlohmann::ordered_json& json);

}  // namespace cdnlab
