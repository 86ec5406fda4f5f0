// Issue 18 item 1: geo and anycast as operators run them, in both fidelities. A PoP fails
// mid-run (and recovers): health-checked geo stops answering it within one health-check
// interval, anycast's users move within bgp_convergence_s whatever their cached DNS answer
// says, and the blind variants keep the old behaviour (geo-blind never moves; anycast-blind
// moves only as the long-lived cached answer expires, which here is after the run).
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/metrics_recorder.h"
#include "models/routing/mapping_change_reason.h"
#include "models/routing/metric_names.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/routing/experiment.h"

namespace cdnlab {
namespace {

constexpr double kFailAt = 62.5;
constexpr double kRecoverAt = 100.25;
constexpr double kHealthInterval = 5;
constexpr double kConvergence = 10;
constexpr double kSample = 1;  // evaluation.sample_interval_s: when users' PoP is looked at

// g-a sits beside pop-near (2 hops), pop-far is 3 hops and 40 ms away. DNS answers last
// 300 s, longer than the run, except for geo (1 s), whose reaction is in the answers.
const char* kScenario = R"(name: failure-baselines
seed: 3
duration_s: 130
routers:
  - {id: r-a, lat: 40.0, lon: -75.0}
  - {id: r-b, lat: 45.0, lon: -40.0}
pops:
  - {id: pop-near, lat: 40.1, lon: -75.1, servers: 1, capacity_rps: 1000}
  - {id: pop-far, lat: 50.0, lon: 0.0, servers: 1, capacity_rps: 1000}
resolvers:
  - {id: res, lat: 40.0, lon: -75.0, client_subnet: true}
client_groups:
  - {id: g-a, prefix: 10.1.0.0/24, lat: 40.0, lon: -75.0, population: 100, resolver: res}
dns: {id: dns, lat: 40.0, lon: -75.0, zone: example.net, hostname: cdn.example.net, ttl_s: 300}
links:
  - {a: g-a, b: r-a, delay_ms: 1}
  - {a: r-a, b: pop-near, delay_ms: 1}
  - {a: r-a, b: r-b, delay_ms: 20}
  - {a: r-b, b: pop-far, delay_ms: 20}
  - {a: res, b: r-a, delay_ms: 1}
  - {a: dns, b: r-a, delay_ms: 1}
mapping: {recompute_interval_s: 5}
workload: {downloads_per_group_per_min: 30, object_bytes: 10000}
evaluation: {warmup_s: 5, sample_interval_s: 1}
timeline:
  - {at_s: 62.5, type: pop_fail, pop: pop-near}
  - {at_s: 100.25, type: pop_recover, pop: pop-near}
policies:
  - {name: geo, dns_ttl_s: 1, health_check_interval_s: 5}
  - {name: geo-blind, dns_ttl_s: 1}
  - {name: anycast, bgp_convergence_s: 10}
  - {name: anycast-blind}
)";

struct Change {
  double at_s;
  std::string to;
  std::string reason;
};

struct PolicyRun {
  MetricsRecorder metrics;
  RoutingRunResult result;
  std::vector<Change> changes;
};

PolicyRun RunLabel(Fidelity fidelity, const std::string& label) {
  Scenario s = LoadScenarioText(kScenario, "failure_baselines.yaml");
  s.fidelity = fidelity;
  PolicyRun run;
  for (const auto& p : s.policies) {
    if (p.ResultLabel() == label) run.result = RunRoutingExperiment(s, p, run.metrics);
  }
  EXPECT_EQ(run.result.label, label);
  std::set<std::string> reasons;
  for (MappingChangeReason r : AllMappingChangeReasons()) reasons.insert(MappingChangeReasonName(r));
  for (const auto* c : run.metrics.SamplesNamed(metric::kEffectiveChange)) {
    run.changes.push_back({ToSeconds(c->at), c->Label("to"), c->Label(metric::kLabelReason)});
    EXPECT_EQ(reasons.count(run.changes.back().reason), 1u) << "every change has a reason from the closed set";
  }
  return run;
}

// Downloads that completed from `pop` in [from_s, to_s).
int DownloadsFrom(const PolicyRun& run, const std::string& pop, double from_s, double to_s) {
  int n = 0;
  for (const auto* d : run.metrics.SamplesNamed(metric::kDownloadMs)) {
    const double t = ToSeconds(d->at);
    if (d->Label(metric::kLabelPop) == pop && t >= from_s && t < to_s) ++n;
  }
  return n;
}

class FailureBaselines : public ::testing::TestWithParam<Fidelity> {};

TEST_P(FailureBaselines, HealthCheckedGeoStopsAnsweringTheFailedPopWithinOneInterval) {
  const PolicyRun geo = RunLabel(GetParam(), "geo");
  ASSERT_EQ(geo.changes.size(), 2u);
  EXPECT_EQ(geo.changes[0].to, "pop-far");
  EXPECT_EQ(geo.changes[0].reason, "pop_failed");
  // Learnt at the first poll after the failure (never before it), republished at once; users
  // see it once their 1 s answer expires, at the next evaluation sample.
  EXPECT_GT(geo.changes[0].at_s, kFailAt);
  EXPECT_LE(geo.changes[0].at_s, kFailAt + kHealthInterval + 1 + kSample);
  EXPECT_EQ(geo.changes[1].to, "pop-near");
  EXPECT_EQ(geo.changes[1].reason, "pop_recovered");
  EXPECT_GT(geo.changes[1].at_s, kRecoverAt);
  EXPECT_LE(geo.changes[1].at_s, kRecoverAt + kHealthInterval + 1 + kSample);
}

TEST_P(FailureBaselines, BlindGeoKeepsAnsweringTheFailedPop) {
  const PolicyRun blind = RunLabel(GetParam(), "geo-blind");
  EXPECT_TRUE(blind.changes.empty());
  EXPECT_EQ(DownloadsFrom(blind, "pop-far", 0, 200), 0);
  EXPECT_GT(blind.result.downloads_failed, 0u);
}

TEST_P(FailureBaselines, AnycastMovesWithinBgpConvergenceWhateverTheCachedAnswer) {
  const PolicyRun anycast = RunLabel(GetParam(), "anycast");
  ASSERT_EQ(anycast.changes.size(), 2u);
  EXPECT_EQ(anycast.changes[0].to, "pop-far");
  EXPECT_EQ(anycast.changes[0].reason, "pop_failed");
  EXPECT_GE(anycast.changes[0].at_s, kFailAt + kConvergence);
  EXPECT_LE(anycast.changes[0].at_s, kFailAt + kConvergence + kSample);
  EXPECT_EQ(anycast.changes[1].to, "pop-near");
  EXPECT_EQ(anycast.changes[1].reason, "pop_recovered");
  EXPECT_GE(anycast.changes[1].at_s, kRecoverAt + kConvergence);
  EXPECT_LE(anycast.changes[1].at_s, kRecoverAt + kConvergence + kSample);
  // The clients' packets follow the routes: downloads reach pop-far while pop-near's route is
  // withdrawn, although every answer they hold (300 s TTL) names pop-near.
  EXPECT_GT(DownloadsFrom(anycast, "pop-far", kFailAt + kConvergence + 1, kRecoverAt), 0);
  EXPECT_EQ(DownloadsFrom(anycast, "pop-far", 0, kFailAt), 0);
}

TEST_P(FailureBaselines, BlindAnycastWaitsForTheDnsTtl) {
  const PolicyRun blind = RunLabel(GetParam(), "anycast-blind");
  EXPECT_TRUE(blind.changes.empty()) << "the 300 s cached answer outlives the run";
  EXPECT_EQ(DownloadsFrom(blind, "pop-far", 0, 200), 0);
  EXPECT_GT(blind.result.downloads_failed, 0u);
}

INSTANTIATE_TEST_SUITE_P(BothFidelities, FailureBaselines, ::testing::Values(Fidelity::kPacket, Fidelity::kFlow),
                         [](const ::testing::TestParamInfo<Fidelity>& info) {
                           return info.param == Fidelity::kFlow ? std::string("Flow") : std::string("Packet");
                         });

}  // namespace
}  // namespace cdnlab
