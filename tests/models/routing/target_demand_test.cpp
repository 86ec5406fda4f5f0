#include "models/routing/target_demand.h"

#include <gtest/gtest.h>

#include "models/routing/mapping_target.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using testing::Addr;

// ThreePopCatalog: r0 sends client subnet for boston (0) and paris (1); r1 does not, for osaka (2).
// Targets: 0..2 the groups' /24s, 3 r0's /32, 4 r1's /32, 5 the default row.
class TargetDemandTest : public ::testing::Test {
 protected:
  TargetDemandTest() : catalog_(testing::ThreePopCatalog()) {
    catalog_.groups[0].demand_rps = 30;
    catalog_.groups[1].demand_rps = 10;
    catalog_.groups[2].demand_rps = 20;
    targets_ = BuildMappingTargets(catalog_);
  }
  RoutingCatalog catalog_;
  std::vector<MappingTarget> targets_;
};

TEST_F(TargetDemandTest, ClientSubnetGroupsLoadTheirOwnRowOthersTheirResolversRow) {
  ASSERT_EQ(targets_.size(), 6u);
  EXPECT_EQ(TargetDemandRps(catalog_, targets_, true), (std::vector<double>{30, 10, 0, 0, 20, 0}))
      << "osaka's resolver sends no subnet, so its own /24 row carries nothing";
}

TEST_F(TargetDemandTest, MappingByResolverPutsEveryGroupOnItsResolversRow) {
  EXPECT_EQ(TargetDemandRps(catalog_, targets_, false), (std::vector<double>{0, 0, 0, 40, 20, 0}));
}

TEST_F(TargetDemandTest, TheDefaultRowCarriesOnlyGroupsNoOtherRowMatches) {
  targets_.erase(targets_.begin() + 4);  // no row for r1's address: osaka falls to the default row
  EXPECT_EQ(TargetDemandRps(catalog_, targets_, true), (std::vector<double>{30, 10, 0, 0, 20}));
  targets_.pop_back();  // and with no default row either, nothing answers osaka
  EXPECT_EQ(TargetDemandRps(catalog_, targets_, true), (std::vector<double>{30, 10, 0, 0}));
}

TEST_F(TargetDemandTest, ASubnetGroupWithoutItsOwnRowUsesTheLongestCoveringRow) {
  std::vector<MappingTarget> targets = {
      {Ipv4Prefix{Addr(10, 0, 0, 0), 8}, {}, {}},
      {Ipv4Prefix{Addr(10, 1, 0, 0), 16}, {}, {}},
      {Ipv4Prefix{Ipv4Address{0}, 0}, {}, {}},
  };
  EXPECT_EQ(TargetDemandRps(catalog_, targets, true), (std::vector<double>{10, 30, 20}))
      << "boston in 10.1/16, paris in 10/8, osaka (no subnet) via r1's address, which only the default covers";
}

TEST_F(TargetDemandTest, GroupsWithoutDemandAddNothing) {
  for (auto& g : catalog_.groups) g.demand_rps = 0;
  EXPECT_EQ(TargetDemandRps(catalog_, targets_, true), std::vector<double>(6, 0.0));
}

}  // namespace
}  // namespace cdnlab
