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

// FreshDenseRow must offer a row exactly when ForEachFreshCell would visit every PoP of it.
TEST(MeasurementStore, DenseRowOnlyWhenEveryCellIsFreshWithAnRtt) {
  MeasurementStore s(2, 3, {0.5, seconds(30)});
  EXPECT_EQ(s.FreshDenseRow(0, seconds(0)).rtt_ms, nullptr) << "never measured";
  s.AddSample(0, 0, seconds(10), 20.0, 0.0);
  s.AddSample(0, 1, seconds(12), 30.0, 0.0);
  EXPECT_EQ(s.FreshDenseRow(0, seconds(12)).rtt_ms, nullptr) << "PoP 2 never measured";
  s.AddSample(0, 2, seconds(14), std::nullopt, 1.0);
  EXPECT_EQ(s.FreshDenseRow(0, seconds(14)).rtt_ms, nullptr) << "PoP 2 has no RTT yet";
  s.AddSample(0, 2, seconds(16), 40.0, 0.0);
  const MeasurementStore::DenseRow row = s.FreshDenseRow(0, seconds(40));
  ASSERT_NE(row.rtt_ms, nullptr);
  EXPECT_EQ(row.rtt_ms[0], 20.0);
  EXPECT_EQ(row.rtt_ms[2], 40.0);
  ASSERT_NE(row.loss, nullptr) << "PoP 2's loss is 0.5";
  EXPECT_EQ(row.loss[2], 0.5);
  EXPECT_EQ(s.FreshDenseRow(0, seconds(41)).rtt_ms, nullptr) << "PoP 0 (sampled at 10 s) is stale at 41 s";
  s.AddSample(0, 0, seconds(50), 20.0, 0.0);  // the oldest cell moves on: PoP 1 (12 s) is the oldest now
  EXPECT_NE(s.FreshDenseRow(0, seconds(42)).rtt_ms, nullptr);
  EXPECT_EQ(s.FreshDenseRow(0, seconds(43)).rtt_ms, nullptr) << "PoP 1 is stale at 43 s";
  for (PopIndex p = 0; p < 3; ++p) s.AddSample(1, p, seconds(5), 10.0 + p, 0.0);
  const MeasurementStore::DenseRow lossless = s.FreshDenseRow(1, seconds(5));
  ASSERT_NE(lossless.rtt_ms, nullptr);
  EXPECT_EQ(lossless.loss, nullptr) << "every loss is +0.0";
  MeasurementStore::SavedCell lossy;
  lossy.rtt_ms = 11.0;
  lossy.loss = 0.25;
  lossy.last_sample = seconds(-100);
  lossy.samples = 1;
  s.Restore(1, 1, lossy);
  EXPECT_EQ(s.FreshDenseRow(1, seconds(5)).rtt_ms, nullptr) << "a restored cell from long ago is stale";
  lossy.last_sample = seconds(5);
  s.Restore(1, 1, lossy);
  const MeasurementStore::DenseRow restored = s.FreshDenseRow(1, seconds(5));
  ASSERT_NE(restored.rtt_ms, nullptr);
  EXPECT_NE(restored.loss, nullptr);
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
