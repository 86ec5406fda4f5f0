// Packet and flow fidelity must route the same way: on the regression scenario the probe
// policy makes the same mapping changes (group, to-PoP), at about the same times, and ends
// with every group on the same PoP.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/metrics_recorder.h"
#include "models/routing/metric_names.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/routing/experiment.h"

namespace cdnlab {
namespace {

struct Change {
  double at_s;
  std::string group;
  std::string to;
};

struct FidelityRun {
  RoutingRunResult result;
  std::vector<Change> changes;
};

FidelityRun RunProbe(Fidelity fidelity) {
  Scenario s = LoadScenarioFile(std::string(CDNLAB_SOURCE_DIR) + "/scenarios/regression/routing_small.yaml");
  s.fidelity = fidelity;
  const auto probe = std::find_if(s.policies.begin(), s.policies.end(),
                                  [](const PolicySpec& p) { return p.kind == PolicyKind::kProbe; });
  FidelityRun run;
  if (probe == s.policies.end()) {
    ADD_FAILURE() << "routing_small.yaml has no probe policy";
    return run;
  }
  MetricsRecorder metrics;
  run.result = RunRoutingExperiment(s, *probe, metrics);
  for (const auto* sample : metrics.SamplesNamed(metric::kEffectiveChange)) {
    run.changes.push_back({ToSeconds(sample->at), sample->Label(metric::kLabelGroup), sample->Label("to")});
  }
  return run;
}

TEST(FidelityEquivalence, ProbePolicyMakesTheSameDecisionsInBothFidelities) {
  const FidelityRun packet = RunProbe(Fidelity::kPacket);
  const FidelityRun flow = RunProbe(Fidelity::kFlow);

  // The scenario degrades the Paris PoP at 30 s: the probe policy must move groups at all,
  // or this comparison would prove nothing.
  ASSERT_FALSE(packet.changes.empty());
  ASSERT_EQ(packet.changes.size(), flow.changes.size());
  for (std::size_t i = 0; i < packet.changes.size(); ++i) {
    SCOPED_TRACE("change " + std::to_string(i) + " at " + std::to_string(packet.changes[i].at_s) + " s");
    EXPECT_EQ(packet.changes[i].group, flow.changes[i].group);
    EXPECT_EQ(packet.changes[i].to, flow.changes[i].to);
    EXPECT_NEAR(packet.changes[i].at_s, flow.changes[i].at_s, 3.0);
  }

  ASSERT_EQ(packet.result.final_groups.size(), flow.result.final_groups.size());
  for (std::size_t g = 0; g < packet.result.final_groups.size(); ++g) {
    EXPECT_EQ(packet.result.final_groups[g].group, flow.result.final_groups[g].group);
    EXPECT_EQ(packet.result.final_groups[g].pop, flow.result.final_groups[g].pop)
        << "group " << packet.result.final_groups[g].group;
    EXPECT_FALSE(flow.result.final_groups[g].pop.empty());
  }
  // Both ran the workload; the flow runtime completes downloads like the packet one.
  EXPECT_GT(flow.result.downloads_completed, 0u);
  EXPECT_EQ(flow.result.downloads_failed, packet.result.downloads_failed);
  EXPECT_TRUE(flow.result.dns_replica_matches_controller);
}

TEST(FidelityEquivalence, FlowRunsAreReproducible) {
  const FidelityRun a = RunProbe(Fidelity::kFlow);
  const FidelityRun b = RunProbe(Fidelity::kFlow);
  ASSERT_EQ(a.changes.size(), b.changes.size());
  for (std::size_t i = 0; i < a.changes.size(); ++i) {
    EXPECT_EQ(a.changes[i].at_s, b.changes[i].at_s);
    EXPECT_EQ(a.changes[i].group, b.changes[i].group);
  }
  EXPECT_EQ(a.result.downloads_completed, b.result.downloads_completed);
  EXPECT_EQ(a.result.dns_queries_answered, b.result.dns_queries_answered);
}

}  // namespace
}  // namespace cdnlab
