// The operator-style baselines' parts (issue 18 item 1): the health checker geo uses, the
// health-checked policy, and anycast's route table with its BGP convergence delay.
#include <limits>
#include <stdexcept>

#include <gtest/gtest.h>

#include "models/routing/anycast_route_table.h"
#include "models/routing/geo_policy.h"
#include "models/routing/health_checked_policy.h"
#include "models/routing/pop_health_checker.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using testing::ManualRuntime;
using std::chrono::milliseconds;
using std::chrono::seconds;

SimTime At(double s) { return FromSeconds(s); }

TEST(PopHealthCheckerTest, LearnsOfAFailureAtTheFirstPollAfterItNeverBefore) {
  ManualRuntime rt;
  std::vector<bool> answering{true, true, true};
  int changes = 0;
  PopHealthChecker checker(3, seconds(5), [&](PopIndex p) { return answering[p]; }, rt);
  checker.OnChange([&] { ++changes; });
  checker.Start();
  rt.RunUntil(At(12));
  answering[1] = false;  // fails at 12 s
  rt.RunUntil(At(14.999));
  EXPECT_TRUE(checker.Up(1)) << "no poll since the failure: the checker cannot know yet";
  EXPECT_EQ(changes, 0);
  rt.RunUntil(At(15));
  EXPECT_FALSE(checker.Up(1)) << "the poll at 15 s went unanswered";
  EXPECT_TRUE(checker.Up(0));
  EXPECT_EQ(changes, 1);
  answering[1] = true;
  rt.RunUntil(At(20));
  EXPECT_TRUE(checker.Up(1));
  EXPECT_EQ(changes, 2);
  EXPECT_EQ(checker.PollRounds(), 5u);  // 0, 5, 10, 15, 20
}

TEST(PopHealthCheckerTest, RefusesANonPositiveInterval) {
  ManualRuntime rt;
  EXPECT_THROW(PopHealthChecker(1, Duration::zero(), [](PopIndex) { return true; }, rt), std::invalid_argument);
}

TEST(HealthCheckedPolicyTest, GeoSkipsPopsTheCheckerFoundDown) {
  ManualRuntime rt;
  const RoutingCatalog catalog = testing::ThreePopCatalog();
  std::vector<bool> answering{true, true, true};
  PopHealthChecker checker(3, seconds(5), [&](PopIndex p) { return answering[p]; }, rt);
  GeoPolicy geo(catalog);
  HealthCheckedPolicy checked(geo, checker);
  checked.SetRankingDepth(2);
  const MappingTarget boston{catalog.groups[0].prefix, catalog.groups[0].location, {{0, 1.0}}};
  checker.Start();
  const std::vector<PopIndex> before = checked.Rank(0, boston, rt.Now(), {});
  ASSERT_EQ(before.size(), 2u);
  EXPECT_EQ(checked.Name(), "geo");
  answering[before[0]] = false;
  EXPECT_EQ(checked.Rank(0, boston, rt.Now(), {}), before) << "down, but not polled yet";
  rt.RunUntil(At(5));
  const std::vector<PopIndex> after = checked.Rank(0, boston, rt.Now(), {});
  ASSERT_EQ(after.size(), 2u) << "the depth is filled from the PoPs still up";
  EXPECT_EQ(after[0], before[1]);
  EXPECT_NE(after[1], before[0]);
}

class AnycastRouteTableTest : public ::testing::Test {
 protected:
  AnycastRouteTableTest() : hops_(2, 3) {
    hops_ << 1, 2, 3,  // group 0: PoP 0, then 1, then 2
        3, std::numeric_limits<double>::infinity(), 1;  // group 1: PoP 2, then 0; no route to 1
  }
  ManualRuntime rt_;
  Eigen::MatrixXd hops_;
};

TEST_F(AnycastRouteTableTest, WithdrawsAfterTheConvergenceDelayAndReroutesToTheNextPop) {
  AnycastRouteTable routes(hops_, seconds(30), rt_);
  std::vector<std::pair<PopIndex, bool>> heard;
  routes.OnChange([&](PopIndex p, bool up) { heard.emplace_back(p, up); });
  rt_.RunUntil(At(100));
  routes.PopAvailabilityChanged(0, false);
  rt_.RunUntil(At(129.999));
  EXPECT_TRUE(routes.Announced(0)) << "BGP has not converged yet";
  EXPECT_EQ(routes.RoutedPop(0, 0), 0u);
  rt_.RunUntil(At(130));
  EXPECT_FALSE(routes.Announced(0));
  EXPECT_EQ(routes.RoutedPop(0, 0), 1u) << "packets to PoP 0 now reach group 0's next PoP";
  EXPECT_EQ(routes.RoutedPop(1, 0), 2u);
  EXPECT_EQ(routes.RoutedPop(0, 2), 2u) << "an announced PoP keeps its packets";
  routes.PopAvailabilityChanged(0, true);
  rt_.RunUntil(At(160));
  EXPECT_TRUE(routes.Announced(0));
  EXPECT_EQ(heard, (std::vector<std::pair<PopIndex, bool>>{{0, false}, {0, true}}));
}

TEST_F(AnycastRouteTableTest, AFlapShorterThanConvergenceNeverReachesTheRoutes) {
  AnycastRouteTable routes(hops_, seconds(30), rt_);
  int changes = 0;
  routes.OnChange([&](PopIndex, bool) { ++changes; });
  routes.PopAvailabilityChanged(2, false);
  rt_.RunFor(seconds(10));
  routes.PopAvailabilityChanged(2, true);
  rt_.RunFor(seconds(60));
  EXPECT_TRUE(routes.Announced(2));
  EXPECT_EQ(changes, 0);
}

TEST_F(AnycastRouteTableTest, NothingAnnouncedAndReachableRoutesNowhere) {
  AnycastRouteTable routes(hops_, Duration::zero(), rt_);
  routes.PopAvailabilityChanged(0, false);
  routes.PopAvailabilityChanged(2, false);
  rt_.RunFor(milliseconds(1));
  EXPECT_EQ(routes.RoutedPop(1, 0), std::nullopt) << "group 1 has no route to PoP 1";
  EXPECT_EQ(routes.RoutedPop(0, 0), 1u);
  EXPECT_THROW(AnycastRouteTable(hops_, -seconds(1), rt_), std::invalid_argument);
}

}  // namespace
}  // namespace cdnlab
