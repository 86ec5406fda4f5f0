// The RUM tool in the ns-3 runtime: page views test candidate PoPs over real simulated TCP,
// beacons cross the network to the collector, and the mapping they drive matches the oracle's.
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "analysis/metrics_recorder.h"
#include "models/routing/beacon_codec.h"
#include "models/routing/metric_names.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/routing/experiment.h"
#include "sim/routing/rum_collector_host.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

// Three PoPs on a backbone; each group is 2 ms from its own router, so its best PoP is the one
// behind that router (RTTs about 5 ms vs 40-200 ms).
const char* kScenario = R"(name: rum-test
seed: 3
duration_s: 90
routers:
  - {id: r-nyc, lat: 40.71, lon: -74.01}
  - {id: r-lon, lat: 51.51, lon: -0.13}
  - {id: r-tyo, lat: 35.68, lon: 139.69}
pops:
  - {id: pop-nyc, lat: 40.71, lon: -74.01, servers: 2, capacity_rps: 1000}
  - {id: pop-lon, lat: 51.51, lon: -0.13, servers: 1, capacity_rps: 1000}
  - {id: pop-tyo, lat: 35.68, lon: 139.69, servers: 1, capacity_rps: 1000}
resolvers:
  - {id: res, lat: 40.71, lon: -74.01}
client_groups:
  - {id: g-boston, prefix: 10.1.0.0/24, lat: 42.36, lon: -71.06, population: 100, resolver: res}
  - {id: g-paris, prefix: 10.2.0.0/24, lat: 48.86, lon: 2.35, population: 100, resolver: res}
  - {id: g-osaka, prefix: 10.3.0.0/24, lat: 34.69, lon: 135.50, population: 100, resolver: res}
dns: {id: dns, lat: 40.71, lon: -74.01, zone: example.net, hostname: cdn.example.net, ttl_s: 5}
links:
  - {a: r-nyc, b: r-lon, delay_ms: 35}
  - {a: r-nyc, b: r-tyo, delay_ms: 80}
  - {a: r-lon, b: r-tyo, delay_ms: 100}
  - {a: pop-nyc, b: r-nyc, delay_ms: 0.5}
  - {a: pop-lon, b: r-lon, delay_ms: 0.5}
  - {a: pop-tyo, b: r-tyo, delay_ms: 0.5}
  - {a: g-boston, b: r-nyc, delay_ms: 2}
  - {a: g-paris, b: r-lon, delay_ms: 2}
  - {a: g-osaka, b: r-tyo, delay_ms: 2}
  - {a: res, b: r-nyc, delay_ms: 1}
  - {a: dns, b: r-nyc, delay_ms: 1}
mapping: {recompute_interval_s: 1}
workload: {downloads_per_group_per_min: 6, object_bytes: 20000}
evaluation: {warmup_s: 20}
policies:
  - {name: rum, page_views_per_group_per_min: 12, max_age_s: 30}
  - {name: oracle}
)";

struct PolicyRun {
  MetricsRecorder metrics;
  RoutingRunResult result;
};

PolicyRun RunLabel(const Scenario& s, const std::string& label) {
  PolicyRun run;
  for (const auto& p : s.policies) {
    if (p.ResultLabel() == label) run.result = RunRoutingExperiment(s, p, run.metrics);
  }
  return run;
}

// group -> time_s -> answered PoP, from the evaluator's samples.
std::map<std::string, std::map<double, std::string>> Answered(const PolicyRun& run) {
  std::map<std::string, std::map<double, std::string>> out;
  for (const auto* s : run.metrics.SamplesNamed(metric::kRegretMs)) {
    out[s->Label(metric::kLabelGroup)][ToSeconds(s->at)] = s->Label(metric::kLabelPop);
  }
  return out;
}

TEST(RoutingRum, RumAloneConvergesToTheOraclesChoices) {
  const Scenario s = LoadScenarioText(kScenario, "rum-test.yaml");
  const PolicyRun rum = RunLabel(s, "rum");
  const PolicyRun oracle = RunLabel(s, "oracle");

  // Only beacons measured: no probe went out, page views tested candidates and were accepted.
  EXPECT_EQ(rum.result.probe_overhead.packets, 0u);
  EXPECT_EQ(rum.metrics.Counter(metric::kProbePackets), 0);
  EXPECT_GT(rum.result.rum_page_views, 40u);
  EXPECT_EQ(rum.result.rum_test_fetches, 3 * rum.result.rum_page_views) << "three PoPs, three candidates";
  EXPECT_EQ(rum.result.rum_test_fetches, static_cast<std::uint64_t>(rum.metrics.Counter(metric::kRumTestFetches)));
  EXPECT_EQ(rum.result.rum_bytes, static_cast<std::uint64_t>(rum.metrics.Counter(metric::kRumBytes)));
  EXPECT_GT(rum.result.rum_bytes, rum.result.rum_test_fetches * 10000 / 2);
  EXPECT_GT(rum.result.rum_beacons_by_verdict.at("accepted"), 40u);
  EXPECT_EQ(rum.result.rum_beacons_by_verdict.size(), 1u) << "every beacon was accepted";

  // The RTTs beacons reported are the path's round trip (first byte after the request).
  std::size_t checked = 0;
  for (const auto* r : rum.metrics.SamplesNamed(metric::kRumRttMs)) {
    if (r->Label(metric::kLabelGroup) != "g-boston") continue;
    const std::string& pop = r->Label(metric::kLabelPop);
    const double expected = pop == "pop-nyc" ? 5.02 : pop == "pop-lon" ? 75.02 : 165.02;
    EXPECT_NEAR(r->value, expected, 3.0) << pop;
    ++checked;
  }
  EXPECT_GT(checked, 20u);

  // From the warm-up on every group is answered as the oracle answers it.
  const auto rum_answers = Answered(rum);
  const auto oracle_answers = Answered(oracle);
  ASSERT_EQ(rum_answers.size(), 3u);
  for (const auto& [group, series] : oracle_answers) {
    for (const auto& [t, pop] : series) EXPECT_EQ(rum_answers.at(group).at(t), pop) << group << " at " << t << " s";
  }
  for (const auto& g : rum.result.final_groups) EXPECT_EQ(g.measured_rtt_ms.size(), 3u) << g.group;
}

TEST(RoutingRum, HybridProbesOnlyTheCandidatesAndStillMatchesTheOracle) {
  std::string text = kScenario;
  text.replace(text.find("  - {name: rum,"), 0, "  - {name: probe}\n  - {name: hybrid, page_views_per_group_per_min: 2}\n");
  const Scenario s = LoadScenarioText(text, "hybrid-test.yaml");
  const PolicyRun probe = RunLabel(s, "probe");
  const PolicyRun hybrid = RunLabel(s, "hybrid");
  // hybrid probes two of three PoPs per group per round (default probe_candidates 2).
  EXPECT_GT(hybrid.result.probe_overhead.packets, 0u);
  EXPECT_LT(hybrid.result.probe_overhead.packets, probe.result.probe_overhead.packets * 3 / 4);
  EXPECT_GT(hybrid.result.rum_beacons_by_verdict.at("accepted"), 0u);
  const std::map<std::string, std::string> best{{"g-boston", "pop-nyc"}, {"g-paris", "pop-lon"}, {"g-osaka", "pop-tyo"}};
  for (const auto& run : {&probe, &hybrid}) {
    for (const auto& g : run->result.final_groups) EXPECT_EQ(g.pop, best.at(g.group)) << run->result.label;
  }
}

TEST(RoutingRum, SameSeedSameRunOtherSeedOtherRun) {
  Scenario s = LoadScenarioText(kScenario, "rum-test.yaml");
  s.duration_s = 40;
  const PolicyRun a = RunLabel(s, "rum");
  const PolicyRun b = RunLabel(s, "rum");
  s.seed = 4;
  const PolicyRun c = RunLabel(s, "rum");
  ASSERT_EQ(a.metrics.Samples().size(), b.metrics.Samples().size());
  for (std::size_t i = 0; i < a.metrics.Samples().size(); ++i) {
    EXPECT_EQ(a.metrics.Samples()[i].at, b.metrics.Samples()[i].at);
    EXPECT_EQ(a.metrics.Samples()[i].value, b.metrics.Samples()[i].value);
  }
  EXPECT_EQ(a.metrics.Counters(), b.metrics.Counters());
  EXPECT_EQ(a.result.rum_bytes, b.result.rum_bytes);
  EXPECT_NE(a.result.rum_page_views + a.result.rum_bytes, c.result.rum_page_views + c.result.rum_bytes);
}

TEST(RoutingRum, CollectorHostDecodesWithTheSendersAddressAndCountsEveryOutcome) {
  const RoutingCatalog catalog = testing::ThreePopCatalog();
  testing::ManualRuntime runtime;
  MetricsRecorder metrics;
  MeasurementStore store(catalog.groups.size(), catalog.pops.size());
  BeaconCollector collector(catalog, store, runtime, metrics);
  const Endpoint local{testing::Addr(100, 66, 0, 1), RumCollectorHost::kPort};
  RumCollectorHost host(local, collector, runtime, metrics);
  host.Start();

  Beacon beacon;
  beacon.page_view_id = "pv-7";
  beacon.timings.push_back(BeaconTiming{"lon", true, 21.0, 45.0, 10000});
  const std::string good = EncodeBeacon(beacon);
  const Endpoint paris{catalog.groups[1].representative, 40080};
  runtime.Bind(paris, [](const Endpoint&, const Bytes&) {});
  auto send = [&](const std::string& body) { runtime.Send(paris, local, Bytes(body.begin(), body.end())); };
  send(good);
  send(good);  // the same page view again
  send("{\"v\":1,");
  send(std::string(5000, ' '));
  runtime.RunFor(std::chrono::seconds(1));

  const std::map<std::string, std::uint64_t> expected{{"accepted", 1}, {"replayed", 1}, {"malformed", 1}, {"oversized", 1}};
  EXPECT_EQ(host.BeaconsByVerdict(), expected);
  EXPECT_EQ(metrics.Counter(metric::kRumBeacons), 4);
  EXPECT_NEAR(*store.RttMs(1, 1, runtime.Now()), 21.0, 1e-9) << "fed as Paris: the sender's address, not the body";
  host.Stop();
  send(good);
  runtime.RunFor(std::chrono::seconds(1));
  EXPECT_EQ(metrics.Counter(metric::kRumBeacons), 4) << "nothing is received after Stop";
}

}  // namespace
}  // namespace cdnlab
