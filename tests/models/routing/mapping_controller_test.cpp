#include "models/routing/mapping_controller.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "models/routing/metric_names.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using std::chrono::seconds;

// A policy whose answer the test sets.
class ScriptedPolicy final : public SelectionPolicy {
 public:
  std::string Name() const override { return "scripted"; }
  std::vector<PopIndex> Rank(std::size_t, const MappingTarget&, SimTime, const std::vector<PopIndex>& previous) override {
    last_previous = previous;
    return answer;
  }
  std::vector<PopIndex> answer;
  std::vector<PopIndex> last_previous;
};

class CollectingSink final : public ResolverConfigSink {
 public:
  void Apply(const MappingDiff& diff) override { diffs.push_back(diff); }
  std::vector<MappingDiff> diffs;
};

class MappingControllerTest : public ::testing::Test {
 protected:
  MappingControllerTest()
      : controller_({MappingTarget{Ipv4Prefix{testing::Addr(10, 1, 0, 0), 24}, {}, {{0, 1.0}}}}, policy_, sink_,
                    runtime_, runtime_, metrics_, MappingControllerConfig{seconds(5), 2}) {}

  testing::ManualRuntime runtime_;
  testing::RecordingMetricsSink metrics_;
  ScriptedPolicy policy_;
  CollectingSink sink_;
  MappingController controller_;
};

TEST_F(MappingControllerTest, PublishesTruncatedRankingsAndPushesOnlyChanges) {
  policy_.answer = {2, 0, 1};
  controller_.Start();
  ASSERT_EQ(sink_.diffs.size(), 1u);
  EXPECT_EQ(sink_.diffs[0].upserts[0].ranked_pops, (std::vector<PopIndex>{2, 0}));
  runtime_.RunFor(seconds(12));  // two more recomputations, same answer
  EXPECT_EQ(sink_.diffs.size(), 1u);
  EXPECT_EQ(policy_.last_previous, (std::vector<PopIndex>{2, 0})) << "the policy sees what is published";
  policy_.answer = {0, 2};
  runtime_.RunFor(seconds(5));
  ASSERT_EQ(sink_.diffs.size(), 2u);
  EXPECT_EQ(sink_.diffs[1].from_version, 1u);
  EXPECT_EQ(metrics_.Counter(metric::kMappingUpdates), 2);
  EXPECT_EQ(metrics_.Counter(metric::kMappingRowsChanged), 2);
}

TEST_F(MappingControllerTest, AnEmptyRankingKeepsWhatWasPublished) {
  policy_.answer = {1};
  controller_.RecomputeNow();
  policy_.answer = {};
  const MappingDiff diff = controller_.RecomputeNow();
  EXPECT_TRUE(diff.Empty());
  ASSERT_NE(controller_.Table().Lookup(testing::Addr(10, 1, 0, 9)), nullptr);
  EXPECT_EQ(controller_.Table().Lookup(testing::Addr(10, 1, 0, 9))->ranked_pops, (std::vector<PopIndex>{1}));
}

TEST_F(MappingControllerTest, NothingIsPublishedBeforeAnyRanking) {
  policy_.answer = {};
  EXPECT_TRUE(controller_.RecomputeNow().Empty());
  EXPECT_TRUE(sink_.diffs.empty());
}

TEST_F(MappingControllerTest, StopCancelsTheTimer) {
  policy_.answer = {0};
  controller_.Start();
  controller_.Stop();
  EXPECT_EQ(runtime_.PendingEvents(), 0u);
}


// Records what it was given and reverses every ranking, so its effect is visible.
class ReversingAdjuster final : public RankingAdjuster {
 public:
  void Adjust(const std::vector<MappingTarget>& targets, std::vector<std::vector<PopIndex>>& rankings,
              const std::vector<std::vector<PopIndex>>& published, SimTime now) override {
    seen_targets = targets.size();
    seen_rankings = rankings;
    seen_published = published;
    seen_now = now;
    for (auto& r : rankings) std::reverse(r.begin(), r.end());
  }
  std::size_t seen_targets = 0;
  std::vector<std::vector<PopIndex>> seen_rankings, seen_published;
  SimTime seen_now{};
};

TEST_F(MappingControllerTest, AdjustersSeeFullRankingsInOrderAndTheirResultIsPublished) {
  ReversingAdjuster first, second, third;
  controller_.AddAdjuster(first);
  controller_.AddAdjuster(second);
  controller_.AddAdjuster(third);
  policy_.answer = {2, 0, 1};
  runtime_.RunFor(seconds(3));
  controller_.RecomputeNow();
  EXPECT_EQ(first.seen_targets, 1u);
  EXPECT_EQ(first.seen_now, seconds(3));
  EXPECT_EQ(first.seen_rankings[0], (std::vector<PopIndex>{2, 0, 1})) << "untruncated, so a spill can reach PoP 1";
  EXPECT_TRUE(first.seen_published[0].empty());
  EXPECT_EQ(second.seen_rankings[0], (std::vector<PopIndex>{1, 0, 2})) << "the second runs on the first's output";
  EXPECT_EQ(controller_.Table().Lookup(testing::Addr(10, 1, 0, 9))->ranked_pops, (std::vector<PopIndex>{1, 0}))
      << "three reversals, then truncated to ranked_pops";
  controller_.RecomputeNow();
  EXPECT_EQ(first.seen_published[0], (std::vector<PopIndex>{1, 0}));
  EXPECT_EQ(policy_.last_previous, (std::vector<PopIndex>{1, 0}));
}

}  // namespace
}  // namespace cdnlab
