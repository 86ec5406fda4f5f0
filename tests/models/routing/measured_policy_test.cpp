#include "models/routing/measured_policy.h"

#include <gtest/gtest.h>

#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using std::chrono::seconds;

class MeasuredPolicyTest : public ::testing::Test {
 protected:
  MeasuredPolicyTest() : store_(3, 3, {1.0, seconds(30)}), policy_(store_, {500, 0.10, 5}) {}

  // alpha = 1: each sample replaces the cell, so tests set exact values.
  void Measure(GroupIndex g, PopIndex p, double rtt, double loss = 0, SimTime at = seconds(10)) {
    store_.AddSample(g, p, at, rtt, loss);
  }
  std::vector<PopIndex> Rank(GroupIndex g, const std::vector<PopIndex>& previous, SimTime now = seconds(10)) {
    return policy_.Rank(g, MappingTarget{{}, {}, {{g, 1.0}}}, now, previous);
  }

  MeasurementStore store_;
  MeasuredPolicy policy_;
};

TEST_F(MeasuredPolicyTest, RanksByRttWithoutHistory) {
  Measure(0, 0, 30);
  Measure(0, 1, 10);
  Measure(0, 2, 20);
  EXPECT_EQ(Rank(0, {}), (std::vector<PopIndex>{1, 2, 0}));
}

TEST_F(MeasuredPolicyTest, LossIsPenalised) {
  Measure(0, 0, 10, 0.05);  // 10 + 500 * 0.05 = 35
  Measure(0, 1, 30, 0.0);
  EXPECT_EQ(Rank(0, {}).front(), 1u);
}

TEST_F(MeasuredPolicyTest, NoiseWithinTheMarginDoesNotFlap) {
  Measure(0, 0, 50);
  Measure(0, 1, 47);  // better, but not by 10% + 5 ms
  EXPECT_EQ(Rank(0, {0, 1}).front(), 0u);
  Measure(0, 1, 39.9);  // 50 * 0.9 - 5 = 40: now clearly better
  EXPECT_EQ(Rank(0, {0, 1}).front(), 1u);
}

TEST_F(MeasuredPolicyTest, LowerPositionsAreStickyToo) {
  Measure(0, 0, 10);
  Measure(0, 1, 52);
  Measure(0, 2, 50);
  EXPECT_EQ(Rank(0, {0, 1, 2}), (std::vector<PopIndex>{0, 1, 2}));
}

TEST_F(MeasuredPolicyTest, StaleIncumbentIsReplacedAtOnce) {
  Measure(0, 0, 10, 0, seconds(0));
  Measure(0, 1, 40, 0, seconds(20));
  // At 35 s the incumbent's cell is 35 s old (max age 30 s): it is not rankable any more.
  EXPECT_EQ(Rank(0, {0, 1}, seconds(35)), (std::vector<PopIndex>{1}));
}

TEST_F(MeasuredPolicyTest, ResolverTargetsWeighGroupsByPopulation) {
  // Group 0 (weight 0.75) prefers PoP 0, group 1 (0.25) prefers PoP 1.
  Measure(0, 0, 10);
  Measure(0, 1, 100);
  Measure(1, 0, 100);
  Measure(1, 1, 10);
  const MappingTarget target{{}, {}, {{0, 0.75}, {1, 0.25}}};
  EXPECT_EQ(policy_.Rank(0, target, seconds(10), {}).front(), 0u);
  const MappingTarget flipped{{}, {}, {{0, 0.25}, {1, 0.75}}};
  EXPECT_EQ(policy_.Rank(1, flipped, seconds(10), {}).front(), 1u);
}

TEST_F(MeasuredPolicyTest, UnmeasuredPopsAreLeftOut) {
  Measure(0, 2, 10);
  EXPECT_EQ(Rank(0, {}), (std::vector<PopIndex>{2}));
  EXPECT_TRUE(Rank(1, {}).empty());
}

}  // namespace
}  // namespace cdnlab
