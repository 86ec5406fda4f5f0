// The ns-3 runtime on a small scenario: probes measure the true path, DNS follows the
// controller, a failed PoP is routed around, and runs are reproducible in one process.
#include "sim/routing/experiment.h"

#include <map>

#include <gtest/gtest.h>

#include "analysis/metrics_recorder.h"
#include "models/routing/metric_names.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/net/metric_names.h"

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
  - {name: geo-blind}
timeline:
  - {at_s: 50, type: pop_fail, pop: pop-nyc}
  - {at_s: 90, type: pop_recover, pop: pop-nyc}
)";

struct PolicyRun {
  MetricsRecorder metrics;
  RoutingRunResult result;
};

// The same network with a detour r-nyc -> r-ice -> r-lon (50 ms) beside the 35 ms direct
// backbone. At 40 s the NYC PoP's uplink degrades to 200 ms (Boston's best PoP becomes
// London); at 80 s the direct backbone degrades to 100 ms, so routing must take the detour.
const char* kLinkChangeScenario = R"(name: sim-link-change
seed: 5
duration_s: 120
routers:
  - {id: r-nyc, lat: 40.71, lon: -74.01}
  - {id: r-lon, lat: 51.51, lon: -0.13}
  - {id: r-ice, lat: 64.15, lon: -21.94}
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
  - {a: r-nyc, b: r-ice, delay_ms: 25}
  - {a: r-ice, b: r-lon, delay_ms: 25}
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
timeline:
  - {at_s: 40, type: link_change, link: [pop-nyc, r-nyc], delay_ms: 200}
  - {at_s: 80, type: link_change, link: [r-nyc, r-lon], delay_ms: 100}
)";

PolicyRun RunScenario(const Scenario& s, const std::string& name) {
  PolicyRun run;
  for (const auto& p : s.policies) {
    if (p.name == name) run.result = RunRoutingExperiment(s, p, run.metrics);
  }
  return run;
}

PolicyRun RunPolicy(const std::string& name, std::uint64_t seed = 11) {
  Scenario s = LoadScenarioText(kScenario, "sim-test.yaml");
  s.seed = seed;
  return RunScenario(s, name);
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
    EXPECT_EQ(run.result.dns_answers_by_rcode.at(DnsRcode::kNoError), run.result.dns_queries_answered) << policy;
    EXPECT_EQ(run.result.config_retransmissions, 0u) << policy << ": nothing is lost on the DNS link";
    const auto events = run.metrics.SamplesNamed(sim_metric::kTimelineEvent);
    ASSERT_EQ(events.size(), 2u) << policy;
    EXPECT_EQ(ToSeconds(events[0]->at), 50);
    EXPECT_EQ(events[0]->value, 0);
    EXPECT_EQ(events[0]->Label(sim_metric::kLabelEventType), "pop_fail");
    EXPECT_EQ(ToSeconds(events[1]->at), 90);
    EXPECT_EQ(events[1]->value, 1);
    EXPECT_EQ(events[1]->Label(sim_metric::kLabelEventType), "pop_recover");
  }
}

TEST(RoutingExperiment, ALossyDnsLinkCostsResolutionsNotConsistency) {
  // Half the packets on the DNS node's only link are lost in each direction. The controller
  // host sits beside the DNS node, so pushes still arrive (their retransmission is tested in
  // dns_config_push_test); resolvers retry upstream and then answer SERVFAIL.
  std::string text = kScenario;
  const std::string link = "{a: dns, b: r-nyc, delay_ms: 1}";
  text.replace(text.find(link), link.size(), "{a: dns, b: r-nyc, delay_ms: 1, loss: 0.5}");
  const PolicyRun run = RunScenario(LoadScenarioText(text, "lossy-dns.yaml"), "measured");
  EXPECT_GT(run.result.resolver_upstream_queries, run.result.dns_queries_answered) << "lost queries were retried";
  EXPECT_GT(run.metrics.Counter(metric::kDnsFailed), 0) << "clients got SERVFAIL after two lost tries";
  EXPECT_GT(run.result.downloads_completed, 0u);
  EXPECT_GE(run.result.mapping_versions_pushed, 2u);
  EXPECT_TRUE(run.result.dns_replica_matches_controller);
  EXPECT_EQ(run.result.dns_replica_version, run.result.mapping_versions_pushed);
}

TEST(RoutingExperiment, LinkChangesReachProbesRoutingTruthAndTheMapping) {
  const Scenario s = LoadScenarioText(kLinkChangeScenario, "link-change.yaml");
  const PolicyRun run = RunScenario(s, "measured");
  ASSERT_EQ(run.result.event_times_s, (std::vector<double>{40, 80}));

  // Probes see each phase's path: new delays on the channel, and after the backbone
  // degrades, the recomputed route over the detour (105.02 ms, not 205.02 ms direct).
  struct Phase {
    double from_s, to_s, nyc_ms, lon_ms;
  };
  const Phase phases[] = {{10, 39, 5.02, 75.02}, {46, 79, 404.02, 75.02}, {86, 120, 404.02, 105.02}};
  for (const auto& phase : phases) {
    std::map<std::string, std::size_t> checked;
    for (const auto* p : run.metrics.SamplesNamed(metric::kProbeRttMs)) {
      const double t = ToSeconds(p->at);
      if (p->Label(metric::kLabelGroup) != "g-boston" || t < phase.from_s || t > phase.to_s) continue;
      const std::string& pop = p->Label(metric::kLabelPop);
      EXPECT_NEAR(p->value, pop == "pop-nyc" ? phase.nyc_ms : phase.lon_ms, 1.0) << pop << " at " << t << " s";
      ++checked[pop];
    }
    EXPECT_GE(checked["pop-nyc"], 3u) << "phase from " << phase.from_s;
    EXPECT_GE(checked["pop-lon"], 3u) << "phase from " << phase.from_s;
  }

  // Boston is re-mapped to London within 3 probe intervals of the degradation and stays;
  // London's group never moves.
  const double interval = s.probing.interval_s;
  const auto boston = Answered(run, "g-boston");
  EXPECT_EQ(boston.at(39), "pop-nyc");
  double moved_at = -1;
  for (const auto& [t, pop] : boston) {
    if (t >= 40 && pop == "pop-lon" && moved_at < 0) moved_at = t;
    if (moved_at >= 0) {
      EXPECT_EQ(pop, "pop-lon") << "flapped back at " << t << " s";
    }
  }
  ASSERT_GE(moved_at, 40);
  EXPECT_LE(moved_at - 40, 3 * interval);
  for (const auto& [t, pop] : Answered(run, "g-london")) EXPECT_EQ(pop, "pop-lon") << t;

  // The evaluation's truth follows the network: Boston's chosen RTT at the end is the detour's.
  double chosen_at_end = 0;
  for (const auto* c : run.metrics.SamplesNamed(metric::kChosenRttMs)) {
    if (c->Label(metric::kLabelGroup) == "g-boston") chosen_at_end = c->value;
  }
  EXPECT_NEAR(chosen_at_end, 105.02, 1e-6);
}

TEST(RoutingExperiment, MeasuredRoutesAroundAFailedPopAndBack) {
  const PolicyRun run = RunPolicy("measured");
  const auto boston = Answered(run, "g-boston");
  EXPECT_EQ(boston.at(45), "pop-nyc");
  // Probes from the failed PoP are all lost: loss dominates the score within a couple of rounds.
  EXPECT_EQ(boston.at(65), "pop-lon");
  EXPECT_EQ(boston.at(119), "pop-nyc") << "back after recovery";
  const PolicyRun geo = RunPolicy("geo-blind");
  EXPECT_EQ(Answered(geo, "g-boston").at(65), "pop-nyc") << "geo-blind keeps sending users to the dead PoP";
}

TEST(RoutingExperiment, DownloadsTakeLongerThanTheRoundTrip) {
  const PolicyRun run = RunPolicy("geo-blind");
  EXPECT_GT(run.result.downloads_completed, 20u);
  for (const auto* s : run.metrics.SamplesNamed(metric::kDownloadMs)) {
    if (s->Label(metric::kLabelGroup) == "g-boston" && s->Label(metric::kLabelPop) == "pop-nyc") {
      EXPECT_GT(s->value, 2 * 5.02) << "handshake plus at least one data round trip";
    }
  }
  EXPECT_GT(run.result.downloads_failed, 0u) << "downloads to the failed PoP must fail under geo-blind";
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
