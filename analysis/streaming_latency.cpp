#include "analysis/streaming_latency.h"

#include <cmath>

namespace cdnlab {

void AddLatencySample(std::vector<WeightedValue>& runs, double ms) {
  const double kept = std::round(ms * 10) / 10;
  if (!runs.empty() && runs.back().value == kept) {
    runs.back().weight += 1;
  } else {
    runs.push_back({kept, 1});
  }
}

LatencyQuantiles QuantilesOfLatency(const std::vector<WeightedValue>& runs) {
  LatencyQuantiles q;
  for (const auto& r : runs) q.samples += r.weight;
  if (q.samples <= 0) return q;
  q.p50_ms = WeightedPercentile(runs, 0.5);
  q.p95_ms = WeightedPercentile(runs, 0.95);
  return q;
}

}  // namespace cdnlab
