#include <gtest/gtest.h>

#include "models/core/seeded_random_source.h"
#include "models/routing/geo_policy.h"
#include "models/routing/ground_truth.h"
#include "models/routing/mapping_target.h"
#include "models/routing/oracle_policy.h"
#include "models/routing/random_policy.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using std::chrono::seconds;

TEST(GeoPolicy, NearestPopFirst) {
  const RoutingCatalog c = testing::ThreePopCatalog();
  GeoPolicy geo(c);
  const auto targets = BuildMappingTargets(c);
  EXPECT_EQ(geo.Rank(0, targets[0], seconds(0), {}), (std::vector<PopIndex>{0, 1, 2}));  // Boston
  EXPECT_EQ(geo.Rank(1, targets[1], seconds(0), {}).front(), 1u);                      // Paris
  EXPECT_EQ(geo.Rank(2, targets[2], seconds(0), {}).front(), 2u);                      // Osaka
}

TEST(RandomPolicy, DrawsOncePerTargetFromTheSeed) {
  const RoutingCatalog c = testing::ThreePopCatalog();
  SeededRandomSource r1(5), r2(5);
  RandomPolicy a(c, r1), b(c, r2);
  const MappingTarget t{};
  for (std::size_t i = 0; i < 6; ++i) {
    const auto first = a.Rank(i, t, seconds(0), {});
    EXPECT_EQ(first.size(), 3u);
    EXPECT_EQ(first, a.Rank(i, t, seconds(100), {})) << "kept, not re-drawn";
    EXPECT_EQ(first, b.Rank(i, t, seconds(0), {})) << "same seed, same draw";
  }
}

TEST(OraclePolicy, RanksAvailablePopsByTrueWeightedRtt) {
  GroundTruth truth(2, 3);
  Eigen::MatrixXd rtt(2, 3);
  rtt << 10, 20, 30,
         90, 20, 10;
  truth.SetRttMs(rtt);
  OraclePolicy oracle(truth);
  EXPECT_EQ(oracle.Rank(0, MappingTarget{{}, {}, {{0, 1.0}}}, seconds(0), {}), (std::vector<PopIndex>{0, 1, 2}));
  EXPECT_EQ(oracle.Rank(0, MappingTarget{{}, {}, {{0, 0.5}, {1, 0.5}}}, seconds(0), {}).front(), 1u);
  truth.SetPopAvailable(0, false);
  EXPECT_EQ(oracle.Rank(0, MappingTarget{{}, {}, {{0, 1.0}}}, seconds(0), {}), (std::vector<PopIndex>{1, 2}));
  EXPECT_DOUBLE_EQ(truth.BestRttMs(0), 20);
}

TEST(MappingTargets, OnePerGroupOnePerResolverAndADefault) {
  const RoutingCatalog c = testing::ThreePopCatalog();
  const auto t = BuildMappingTargets(c);
  ASSERT_EQ(t.size(), 3u + 2u + 1u);
  EXPECT_EQ(t[0].prefix, c.groups[0].prefix);
  EXPECT_EQ(t[3].prefix, Ipv4Prefix::Of(c.resolvers[0].address, 32));
  ASSERT_EQ(t[3].groups.size(), 2u);  // boston 3000 and paris 1000 behind r0
  EXPECT_DOUBLE_EQ(t[3].groups[0].second, 0.75);
  EXPECT_EQ(t[5].prefix.Length(), 0);
  EXPECT_EQ(t[5].groups.size(), 3u);
}

}  // namespace
}  // namespace cdnlab
