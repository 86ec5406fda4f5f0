// The ns-3 runtime on a small scenario: probes measure the true path, DNS follows the
// controller, a failed PoP is routed around, and runs are reproducible in one process.
#include "sim/routing_experiment.h"

#include <map>

#include <gtest/gtest.h>

#include "analysis/metrics_recorder.h"
#include "models/routing/routing_metric_names.h"
#include "scenarios/scenario_loader.h"

namespace cdnlab {
namespace {

// Boston is 2 ms from the New York router; the NYC PoP 0.5 ms; London is 35 ms away.
const char* kScenario = R"(name: sim-test
seed: 11
duration_s: 120
routers:
  - {id: r-nyc, lat: 40.71, lon: -74.01}
  - {id: r-lon, lat: 51.51, lon: -0.13}
pops:
  - {id: pop-nyc, lat: 40.71, lon: -74.01, servers: 2, capacity_rps: 100}
  - {id: pop-lon, lat: 51.51, lon: -0.13, servers: 1, capacity_rps: 100}
resolvers:
  - {id: res, lat: 40.71, lon: -74.01}
client_groups:
  - {id: g-boston, prefix: 10.1.0.0/24, lat: 42.36, lon: -71.06, population: 100, resolver: res}
  - {id: g-london, prefix: 10.2.0.0/24, lat: 51.51, lon: -0.13, population: 100, resolver: res}
dns: {id: dns, lat: 40.71, lon: -74.01, zone: example.net, hostname: cdn.example.net, ttl_s: 5}
links:
  - {a: r-nyc, b: r-lon, delay_ms: 35}
  - {a: pop-nyc, b: r-nyc, delay_ms: 0.5}
  - {a: pop-lon, b: r-lon, delay_ms: 0.5}
  - {a: g-boston, b: r-nyc, delay_ms: 2}
  - {a: g-london, b: r-lon, delay_ms: 1}
  - {a: res, b: r-nyc, delay_ms: 1}
  - {a: dns, b: r-nyc, delay_ms: 1}
probing: {interval_s: 5}
mapping: {recompute_interval_s: 1}
workload: {downloads_per_group_per_min: 20, object_bytes: 20000}
evaluation: {warmup_s: 10}
policies:
  - {name: measured, max_age_s: 12}
  - {name: geo}
timeline:
  - {at_s: 50, type: pop_fail, pop: pop-nyc}
  - {at_s: 90, type: pop_recover, pop: pop-nyc}
)";

struct PolicyRun {
  MetricsRecorder metrics;
  RoutingRunResult result;
};

PolicyRun RunPolicy(const std::string& name, std::uint64_t seed = 11) {
  Scenario s = LoadScenarioText(kScenario, "sim-test.yaml");
  s.seed = seed;
  PolicyRun run;
  for (const auto& p : s.policies) {
    if (p.name == name) run.result = RunRoutingExperiment(s, p, run.metrics);
  }
  return run;
}

// The PoP a group is answered with at each evaluation second.
std::map<double, std::string> Answered(const PolicyRun& run, const std::string& group) {
  std::map<double, std::string> out;
  for (const auto* s : run.metrics.SamplesNamed(metric::kRegretMs)) {
    if (s->Label(metric::kLabelGroup) == group) out[ToSeconds(s->at)] = s->Label(metric::kLabelPop);
  }
  return out;
}

TEST(RoutingExperiment, ProbesMeasureTheTruePathRtt) {
  const PolicyRun run = RunPolicy("measured");
  std::size_t checked = 0;
  for (const auto* s : run.metrics.SamplesNamed(metric::kProbeRttMs)) {
    if (s->Label(metric::kLabelGroup) != "g-boston" || ToSeconds(s->at) > 45) continue;
    // 2 x (2 + 0.5 + 0.01) ms to NYC; 2 x (2 + 35 + 0.5 + 0.01) ms to London.
    const double expected = s->Label(metric::kLabelPop) == "pop-nyc" ? 5.02 : 75.02;
    EXPECT_NEAR(s->value, expected, 1.0) << s->Label(metric::kLabelPop);
    ++checked;
  }
  EXPECT_GE(checked, 2u * 8u);
  EXPECT_GT(run.result.probe_rounds, 20u);
  EXPECT_EQ(run.result.probe_overhead.packets, static_cast<std::uint64_t>(run.metrics.Counter(metric::kProbePackets)));
}

TEST(RoutingExperiment, DnsReplicaEndsEqualToTheController) {
  for (const char* policy : {"measured", "geo"}) {
    const PolicyRun run = RunPolicy(policy);
    EXPECT_TRUE(run.result.dns_replica_matches_controller) << policy;
    EXPECT_EQ(run.result.dns_replica_version, run.result.mapping_versions_pushed) << policy;
    EXPECT_GT(run.result.dns_queries_answered, 0u) << policy;
    EXPECT_EQ(run.result.event_times_s, (std::vector<double>{50, 90})) << policy;
  }
}

TEST(RoutingExperiment, MeasuredRoutesAroundAFailedPopAndBack) {
  const PolicyRun run = RunPolicy("measured");
  const auto boston = Answered(run, "g-boston");
  EXPECT_EQ(boston.at(45), "pop-nyc");
  // Probes from the failed PoP are all lost: loss dominates the score within a couple of rounds.
  EXPECT_EQ(boston.at(65), "pop-lon");
  EXPECT_EQ(boston.at(119), "pop-nyc") << "back after recovery";
  const PolicyRun geo = RunPolicy("geo");
  EXPECT_EQ(Answered(geo, "g-boston").at(65), "pop-nyc") << "geo keeps sending users to the dead PoP";
}

TEST(RoutingExperiment, DownloadsTakeLongerThanTheRoundTrip) {
  const PolicyRun run = RunPolicy("geo");
  EXPECT_GT(run.result.downloads_completed, 20u);
  for (const auto* s : run.metrics.SamplesNamed(metric::kDownloadMs)) {
    if (s->Label(metric::kLabelGroup) == "g-boston" && s->Label(metric::kLabelPop) == "pop-nyc") {
      EXPECT_GT(s->value, 2 * 5.02) << "handshake plus at least one data round trip";
    }
  }
  EXPECT_GT(run.result.downloads_failed, 0u) << "downloads to the failed PoP must fail under geo";
}

TEST(RoutingExperiment, SameSeedSameMetricsOtherSeedOtherMetrics) {
  const PolicyRun a = RunPolicy("measured", 11);
  const PolicyRun b = RunPolicy("measured", 11);
  const PolicyRun c = RunPolicy("measured", 12);
  ASSERT_EQ(a.metrics.Samples().size(), b.metrics.Samples().size());
  for (std::size_t i = 0; i < a.metrics.Samples().size(); ++i) {
    EXPECT_EQ(a.metrics.Samples()[i].at, b.metrics.Samples()[i].at);
    EXPECT_EQ(a.metrics.Samples()[i].value, b.metrics.Samples()[i].value);
  }
  EXPECT_EQ(a.metrics.Counters(), b.metrics.Counters());
  bool differs = a.metrics.Samples().size() != c.metrics.Samples().size();
  for (std::size_t i = 0; !differs && i < a.metrics.Samples().size(); ++i) {
    differs = a.metrics.Samples()[i].at != c.metrics.Samples()[i].at;
  }
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace cdnlab
