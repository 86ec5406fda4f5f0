#include "models/routing/capacity_spill_adjuster.h"

#include <limits>
#include <stdexcept>

#include <gtest/gtest.h>

#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using Rankings = std::vector<std::vector<PopIndex>>;

// ThreePopCatalog: nyc (0), lon (1), tyo (2), 100 rps each.
class CapacitySpillTest : public ::testing::Test {
 protected:
  CapacitySpillTest() : catalog_(testing::ThreePopCatalog()) {}
  void Adjust(CapacitySpillAdjuster& spill, Rankings& rankings) {
    spill.Adjust(std::vector<MappingTarget>(rankings.size()), rankings, Rankings(rankings.size()), SimTime{});
  }
  RoutingCatalog catalog_;
};

TEST_F(CapacitySpillTest, UnlimitedCapacityChangesNothing) {
  for (auto& p : catalog_.pops) p.capacity_rps = 0;
  CapacitySpillAdjuster spill(catalog_, {500, 400, 300});
  Rankings rankings = {{0, 1, 2}, {0, 2, 1}, {1, 0}};
  const Rankings before = rankings;
  Adjust(spill, rankings);
  EXPECT_EQ(rankings, before);
  EXPECT_EQ(spill.AssignedLoadRps(), (std::vector<double>{900, 300, 0}));
  EXPECT_EQ(spill.LastSpilledRows(), 0u);
}

TEST_F(CapacitySpillTest, LargestRowsAreServedFirstAndTheRestSpillInOrder) {
  CapacitySpillAdjuster spill(catalog_, {30, 60, 50});
  Rankings rankings = {{0, 1, 2}, {0, 1, 2}, {0, 2, 1}};
  Adjust(spill, rankings);
  // 60 -> nyc (60); 50 does not fit nyc (110) -> tyo, nyc right behind it; 30 -> nyc (90).
  EXPECT_EQ(rankings, (Rankings{{0, 1, 2}, {0, 1, 2}, {2, 0, 1}}));
  EXPECT_EQ(spill.AssignedLoadRps(), (std::vector<double>{90, 0, 50}));
  EXPECT_EQ(spill.LastSpilledRows(), 1u);
  EXPECT_EQ(spill.LastUnplacedRows(), 0u);
  for (PopIndex p = 0; p < 3; ++p) EXPECT_LE(spill.AssignedLoadRps()[p], catalog_.pops[p].capacity_rps);
}

TEST_F(CapacitySpillTest, FullPopsMoveBehindTheFirstWithRoomKeepingTheirOrder) {
  catalog_.pops[0].capacity_rps = 50;
  catalog_.pops[1].capacity_rps = 50;
  CapacitySpillAdjuster spill(catalog_, {80});
  Rankings rankings = {{0, 1, 2}};
  Adjust(spill, rankings);
  EXPECT_EQ(rankings, (Rankings{{2, 0, 1}}));
}

TEST_F(CapacitySpillTest, ARowThatFillsAPopExactlyFits) {
  CapacitySpillAdjuster spill(catalog_, {40, 60});
  Rankings rankings = {{1, 0}, {1, 0}};
  Adjust(spill, rankings);
  EXPECT_EQ(rankings, (Rankings{{1, 0}, {1, 0}}));
  EXPECT_EQ(spill.AssignedLoadRps()[1], 100);
}

TEST_F(CapacitySpillTest, WhenEverythingIsFullTheOriginalOrderIsKeptAndCounted) {
  CapacitySpillAdjuster spill(catalog_, {90, 90, 90, 90});
  Rankings rankings = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {1, 0, 2}};
  Adjust(spill, rankings);
  EXPECT_EQ(rankings, (Rankings{{0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {1, 0, 2}}))
      << "the last row fits nowhere and stays on its best PoP";
  EXPECT_EQ(spill.LastUnplacedRows(), 1u);
  EXPECT_EQ(spill.AssignedLoadRps(), (std::vector<double>{90, 180, 90}));
  Adjust(spill, rankings);
  EXPECT_EQ(spill.UnplacedRows(), 2u);
  EXPECT_EQ(spill.LastUnplacedRows(), 1u);
}

TEST_F(CapacitySpillTest, EqualDemandsArePlacedInTargetOrderAndZeroDemandNeverMoves) {
  CapacitySpillAdjuster spill(catalog_, {60, 60, 0});
  Rankings rankings = {{0, 1}, {0, 1}, {0, 1}};
  Adjust(spill, rankings);
  EXPECT_EQ(rankings, (Rankings{{0, 1}, {1, 0}, {0, 1}}));
  EXPECT_EQ(spill.SpilledRows(), 1u);
}

TEST_F(CapacitySpillTest, NewDemandTakesEffect) {
  CapacitySpillAdjuster spill(catalog_, {60, 60});
  spill.SetDemand({10, 10});
  Rankings rankings = {{0, 1}, {0, 1}};
  Adjust(spill, rankings);
  EXPECT_EQ(rankings, (Rankings{{0, 1}, {0, 1}}));
}

TEST_F(CapacitySpillTest, BadInputIsRejected) {
  EXPECT_THROW(CapacitySpillAdjuster(catalog_, {-1}), std::invalid_argument);
  EXPECT_THROW(CapacitySpillAdjuster(catalog_, {std::numeric_limits<double>::quiet_NaN()}), std::invalid_argument);
  CapacitySpillAdjuster spill(catalog_, {1, 2});
  Rankings one = {{0}};
  EXPECT_THROW(Adjust(spill, one), std::invalid_argument);
  catalog_.pops[1].capacity_rps = -5;
  EXPECT_THROW(CapacitySpillAdjuster(catalog_, {1}), std::invalid_argument);
}

}  // namespace
}  // namespace cdnlab
