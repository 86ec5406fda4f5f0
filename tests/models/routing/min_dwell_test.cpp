#include "models/routing/min_dwell_adjuster.h"

#include <stdexcept>

#include <gtest/gtest.h>

#include "models/routing/capacity_spill_adjuster.h"
#include "models/routing/mapping_controller.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using std::chrono::seconds;
using Rankings = std::vector<std::vector<PopIndex>>;

// Runs the adjuster as the controller would: `published` is what the previous call let through.
class DwellDriver {
 public:
  explicit DwellDriver(Duration min_dwell) : dwell(min_dwell) {}
  std::vector<PopIndex> Step(SimTime now, std::vector<PopIndex> ranking) {
    Rankings rankings = {std::move(ranking)};
    dwell.Adjust(std::vector<MappingTarget>(1), rankings, Rankings{published}, now);
    published = rankings[0];
    return published;
  }
  MinDwellAdjuster dwell;
  std::vector<PopIndex> published;
};

TEST(MinDwellTest, AnEarlySwitchIsHeldUntilTheDwellTimeHasPassed) {
  DwellDriver d(seconds(30));
  EXPECT_EQ(d.Step(seconds(0), {0, 1}), (std::vector<PopIndex>{0, 1}));
  EXPECT_EQ(d.Step(seconds(10), {1, 0}), (std::vector<PopIndex>{0, 1})) << "nyc first only 10 s";
  EXPECT_EQ(d.Step(seconds(25), {1, 2, 0}), (std::vector<PopIndex>{0, 1, 2})) << "held, rest keep their order";
  EXPECT_EQ(d.dwell.LastHeldRows(), 1u);
  EXPECT_EQ(d.Step(seconds(30), {1, 0}), (std::vector<PopIndex>{1, 0})) << "30 s first: may go";
  EXPECT_EQ(d.dwell.LastHeldRows(), 0u);
  EXPECT_EQ(d.Step(seconds(35), {0, 1}), (std::vector<PopIndex>{1, 0})) << "the clock restarted at 30 s";
  EXPECT_EQ(d.Step(seconds(60), {0, 1}), (std::vector<PopIndex>{0, 1}));
  EXPECT_EQ(d.dwell.HeldRows(), 3u);
}

TEST(MinDwellTest, APopThatVanishedFromTheRankingIsLetGoAtOnce) {
  DwellDriver d(seconds(300));
  d.Step(seconds(0), {0, 1});
  EXPECT_EQ(d.Step(seconds(5), {2, 1}), (std::vector<PopIndex>{2, 1})) << "nyc unusable: no dwell";
  EXPECT_EQ(d.dwell.LastHeldRows(), 0u);
}

TEST(MinDwellTest, ZeroDwellHoldsNothingAndNegativeIsRejected) {
  DwellDriver d(Duration::zero());
  d.Step(seconds(0), {0, 1});
  EXPECT_EQ(d.Step(seconds(0), {1, 0}), (std::vector<PopIndex>{1, 0}));
  EXPECT_THROW(MinDwellAdjuster(seconds(-1)), std::invalid_argument);
  MinDwellAdjuster dwell(seconds(1));
  Rankings two(2);
  EXPECT_THROW(dwell.Adjust(std::vector<MappingTarget>(2), two, Rankings(1), SimTime{}), std::invalid_argument);
}

TEST(MinDwellTest, RowsAreTrackedIndependently) {
  MinDwellAdjuster dwell(seconds(30));
  Rankings published(2);
  Rankings rankings = {{0, 1}, {2, 1}};
  dwell.Adjust(std::vector<MappingTarget>(2), rankings, published, seconds(0));
  published = rankings;
  rankings = {{1, 0}, {2, 1}};
  dwell.Adjust(std::vector<MappingTarget>(2), rankings, published, seconds(10));
  EXPECT_EQ(rankings, (Rankings{{0, 1}, {2, 1}}));
  EXPECT_EQ(dwell.LastHeldRows(), 1u);
}

// A policy whose answer the test sets.
class ScriptedPolicy final : public SelectionPolicy {
 public:
  std::string Name() const override { return "scripted"; }
  std::vector<PopIndex> Rank(std::size_t, const MappingTarget&, SimTime, const std::vector<PopIndex>&) override {
    return answer;
  }
  std::vector<PopIndex> answer;
};

class NullSink final : public ResolverConfigSink {
 public:
  void Apply(const MappingDiff&) override {}
};

TEST(MinDwellTest, InTheControllerCapacityOverridesDwell) {
  RoutingCatalog catalog = testing::ThreePopCatalog();
  testing::ManualRuntime runtime;
  testing::RecordingMetricsSink metrics;
  ScriptedPolicy policy;
  NullSink sink;
  const Ipv4Prefix boston = catalog.groups[0].prefix;
  MappingController controller({MappingTarget{boston, {}, {{0, 1.0}}}}, policy, sink, runtime, runtime, metrics,
                               MappingControllerConfig{seconds(5), 2});
  MinDwellAdjuster dwell(seconds(60));
  CapacitySpillAdjuster spill(catalog, {80});
  controller.AddAdjuster(dwell);  // dwell first, spill last: an overloaded PoP is never held
  controller.AddAdjuster(spill);
  policy.answer = {0, 1};
  controller.RecomputeNow();
  runtime.RunFor(seconds(10));
  policy.answer = {1, 0};
  controller.RecomputeNow();
  EXPECT_EQ(controller.Table().Find(boston)->ranked_pops, (std::vector<PopIndex>{0, 1})) << "held by dwell";
  catalog.pops[0].capacity_rps = 50;  // nyc shrinks below the row's demand
  runtime.RunFor(seconds(10));
  controller.RecomputeNow();
  EXPECT_EQ(controller.Table().Find(boston)->ranked_pops, (std::vector<PopIndex>{1, 0})) << "spilled despite dwell";
  EXPECT_EQ(spill.SpilledRows(), 1u);
}

}  // namespace
}  // namespace cdnlab
