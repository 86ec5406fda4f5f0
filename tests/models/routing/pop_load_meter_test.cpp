// PoP load under a published mapping: demand per row to its first PoP, peaks and time over capacity.
#include "models/routing/pop_load_meter.h"

#include <gtest/gtest.h>

#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using std::chrono::seconds;

class PopLoadMeterTest : public ::testing::Test {
 protected:
  PopLoadMeterTest() : catalog_(testing::ThreePopCatalog()) {
    for (const auto& g : catalog_.groups) targets_.push_back(MappingTarget{g.prefix, g.location, {}});
  }
  void Publish(PopIndex boston, PopIndex paris, PopIndex osaka) {
    table_.Replace({{catalog_.groups[0].prefix, {boston}},
                    {catalog_.groups[1].prefix, {paris}},
                    {catalog_.groups[2].prefix, {osaka}}});
  }

  RoutingCatalog catalog_;  // every PoP: capacity 100 rps
  std::vector<MappingTarget> targets_;
  MappingTable table_;
};

TEST_F(PopLoadMeterTest, CountsPeakAndTimeOverCapacityAfterTheWarmup) {
  PopLoadMeter meter(catalog_, targets_, {60, 70, 20}, seconds(10));
  Publish(0, 0, 2);  // nyc carries 130 rps from t=0: only the 10 s after the warm-up count
  meter.Observe(table_, seconds(0));
  EXPECT_EQ(meter.LoadRps(), (std::vector<double>{130, 0, 20}));
  Publish(0, 1, 2);  // Paris moves to London at 20 s
  meter.Observe(table_, seconds(20));
  meter.Finish(seconds(50));
  const auto r = meter.Result();
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].pop, "nyc");
  EXPECT_DOUBLE_EQ(r[0].peak_demand_rps, 130);
  EXPECT_DOUBLE_EQ(r[0].peak_ratio, 1.3);
  EXPECT_DOUBLE_EQ(r[0].seconds_over, 10);
  EXPECT_DOUBLE_EQ(r[0].excess_demand_rps_s, 300);
  EXPECT_DOUBLE_EQ(r[1].peak_ratio, 0.7);
  EXPECT_DOUBLE_EQ(r[1].seconds_over, 0);
  EXPECT_DOUBLE_EQ(r[2].peak_demand_rps, 20);
}

TEST_F(PopLoadMeterTest, APeakBeforeTheWarmupDoesNotCount) {
  PopLoadMeter meter(catalog_, targets_, {60, 70, 20}, seconds(10));
  Publish(0, 0, 0);
  meter.Observe(table_, seconds(0));
  Publish(0, 1, 2);
  meter.Observe(table_, seconds(10));
  meter.Finish(seconds(20));
  EXPECT_DOUBLE_EQ(meter.Result()[0].peak_ratio, 0.6);
  EXPECT_DOUBLE_EQ(meter.Result()[0].seconds_over, 0);
}

TEST_F(PopLoadMeterTest, UnlimitedCapacityAndUnmappedRows) {
  catalog_.pops[0].capacity_rps = 0;
  PopLoadMeter meter(catalog_, targets_, {600, 70, 20}, seconds(0));
  table_.Replace({{catalog_.groups[0].prefix, {0}}});  // only Boston has a row
  meter.Observe(table_, seconds(0));
  meter.Finish(seconds(5));
  const auto r = meter.Result();
  EXPECT_DOUBLE_EQ(r[0].peak_demand_rps, 600);
  EXPECT_DOUBLE_EQ(r[0].peak_ratio, 0) << "no capacity given: never overloaded";
  EXPECT_DOUBLE_EQ(r[0].seconds_over, 0);
  EXPECT_EQ(meter.LoadRps(), (std::vector<double>{600, 0, 0}));
}

TEST_F(PopLoadMeterTest, DemandMustMatchTheTargets) {
  EXPECT_THROW(PopLoadMeter(catalog_, targets_, {1, 2}, seconds(0)), std::invalid_argument);
}

}  // namespace
}  // namespace cdnlab
