#include "models/routing/measurement_store.h"

#include <cmath>

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

using std::chrono::seconds;

TEST(MeasurementStore, FirstSampleIsTakenAsIsThenSmoothed) {
  MeasurementStore s(2, 3, {0.5, seconds(60)});
  s.AddSample(1, 2, seconds(1), 100.0, 0.0);
  EXPECT_DOUBLE_EQ(*s.RttMs(1, 2, seconds(1)), 100.0);
  s.AddSample(1, 2, seconds(2), 50.0, 0.2);
  EXPECT_DOUBLE_EQ(*s.RttMs(1, 2, seconds(2)), 75.0);
  EXPECT_DOUBLE_EQ(*s.Loss(1, 2, seconds(2)), 0.1);
  EXPECT_EQ(s.SampleCount(1, 2), 2u);
  EXPECT_FALSE(s.RttMs(0, 0, seconds(2)).has_value()) << "never measured";
}

TEST(MeasurementStore, AllLostTrainRaisesLossButKeepsTheRtt) {
  MeasurementStore s(1, 1, {0.5, seconds(60)});
  s.AddSample(0, 0, seconds(1), 20.0, 0.0);
  s.AddSample(0, 0, seconds(2), std::nullopt, 1.0);
  EXPECT_DOUBLE_EQ(*s.RttMs(0, 0, seconds(2)), 20.0);
  EXPECT_DOUBLE_EQ(*s.Loss(0, 0, seconds(2)), 0.5);
}

TEST(MeasurementStore, StaleCellsAgeOut) {
  MeasurementStore s(1, 2, {0.3, seconds(30)});
  s.AddSample(0, 0, seconds(10), 20.0, 0.0);
  s.AddSample(0, 1, seconds(35), 40.0, 0.0);
  EXPECT_TRUE(s.IsFresh(0, 0, seconds(40)));
  EXPECT_FALSE(s.IsFresh(0, 0, seconds(41)));
  EXPECT_FALSE(s.RttMs(0, 0, seconds(41)).has_value());
  const Eigen::MatrixXd fresh = s.FreshRttMs(seconds(41));
  EXPECT_TRUE(std::isnan(fresh(0, 0)));
  EXPECT_DOUBLE_EQ(fresh(0, 1), 40.0);
}

TEST(MeasurementStore, RejectsBadInput) {
  MeasurementStore s(1, 1);
  EXPECT_THROW(s.AddSample(1, 0, seconds(1), 1.0, 0.0), std::out_of_range);
  EXPECT_THROW(s.AddSample(0, 0, seconds(1), 1.0, 1.5), std::invalid_argument);
  EXPECT_THROW(s.AddSample(0, 0, seconds(1), -1.0, 0.0), std::invalid_argument);
  EXPECT_THROW(MeasurementStore(1, 1, {0.0, seconds(1)}), std::invalid_argument);
}

}  // namespace
}  // namespace cdnlab
