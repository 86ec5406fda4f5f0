// Issue 18 item 6: every mapping change gets a reason from a closed set. Each reason is caused
// here on purpose, through the real controller, policies and adjusters.
#include "models/routing/mapping_change_reason.h"

#include <functional>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "models/routing/capacity_spill_adjuster.h"
#include "models/routing/mapping_controller.h"
#include "models/routing/measured_policy.h"
#include "models/routing/measured_policy_knowledge.h"
#include "models/routing/measurement_store.h"
#include "models/routing/min_dwell_adjuster.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using std::chrono::seconds;
using testing::ManualRuntime;
using testing::RecordingMetricsSink;

class NullSink final : public ResolverConfigSink {
 public:
  void Apply(const MappingDiff&) override {}
};

// Ranks as the test says.
class ScriptedPolicy final : public SelectionPolicy {
 public:
  std::string Name() const override { return "scripted"; }
  std::vector<PopIndex> Rank(std::size_t, const MappingTarget&, SimTime, const std::vector<PopIndex>&) override {
    return ranking;
  }
  std::vector<PopIndex> ranking;
};

// One row, for boston (group 0).
std::vector<MappingTarget> BostonRow(const RoutingCatalog& c) {
  return {MappingTarget{c.groups[0].prefix, c.groups[0].location, {{0, 1.0}}}};
}

// The controller, its reasons, and what each recompute explained for boston.
struct Harness {
  // `knowledge` is given the controller's targets.
  Harness(SelectionPolicy& policy, const RoutingCatalog& catalog,
          const std::function<PolicyKnowledge(const std::vector<MappingTarget>&)>& knowledge)
      : controller(BostonRow(catalog), policy, sink, rt, rt, metrics, MappingControllerConfig{seconds(5), 3}),
        reasons(controller.Targets(), catalog.groups.size(), catalog.pops.size(), knowledge(controller.Targets())) {
    controller.SetDecisionObserver(&reasons);
  }
  // Recomputes at `at_s`; returns the reason for boston's answer when it changed, else "".
  std::string Step(double at_s) {
    rt.RunUntil(FromSeconds(at_s));
    const MappingDiff diff = controller.RecomputeNow();
    if (diff.upserts.empty()) return "";
    const PopIndex to = diff.upserts.front().ranked_pops.front();
    last = reasons.Explain(0, IpFamily::kV4, to);
    return MappingChangeReasonName(last.reason);
  }
  ManualRuntime rt;
  NullSink sink;
  RecordingMetricsSink metrics;
  MappingController controller;
  MappingChangeReasons reasons;
  ExplainedChange last;
};

TEST(MappingChangeReasonTest, MeasuredPolicyChangesSayBetterRttExplorationFailureAndStaleness) {
  const RoutingCatalog c = testing::ThreePopCatalog();
  MeasurementStore store(3, 3, MeasurementStoreConfig{1.0, seconds(60)});  // alpha 1: the last sample counts
  MeasuredPolicy policy(store, MeasuredPolicyConfig{500, 0.1, 5});
  Harness h(policy, c, [&](const std::vector<MappingTarget>& targets) {
    return MeasuredPolicyKnowledge(store, targets, 500);
  });
  auto sample = [&](PopIndex p, double at_s, std::optional<double> rtt, double loss) {
    store.AddSample(0, p, FromSeconds(at_s), rtt, loss);
  };
  sample(0, 0, 50, 0);
  sample(1, 0, 80, 0);
  EXPECT_EQ(h.Step(0), "first_mapping");
  sample(1, 4, 20, 0);
  EXPECT_EQ(h.Step(5), "better_rtt");
  ASSERT_TRUE(h.last.rtt_gain_ms);
  EXPECT_NEAR(*h.last.rtt_gain_ms, 30, 1e-9) << "50 ms at nyc against 20 ms at lon";
  sample(2, 9, 5, 0);  // tyo measured for the first time (an exploring probe)
  EXPECT_EQ(h.Step(10), "exploration");
  EXPECT_FALSE(h.last.rtt_gain_ms);
  sample(2, 14, std::nullopt, 1.0);  // every probe to tyo lost
  EXPECT_EQ(h.Step(15), "pop_failed");
  sample(2, 19, 5, 0);
  EXPECT_EQ(h.Step(20), "better_rtt");
  sample(0, 90, 50, 0);
  sample(1, 90, 20, 0);  // tyo's last sample (19 s) is older than max_age at 100 s
  EXPECT_EQ(h.Step(100), "pop_stale");
}

TEST(MappingChangeReasonTest, AdjustersAndHealthSayDwellSpillFailureAndRecovery) {
  RoutingCatalog c = testing::ThreePopCatalog();  // 100 rps per PoP...
  c.pops[1].capacity_rps = 50;                    // ...but London's 50
  ScriptedPolicy policy;
  std::vector<bool> down(3, false);
  PolicyKnowledge knowledge;
  knowledge.pop_down = [&](PopIndex p) { return down[p]; };
  Harness h(policy, c, [&](const std::vector<MappingTarget>&) { return knowledge; });
  MinDwellAdjuster dwell(seconds(30));
  CapacitySpillAdjuster spill(c, {40});
  h.controller.AddAdjuster(dwell);
  h.controller.AddAdjuster(spill);
  policy.ranking = {0, 1, 2};
  EXPECT_EQ(h.Step(0), "first_mapping");
  policy.ranking = {1, 0, 2};
  EXPECT_EQ(h.Step(5), "") << "held by the dwell time";
  EXPECT_EQ(h.Step(30), "dwell_expired");
  spill.SetDemand({80});
  EXPECT_EQ(h.Step(65), "capacity_spill") << "lon is full: the row spills to nyc";
  spill.SetDemand({40});
  EXPECT_EQ(h.Step(100), "capacity_spill") << "back once lon has room (and nyc's dwell is over)";
  down[1] = true;
  policy.ranking = {0, 2};
  EXPECT_EQ(h.Step(105), "pop_failed");
  down[1] = false;
  policy.ranking = {1, 0, 2};
  EXPECT_EQ(h.Step(140), "pop_recovered");
}

TEST(MappingChangeReasonTest, TheSetIsClosedAndNamed) {
  std::set<std::string> names;
  for (MappingChangeReason r : AllMappingChangeReasons()) names.insert(MappingChangeReasonName(r));
  EXPECT_EQ(names, (std::set<std::string>{"better_rtt", "pop_failed", "pop_stale", "pop_recovered", "capacity_spill",
                                          "dwell_expired", "exploration", "first_mapping"}));
}

}  // namespace
}  // namespace cdnlab
