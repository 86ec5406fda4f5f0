#pragma once
#include <vector>

namespace cdnlab {

struct WeightedValue {
  double value = 0;
  double weight = 1;
};

// The q-quantile (q in [0, 1]) of weighted observations: the smallest value whose
// cumulative weight reaches q of the total (the inverse of the weighted empirical CDF).
// Returns NaN for no observations or zero total weight.
double WeightedPercentile(std::vector<WeightedValue> values, double q);

}  // namespace cdnlab
