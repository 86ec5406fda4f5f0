#pragma once
// How a live-streaming run on real processes compares with the simulation of the same
// scenario (`cdnlab compare-streaming`): the same viewers (by id; the real side plays only
// some of them) measured the same way in both, and whether every time measure agrees within a
// tolerance (issue 17: 0.5 s).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/streaming_results.h"

namespace cdnlab {

// One measure in seconds (or a count), in both runtimes.
struct StreamingMeasureComparison {
  std::string name;
  std::string unit;            // "s" or "count"
  std::optional<double> sim;   // none: nothing to measure (e.g. no viewer recovered)
  std::optional<double> real;
  bool gated = false;          // a time measure that must agree within the tolerance
  std::optional<double> difference;  // real - sim, when both exist
  bool agrees = true;          // gated: both none, or |difference| <= tolerance; others always
};

struct StreamingRuntimeComparison {
  std::size_t viewers_compared = 0;
  double tolerance_s = 0.5;
  std::vector<StreamingMeasureComparison> measures;
  bool agrees = true;
};

// The viewers of `run` whose ids are in `ids` (same order as `run`).
StreamingRunResult OnlyViewers(const StreamingRunResult& run, const std::vector<std::string>& ids);

// Measures over the viewers both runs have (matched by id):
//   startup_p50 (s), stalls (count, all viewers), stall_time (s, mean per viewer),
//   skipped (s of content, mean per viewer), skips (count), fetch_errors (count: playlist and
//   segment fetches the players saw fail), detection and rehomed (s from the first ingest kill to
//   the balancer judging it, and to the publisher's first upload landing elsewhere), recovery (s:
//   failure -> every affected viewer playing again, the worst over failures), latency_p50 /
//   latency_p95 (s, glass to glass).
// Gated (must agree within tolerance_s): startup_p50, stall_time, skipped, recovery.
StreamingRuntimeComparison CompareStreamingRuntimes(const StreamingRunResult& sim, const StreamingRunResult& real,
                                                    double tolerance_s);

// {"viewers_compared", "tolerance_s", "agrees", "measures": {name: {unit, sim, real, difference, gated, agrees}}}
nlohmann::ordered_json StreamingRuntimeComparisonJson(const StreamingRuntimeComparison& c);
// measure,unit,sim,real,difference,gated,agrees (empty cells for none).
std::string StreamingRuntimeComparisonCsv(const StreamingRuntimeComparison& c);
// The table compare-streaming prints.
std::string FormatStreamingRuntimeComparison(const StreamingRuntimeComparison& c);

}  // namespace cdnlab
