// Packet and flow fidelity must route the same way, for every policy: on each scenario below,
// every policy the file lists (plus one default-configured policy of each kind it leaves out)
// makes the same mapping changes (group, to-PoP, family), at about the same times, ends with
// every group on the same PoP, and shows the same mean regret.
//
// Adding a scenario is one line in kScenarios. Downloads do not steer any policy (they only
// load the network), so the test thins them to keep packet runs short; everything that does
// steer (probes, RUM page views and test fetches, DNS, the timeline) runs as written.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "analysis/metrics_recorder.h"
#include "models/routing/metric_names.h"
#include "scenarios/loader/scenario_loader.h"
#include "scenarios/routing/synthetic_scenario.h"
#include "sim/routing/experiment.h"

namespace cdnlab {
namespace {

// Every policy kind the loader knows; a scenario's list is completed with the kinds it lacks.
const char* const kPolicyKinds[] = {"probe",  "rum",       "hybrid", "anycast", "anycast-blind",
                                     "geo",    "geo-blind", "random", "oracle"};

// A generated scenario (the `cdnlab generate` generator) with a PoP failing mid-run, so that
// every policy has a decision to make after the start.
std::string GeneratedScenario() {
  SyntheticScenarioSpec spec;
  spec.name = "generated";
  spec.seed = 3;
  spec.groups = 24;
  spec.pops = 5;
  spec.duration_s = 150;
  spec.warmup_s = 20;
  spec.requests = 600;
  spec.recompute_interval_s = 5;
  spec.policies = {"hybrid"};
  return SyntheticScenarioYaml(spec) + "timeline:\n  - {at_s: 90, type: pop_fail, pop: pop0}\n";
}

struct ScenarioSource {
  const char* name;  // test-name part
  const char* file;  // under the source tree; nullptr: GeneratedScenario()
};

const ScenarioSource kScenarios[] = {
    {"Default", "scenarios/default.yaml"},
    {"ResolversEcs", "scenarios/resolvers_ecs.yaml"},
    {"RoutingSmall", "scenarios/regression/routing_small.yaml"},
    {"Generated", nullptr},
    {"TopologyZooGeant", "scenarios/topology_zoo_geant2012.yaml"},
};

std::string ReadSource(const ScenarioSource& source) {
  if (source.file == nullptr) return GeneratedScenario();
  return YAML::Dump(YAML::LoadFile(std::string(CDNLAB_SOURCE_DIR) + "/" + source.file));
}

// The scenario with its own policies, one of each missing kind, and at most one download per
// group per minute.
Scenario LoadWithEveryPolicy(const ScenarioSource& source) {
  YAML::Node root = YAML::Load(ReadSource(source));
  for (const char* kind : kPolicyKinds) {
    bool present = false;
    for (const auto& p : root["policies"]) {
      const std::string name = p["name"].as<std::string>();
      present = present || name == kind || (name == "measured" && std::string(kind) == "probe");
    }
    if (present) continue;
    YAML::Node policy;
    policy["name"] = kind;
    // A default-configured policy of a kind the file already names under another label would clash.
    policy["label"] = std::string(kind) + "-default";
    root["policies"].push_back(policy);
  }
  if (root["workload"] && root["workload"]["downloads_per_group_per_min"]) {
    const double rate = root["workload"]["downloads_per_group_per_min"].as<double>();
    root["workload"]["downloads_per_group_per_min"] = std::min(rate, 1.0);
  }
  return LoadScenarioText(YAML::Dump(root), source.file == nullptr ? "generated" : source.file);
}

struct Case {
  std::size_t scenario;  // index in kScenarios
  std::string policy;    // result label
};

void PrintTo(const Case& c, std::ostream* os) { *os << kScenarios[c.scenario].name << "/" << c.policy; }

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  for (std::size_t i = 0; i < std::size(kScenarios); ++i) {
    for (const auto& p : LoadWithEveryPolicy(kScenarios[i]).policies) cases.push_back({i, p.ResultLabel()});
  }
  return cases;
}

struct Change {
  double at_s;
  std::string group;
  std::string to;
  std::string family;
};

struct FidelityRun {
  RoutingRunResult result;
  std::vector<Change> changes;
  double regret_mean_ms = 0;
  std::size_t regret_samples = 0;
};

FidelityRun RunCase(const Case& c, Fidelity fidelity) {
  Scenario s = LoadWithEveryPolicy(kScenarios[c.scenario]);
  s.fidelity = fidelity;
  const auto policy = std::find_if(s.policies.begin(), s.policies.end(),
                                   [&](const PolicySpec& p) { return p.ResultLabel() == c.policy; });
  FidelityRun run;
  if (policy == s.policies.end()) {
    ADD_FAILURE() << "no policy " << c.policy;
    return run;
  }
  MetricsRecorder metrics;
  run.result = RunRoutingExperiment(s, *policy, metrics);
  for (const auto* sample : metrics.SamplesNamed(metric::kEffectiveChange)) {
    run.changes.push_back({ToSeconds(sample->at), sample->Label(metric::kLabelGroup), sample->Label("to"),
                           sample->Label(metric::kLabelFamily)});
  }
  double sum = 0;
  for (const auto* sample : metrics.SamplesNamed(metric::kRegretMs)) {
    sum += sample->value;
    ++run.regret_samples;
  }
  if (run.regret_samples > 0) run.regret_mean_ms = sum / static_cast<double>(run.regret_samples);
  return run;
}

class FidelityEquivalence : public ::testing::TestWithParam<Case> {};

TEST_P(FidelityEquivalence, SameDecisionsInPacketAndFlowFidelity) {
  const FidelityRun packet = RunCase(GetParam(), Fidelity::kPacket);
  const FidelityRun flow = RunCase(GetParam(), Fidelity::kFlow);

  ASSERT_EQ(packet.changes.size(), flow.changes.size());
  for (std::size_t i = 0; i < packet.changes.size(); ++i) {
    SCOPED_TRACE("change " + std::to_string(i) + " at " + std::to_string(packet.changes[i].at_s) + " s");
    EXPECT_EQ(packet.changes[i].group, flow.changes[i].group);
    EXPECT_EQ(packet.changes[i].to, flow.changes[i].to);
    EXPECT_EQ(packet.changes[i].family, flow.changes[i].family);
    EXPECT_NEAR(packet.changes[i].at_s, flow.changes[i].at_s, 3.0);
  }

  ASSERT_EQ(packet.result.final_groups.size(), flow.result.final_groups.size());
  for (std::size_t g = 0; g < packet.result.final_groups.size(); ++g) {
    EXPECT_EQ(packet.result.final_groups[g].group, flow.result.final_groups[g].group);
    EXPECT_EQ(packet.result.final_groups[g].pop, flow.result.final_groups[g].pop)
        << "group " << packet.result.final_groups[g].group;  // empty in both: rum never measured enough
  }
  // Same decisions and the same ground truth: the same regret, up to when cached answers
  // expire against the 1 s sampling (microseconds apart between the fidelities).
  EXPECT_EQ(packet.regret_samples, flow.regret_samples);
  EXPECT_NEAR(packet.regret_mean_ms, flow.regret_mean_ms, 0.5);
  EXPECT_GT(flow.result.downloads_completed, 0u);
  EXPECT_EQ(flow.result.downloads_failed, packet.result.downloads_failed);
  EXPECT_TRUE(flow.result.dns_replica_matches_controller);
  EXPECT_TRUE(packet.result.dns_replica_matches_controller);
}

INSTANTIATE_TEST_SUITE_P(EveryScenarioAndPolicy, FidelityEquivalence, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string name = std::string(kScenarios[info.param.scenario].name) + "_" + info.param.policy;
                           std::replace_if(name.begin(), name.end(), [](char ch) { return !std::isalnum(ch); }, '_');
                           return name;
                         });

// The equivalence must not be vacuous: on the default scenario the probe policy moves groups
// after the timeline's congestion.
TEST(FidelityEquivalenceScope, TheDefaultScenarioMakesDecisionsAfterItsEvent) {
  const FidelityRun flow = RunCase(Case{0, "probe"}, Fidelity::kFlow);
  const bool after_event =
      std::any_of(flow.changes.begin(), flow.changes.end(), [](const Change& c) { return c.at_s > 150; });
  EXPECT_TRUE(after_event);
}

TEST(FidelityEquivalenceScope, FlowRunsAreReproducible) {
  const FidelityRun a = RunCase(Case{0, "hybrid"}, Fidelity::kFlow);
  const FidelityRun b = RunCase(Case{0, "hybrid"}, Fidelity::kFlow);
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
