#include "analysis/streaming_runtime_comparison.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "analysis/streaming_latency.h"
#include "analysis/summary_json.h"

namespace cdnlab {
namespace {

struct Measures {
  std::optional<double> startup_p50_s;
  double stalls = 0;
  double stall_s = 0;
  double skipped_s = 0;
  double skips = 0;
  double fetch_errors = 0;
  std::optional<double> recovery_s;
  std::optional<double> latency_p50_s;
  std::optional<double> latency_p95_s;
};

std::optional<double> Median(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  return v[(v.size() - 1) / 2];
}

// Failure -> every affected viewer among `viewers` playing again; none when one never did or
// no viewer was affected.
std::optional<double> Recovery(const std::vector<StreamingViewerResult>& viewers) {
  std::optional<double> worst;
  for (const auto& v : viewers) {
    if (!v.affected) continue;
    if (!v.resumed_after_s) return std::nullopt;
    worst = std::max(worst.value_or(0), *v.resumed_after_s);
  }
  return worst;
}

// The first failure that killed an ingest: when the balancer judged it, and when the
// publisher's uploads landed elsewhere (the first stream's).
std::optional<double> Detection(const StreamingRunResult& run) {
  for (const auto& f : run.failures) {
    if (!f.ingest.empty()) return f.detection_s;
  }
  return std::nullopt;
}
std::optional<double> Rehomed(const StreamingRunResult& run) {
  for (const auto& f : run.failures) {
    if (!f.ingest.empty() && !f.publisher_reconnect_s.empty()) return f.publisher_reconnect_s.begin()->second;
  }
  return std::nullopt;
}

Measures Measure(const std::vector<StreamingViewerResult>& viewers) {
  Measures m;
  std::vector<double> startup;
  std::vector<WeightedValue> latency;
  for (const auto& v : viewers) {
    if (v.startup_ms) startup.push_back(*v.startup_ms / 1000);
    m.stalls += static_cast<double>(v.stalls);
    m.stall_s += v.stall_ms / 1000;
    m.skipped_s += v.skipped_ms / 1000;
    m.skips += static_cast<double>(v.skips);
    m.fetch_errors += static_cast<double>(v.fetch_failures);
    latency.insert(latency.end(), v.latency_ms.begin(), v.latency_ms.end());
  }
  if (!viewers.empty()) {
    m.stall_s /= static_cast<double>(viewers.size());
    m.skipped_s /= static_cast<double>(viewers.size());
  }
  m.startup_p50_s = Median(startup);
  m.recovery_s = Recovery(viewers);
  const LatencyQuantiles q = QuantilesOfLatency(latency);
  if (q.p50_ms) m.latency_p50_s = *q.p50_ms / 1000;
  if (q.p95_ms) m.latency_p95_s = *q.p95_ms / 1000;
  return m;
}

std::string Cell(const std::optional<double>& v, int decimals = 3) {
  return v ? fmt::format("{:.{}f}", *v, decimals) : std::string();
}

}  // namespace

StreamingRunResult OnlyViewers(const StreamingRunResult& run, const std::vector<std::string>& ids) {
  const std::set<std::string> keep(ids.begin(), ids.end());
  StreamingRunResult out = run;
  out.viewers.clear();
  for (const auto& v : run.viewers) {
    if (keep.count(v.viewer)) out.viewers.push_back(v);
  }
  return out;
}

StreamingRuntimeComparison CompareStreamingRuntimes(const StreamingRunResult& sim, const StreamingRunResult& real,
                                                    double tolerance_s) {
  std::vector<std::string> ids;
  for (const auto& v : real.viewers) ids.push_back(v.viewer);
  const StreamingRunResult sim_matched = OnlyViewers(sim, ids);
  std::vector<std::string> both;
  for (const auto& v : sim_matched.viewers) both.push_back(v.viewer);
  const StreamingRunResult real_matched = OnlyViewers(real, both);

  StreamingRuntimeComparison c;
  c.viewers_compared = both.size();
  c.tolerance_s = tolerance_s;
  const Measures s = Measure(sim_matched.viewers);
  const Measures r = Measure(real_matched.viewers);
  auto add = [&](const char* name, const char* unit, std::optional<double> a, std::optional<double> b, bool gated) {
    StreamingMeasureComparison m;
    m.name = name;
    m.unit = unit;
    m.sim = a;
    m.real = b;
    m.gated = gated;
    if (a && b) m.difference = *b - *a;
    if (gated) m.agrees = (!a && !b) || (m.difference && std::fabs(*m.difference) <= tolerance_s + 1e-9);
    c.agrees = c.agrees && m.agrees;
    c.measures.push_back(m);
  };
  add("startup_p50", "s", s.startup_p50_s, r.startup_p50_s, true);
  add("stalls", "count", s.stalls, r.stalls, false);
  add("stall_time", "s", s.stall_s, r.stall_s, true);
  add("skipped", "s", s.skipped_s, r.skipped_s, true);
  add("skips", "count", s.skips, r.skips, false);
  add("fetch_errors", "count", s.fetch_errors, r.fetch_errors, false);
  add("detection", "s", Detection(sim), Detection(real), false);
  add("rehomed", "s", Rehomed(sim), Rehomed(real), false);
  add("recovery", "s", s.recovery_s, r.recovery_s, true);
  add("latency_p50", "s", s.latency_p50_s, r.latency_p50_s, false);
  add("latency_p95", "s", s.latency_p95_s, r.latency_p95_s, false);
  return c;
}

nlohmann::ordered_json StreamingRuntimeComparisonJson(const StreamingRuntimeComparison& c) {
  auto number = [](const std::optional<double>& v) { return v ? SummaryNumber(*v) : nlohmann::ordered_json(nullptr); };
  nlohmann::ordered_json j;
  j["viewers_compared"] = c.viewers_compared;
  j["tolerance_s"] = SummaryNumber(c.tolerance_s);
  j["agrees"] = c.agrees;
  nlohmann::ordered_json measures = nlohmann::ordered_json::object();
  for (const auto& m : c.measures) {
    measures[m.name] = {{"unit", m.unit},      {"sim", number(m.sim)},   {"real", number(m.real)},
                        {"difference", number(m.difference)}, {"gated", m.gated}, {"agrees", m.agrees}};
  }
  j["measures"] = measures;
  return j;
}

std::string StreamingRuntimeComparisonCsv(const StreamingRuntimeComparison& c) {
  std::string out = "measure,unit,sim,real,difference,gated,agrees\n";
  for (const auto& m : c.measures) {
    out += fmt::format("{},{},{},{},{},{},{}\n", m.name, m.unit, Cell(m.sim), Cell(m.real), Cell(m.difference),
                       m.gated ? 1 : 0, m.agrees ? 1 : 0);
  }
  return out;
}

std::string FormatStreamingRuntimeComparison(const StreamingRuntimeComparison& c) {
  std::string out = fmt::format("{:<13} {:>6} {:>9} {:>9} {:>9}  {}\n", "measure", "unit", "ns-3", "real", "real-ns3",
                                "within " + fmt::format("{:g}", c.tolerance_s) + " s");
  for (const auto& m : c.measures) {
    const int decimals = m.unit == "count" ? 0 : 2;
    auto cell = [&](const std::optional<double>& v) { return v ? fmt::format("{:.{}f}", *v, decimals) : "-"; };
    out += fmt::format("{:<13} {:>6} {:>9} {:>9} {:>9}  {}\n", m.name, m.unit, cell(m.sim), cell(m.real),
                       cell(m.difference), m.gated ? (m.agrees ? "yes" : "NO") : "(reported)");
  }
  out += fmt::format("{} viewers compared: {}\n", c.viewers_compared,
                     c.agrees ? "the runtimes agree" : "the runtimes DISAGREE");
  return out;
}

}  // namespace cdnlab
