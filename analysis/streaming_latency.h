#pragma once
// Glass-to-glass latency of live viewers: for each segment a viewer starts playing, the time
// since that segment's capture began at its publisher. A viewer keeps its samples as runs of
// equal values (between two stalls or skips every segment has the same latency), so a long run
// costs a handful of entries; the quantiles weigh each run by its segments.
#include <optional>
#include <vector>

#include "analysis/weighted_percentile.h"

namespace cdnlab {

// Adds one sample (ms, kept to 0.1 ms) to `runs`: merged into the last run when equal.
void AddLatencySample(std::vector<WeightedValue>& runs, double ms);

struct LatencyQuantiles {
  std::optional<double> p50_ms;  // none: no samples
  std::optional<double> p95_ms;
  double samples = 0;
};
LatencyQuantiles QuantilesOfLatency(const std::vector<WeightedValue>& runs);

}  // namespace cdnlab
