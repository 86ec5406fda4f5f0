#include "analysis/weighted_percentile.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cdnlab {

double WeightedPercentile(std::vector<WeightedValue> values, double q) {
  double total = 0;
  for (const auto& v : values) total += v.weight;
  if (values.empty() || !(total > 0)) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end(),
            [](const WeightedValue& a, const WeightedValue& b) { return a.value < b.value; });
  const double target = std::clamp(q, 0.0, 1.0) * total;
  double cumulative = 0;
  for (const auto& v : values) {
    cumulative += v.weight;
    if (cumulative >= target && v.weight > 0) return v.value;
  }
  return values.back().value;
}

}  // namespace cdnlab
