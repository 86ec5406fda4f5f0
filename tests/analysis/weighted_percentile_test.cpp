#include "analysis/weighted_percentile.h"

#include <cmath>

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

TEST(WeightedPercentile, EqualWeightsMatchTheEmpiricalQuantile) {
  std::vector<WeightedValue> v;
  for (int i = 1; i <= 100; ++i) v.push_back({static_cast<double>(i), 1});
  EXPECT_EQ(WeightedPercentile(v, 0.50), 50);
  EXPECT_EQ(WeightedPercentile(v, 0.95), 95);
  EXPECT_EQ(WeightedPercentile(v, 1.0), 100);
  EXPECT_EQ(WeightedPercentile(v, 0.0), 1);
}

TEST(WeightedPercentile, HeavyObservationDominates) {
  // 10 ms for a population of 900, 100 ms for 100: the median user sees 10 ms, p95 sees 100.
  std::vector<WeightedValue> v{{100, 100}, {10, 900}};
  EXPECT_EQ(WeightedPercentile(v, 0.5), 10);
  EXPECT_EQ(WeightedPercentile(v, 0.9), 10);
  EXPECT_EQ(WeightedPercentile(v, 0.95), 100);
}

TEST(WeightedPercentile, ZeroWeightValuesAreNeverReturned) {
  std::vector<WeightedValue> v{{1, 0}, {5, 1}, {9, 0}};
  EXPECT_EQ(WeightedPercentile(v, 0.0), 5);
  EXPECT_EQ(WeightedPercentile(v, 1.0), 5);
}

TEST(WeightedPercentile, NoDataIsNaN) {
  EXPECT_TRUE(std::isnan(WeightedPercentile({}, 0.5)));
  EXPECT_TRUE(std::isnan(WeightedPercentile({{3, 0}}, 0.5)));
}

}  // namespace
}  // namespace cdnlab
