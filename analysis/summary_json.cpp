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
  return root;
}

nlohmann::ordered_json RoutingSummaryJson(const RunInfo& run, const std::vector<RoutingPolicySummary>& policies) {
  nlohmann::ordered_json root = RunInfoJson(run);
  nlohmann::ordered_json routing = nlohmann::ordered_json::object();
  for (const auto& p : policies) {
    nlohmann::ordered_json j;
    j["regret_ms"] = QuantilesJson(p.regret_ms);
    j["download_ms"] = QuantilesJson(p.download_ms);
    j["downloads_failed"] = Rounded(p.downloads_failed);
    j["dns_failures"] = Rounded(p.dns_failures);
    j["dns_updates"] = Rounded(p.dns_updates);
    j["dns_update_rows"] = Rounded(p.dns_update_rows);
    j["probe_packets"] = Rounded(p.probe_packets);
    j["probe_bytes"] = Rounded(p.probe_bytes);
    j["probe_trains"] = Rounded(p.probe_trains);
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
