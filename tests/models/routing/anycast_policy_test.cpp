#include "models/routing/anycast_policy.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <gtest/gtest.h>

#include "models/routing/mapping_target.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// ThreePopCatalog: nyc (0), lon (1), tyo (2); groups boston (0), paris (1), osaka (2).
class AnycastTest : public ::testing::Test {
 protected:
  AnycastTest() : catalog_(testing::ThreePopCatalog()), hops_(3, 3) {
    hops_ << 4, 2, 3,    // boston: routing reaches lon first, although nyc is next door
        1, 1, kInf,      // paris: a tie, and no route to tyo
        2, 5, 1;         // osaka
  }
  MappingTarget GroupTarget(GroupIndex g) { return {catalog_.groups[g].prefix, catalog_.groups[g].location, {{g, 1.0}}}; }
  RoutingCatalog catalog_;
  Eigen::MatrixXd hops_;
};

TEST_F(AnycastTest, FewestHopsWinsWhateverTheRtt) {
  AnycastPolicy anycast(catalog_, hops_);
  EXPECT_EQ(anycast.Name(), "anycast");
  EXPECT_EQ(anycast.Rank(0, GroupTarget(0), SimTime{}, {0}), (std::vector<PopIndex>{1, 2, 0}))
      << "boston goes to London by routing even though New York has the lower RTT (and is published)";
  EXPECT_EQ(anycast.Rank(2, GroupTarget(2), SimTime{}, {}), (std::vector<PopIndex>{2, 0, 1}));
}

TEST_F(AnycastTest, TiesGoToTheLowerPopAndUnreachablePopsAreLeftOut) {
  AnycastPolicy anycast(catalog_, hops_);
  EXPECT_EQ(anycast.Rank(1, GroupTarget(1), SimTime{}, {}), (std::vector<PopIndex>{0, 1}));
  hops_(1, 0) = std::numeric_limits<double>::quiet_NaN();
  anycast.SetPathHops(hops_);
  EXPECT_EQ(anycast.Rank(1, GroupTarget(1), SimTime{}, {}), (std::vector<PopIndex>{1}));
}

TEST_F(AnycastTest, ARowSharedByGroupsFollowsItsHeaviestGroup) {
  AnycastPolicy anycast(catalog_, hops_);
  const std::vector<MappingTarget> targets = BuildMappingTargets(catalog_);
  ASSERT_EQ(targets.size(), 6u);
  // r0's /32 stands for boston (3000 users) and paris (1000): boston's routes decide.
  EXPECT_EQ(anycast.Rank(3, targets[3], SimTime{}, {}), (std::vector<PopIndex>{1, 2, 0}));
  const MappingTarget tie{catalog_.groups[0].prefix, {}, {{2, 0.5}, {0, 0.5}}};
  EXPECT_EQ(anycast.Rank(0, tie, SimTime{}, {}), (std::vector<PopIndex>{1, 2, 0})) << "equal weights: lower group";
  EXPECT_TRUE(anycast.Rank(0, MappingTarget{}, SimTime{}, {}).empty());
}

TEST_F(AnycastTest, AWithdrawnPopIsNotReachedAndReturnsWhenAnnouncedAgain) {
  AnycastPolicy anycast(catalog_, hops_);
  anycast.SetPopAvailable(1, false);
  EXPECT_EQ(anycast.Rank(0, GroupTarget(0), SimTime{}, {}), (std::vector<PopIndex>{2, 0}));
  anycast.SetPopAvailable(1, true);
  EXPECT_EQ(anycast.Rank(0, GroupTarget(0), SimTime{}, {}), (std::vector<PopIndex>{1, 2, 0}));
  EXPECT_THROW(anycast.SetPopAvailable(7, false), std::out_of_range);
}

TEST_F(AnycastTest, BadMatricesAreRejected) {
  EXPECT_THROW(AnycastPolicy(catalog_, Eigen::MatrixXd::Zero(3, 2)), std::invalid_argument);
  EXPECT_THROW(AnycastPolicy(catalog_, Eigen::MatrixXd::Zero(2, 3)), std::invalid_argument);
  hops_(2, 2) = -1;
  EXPECT_THROW(AnycastPolicy(catalog_, hops_), std::invalid_argument);
  AnycastPolicy anycast(catalog_, Eigen::MatrixXd::Zero(3, 3));
  EXPECT_THROW(anycast.Rank(0, MappingTarget{{}, {}, {{9, 1.0}}}, SimTime{}, {}), std::invalid_argument);
}

TEST(HopCountsTest, CountsLinksNotDelay) {
  TopologyGraph graph;
  const auto access = graph.AddNode("access", NodeKind::kRouter, {0, 0});
  graph.AddNode("near-in-hops", NodeKind::kPop, {0, 1});
  graph.AddNode("r1", NodeKind::kRouter, {0, 0});
  graph.AddNode("r2", NodeKind::kRouter, {0, 0});
  graph.AddNode("fast", NodeKind::kPop, {0, 0});
  graph.AddNode("island", NodeKind::kRouter, {0, 0});
  graph.AddLink("access", "near-in-hops", LinkParams{100});  // one slow hop
  graph.AddLink("access", "r1", LinkParams{1});              // three fast hops
  graph.AddLink("r1", "r2", LinkParams{1});
  graph.AddLink("r2", "fast", LinkParams{1});
  const std::vector<double> hops = HopCountsFrom(graph, access);
  EXPECT_EQ(hops, (std::vector<double>{0, 1, 1, 2, 3, kInf}));
  const std::vector<double> latency = graph.LatenciesFromMs(access);
  EXPECT_LT(latency[4], latency[1]) << "the fewest-hop PoP is not the fastest one";
  EXPECT_THROW(HopCountsFrom(graph, 99), std::invalid_argument);
}

}  // namespace
}  // namespace cdnlab
