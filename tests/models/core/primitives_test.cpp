#include <cmath>

#include <gtest/gtest.h>

#include "models/core/seeded_random_source.h"
#include "models/geo/point.h"
#include "models/net/endpoint.h"
#include "models/net/ipv4.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using testing::Addr;

TEST(Ipv4, FormatsAndMatches) {
  EXPECT_EQ(Addr(10, 1, 2, 3).ToString(), "10.1.2.3");
  const Ipv4Prefix p = Ipv4Prefix::Of(Addr(10, 1, 2, 3), 24);
  EXPECT_EQ(p.ToString(), "10.1.2.0/24");
  EXPECT_TRUE(p.Contains(Addr(10, 1, 2, 255)));
  EXPECT_FALSE(p.Contains(Addr(10, 1, 3, 0)));
  EXPECT_TRUE(p.Overlaps(Ipv4Prefix::Of(Addr(10, 0, 0, 0), 8)));
  EXPECT_FALSE(p.Overlaps(Ipv4Prefix::Of(Addr(10, 1, 3, 0), 24)));
  EXPECT_EQ(Ipv4Prefix::MaskFor(0), 0u);
  EXPECT_TRUE((Ipv4Prefix{Ipv4Address{0}, 0}).Contains(Addr(203, 0, 113, 9)));
  EXPECT_EQ(p.Host(1), Addr(10, 1, 2, 1));
  EXPECT_EQ((Endpoint{Addr(1, 2, 3, 4), 53}).ToString(), "1.2.3.4:53");
}

TEST(GreatCircle, KnownCityDistances) {
  // New York - London is about 5570 km; Tokyo - Osaka about 400 km.
  EXPECT_NEAR(GreatCircleKm({40.71, -74.01}, {51.51, -0.13}), 5570, 56);
  EXPECT_NEAR(GreatCircleKm({35.68, 139.69}, {34.69, 135.50}), 397, 4);
  EXPECT_DOUBLE_EQ(GreatCircleKm({10, 10}, {10, 10}), 0);
}

TEST(SeededRandomSource, SameSeedSameStreamSameSequence) {
  SeededRandomSource a(42, 1), b(42, 1), c(42, 2), d(43, 1);
  bool differs_by_stream = false, differs_by_seed = false;
  for (int i = 0; i < 100; ++i) {
    const auto va = a.NextU64();
    EXPECT_EQ(va, b.NextU64());
    differs_by_stream |= va != c.NextU64();
    differs_by_seed |= va != d.NextU64();
  }
  EXPECT_TRUE(differs_by_stream);
  EXPECT_TRUE(differs_by_seed);
}

TEST(SeededRandomSource, DistributionsHaveTheRightShape) {
  SeededRandomSource r(7);
  double sum = 0, min = 1, max = 0;
  constexpr int kDraws = 100000;
  for (int i = 0; i < kDraws; ++i) {
    const double u = r.Uniform01();
    min = std::min(min, u);
    max = std::max(max, u);
    sum += r.Exponential(3.0);
  }
  EXPECT_GE(min, 0.0);
  EXPECT_LT(max, 1.0);
  EXPECT_NEAR(sum / kDraws, 3.0, 0.05);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(r.UniformIndex(5), 5u);
}

}  // namespace
}  // namespace cdnlab
