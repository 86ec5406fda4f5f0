// The issue-6 policy variants in the ns-3 runtime, each on a small network built to show its
// effect: anycast's fewest-hop choice, resolver-based mapping vs client subnet, the DNS TTL's
// trade-off, and capacity spill.
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "analysis/metrics_recorder.h"
#include "models/routing/metric_names.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/routing/experiment.h"

namespace cdnlab {
namespace {

struct PolicyRun {
  MetricsRecorder metrics;
  RoutingRunResult result;
};

PolicyRun RunLabel(const Scenario& s, const std::string& label) {
  PolicyRun run;
  bool found = false;
  for (const auto& p : s.policies) {
    if (p.ResultLabel() != label) continue;
    run.result = RunRoutingExperiment(s, p, run.metrics);
    found = true;
  }
  EXPECT_TRUE(found) << label;
  return run;
}

// Mean regret of one group over the evaluation (after the warm-up).
double MeanRegret(const PolicyRun& run, const std::string& group) {
  double sum = 0;
  int n = 0;
  for (const auto* s : run.metrics.SamplesNamed(metric::kRegretMs)) {
    if (s->Label(metric::kLabelGroup) != group) continue;
    sum += s->value;
    ++n;
  }
  EXPECT_GT(n, 0) << group;
  return n > 0 ? sum / n : 0;
}

// time_s -> the PoP the group was answered with.
std::map<double, std::string> Answered(const PolicyRun& run, const std::string& group) {
  std::map<double, std::string> out;
  for (const auto* s : run.metrics.SamplesNamed(metric::kRegretMs)) {
    if (s->Label(metric::kLabelGroup) == group) out[ToSeconds(s->at)] = s->Label(metric::kLabelPop);
  }
  return out;
}

std::string FinalPop(const PolicyRun& run, const std::string& group) {
  for (const auto& g : run.result.final_groups) {
    if (g.group == group) return g.pop;
  }
  return "?";
}

// g-home's routing path to pop-far is 2 hops but 40 ms long; pop-near is 4 hops of 1 ms.
// g-two sits beside pop-near. The resolver sends no client subnet: anycast must not care.
const char* kAnycastScenario = R"(name: anycast-test
seed: 2
duration_s: 40
routers:
  - {id: r-a, lat: 40.0, lon: -75.0}
  - {id: r-b, lat: 40.5, lon: -75.5}
  - {id: r-c, lat: 41.0, lon: -76.0}
pops:
  - {id: pop-far, lat: 50.0, lon: 0.0, servers: 1, capacity_rps: 1000}
  - {id: pop-near, lat: 41.0, lon: -76.0, servers: 1, capacity_rps: 1000}
resolvers:
  - {id: res, lat: 40.0, lon: -75.0, client_subnet: false}
client_groups:
  - {id: g-home, prefix: 10.1.0.0/24, lat: 40.0, lon: -75.0, population: 100, resolver: res}
  - {id: g-two, prefix: 10.2.0.0/24, lat: 41.0, lon: -76.0, population: 100, resolver: res}
dns: {id: dns, lat: 40.0, lon: -75.0, zone: example.net, hostname: cdn.example.net, ttl_s: 5}
links:
  - {a: g-home, b: r-a, delay_ms: 1}
  - {a: r-a, b: pop-far, delay_ms: 40}
  - {a: r-a, b: r-b, delay_ms: 1}
  - {a: r-b, b: r-c, delay_ms: 1}
  - {a: r-c, b: pop-near, delay_ms: 0.5}
  - {a: g-two, b: r-c, delay_ms: 1}
  - {a: res, b: r-a, delay_ms: 1}
  - {a: dns, b: r-a, delay_ms: 1}
mapping: {recompute_interval_s: 1}
workload: {downloads_per_group_per_min: 6, object_bytes: 10000}
evaluation: {warmup_s: 5}
policies:
  - {name: anycast}
  - {name: oracle}
)";

TEST(RoutingPolicies, AnycastTakesTheFewestHopsNotTheLowestRtt) {
  const Scenario s = LoadScenarioText(kAnycastScenario, "anycast.yaml");
  const PolicyRun anycast = RunLabel(s, "anycast");
  const PolicyRun oracle = RunLabel(s, "oracle");
  EXPECT_EQ(FinalPop(anycast, "g-home"), "pop-far");
  EXPECT_EQ(FinalPop(anycast, "g-two"), "pop-near") << "each group from its own network, whatever its resolver";
  EXPECT_EQ(FinalPop(oracle, "g-home"), "pop-near");
  for (const auto& [t, pop] : Answered(anycast, "g-home")) EXPECT_EQ(pop, "pop-far") << t;
  // 2 x (1 + 40) ms against 2 x (1 + 1 + 1 + 0.5) ms (plus the server LAN).
  EXPECT_NEAR(MeanRegret(anycast, "g-home"), 75, 1);
  EXPECT_NEAR(MeanRegret(anycast, "g-two"), 0, 1e-9);
  EXPECT_NEAR(MeanRegret(oracle, "g-home"), 0, 1e-9);
  EXPECT_EQ(anycast.result.probe_overhead.packets, 0u);
}

// A public resolver in New York serves a big US group and a European one; an ISP resolver in
// London (no client subnet) serves another European group.
const char* kResolverScenario = R"(name: ecs-test
seed: 4
duration_s: 60
routers:
  - {id: r-nyc, lat: 40.71, lon: -74.01}
  - {id: r-lon, lat: 51.51, lon: -0.13}
pops:
  - {id: pop-nyc, lat: 40.71, lon: -74.01, servers: 1, capacity_rps: 1000}
  - {id: pop-lon, lat: 51.51, lon: -0.13, servers: 1, capacity_rps: 1000}
resolvers:
  - {id: pub, lat: 40.71, lon: -74.01, public: true}
  - {id: isp-lon, lat: 51.51, lon: -0.13, client_subnet: false}
client_groups:
  - {id: g-us, prefix: 10.1.0.0/24, lat: 42.36, lon: -71.06, population: 3000, resolver: pub}
  - {id: g-eu-pub, prefix: 10.2.0.0/24, lat: 48.86, lon: 2.35, population: 1000, resolver: pub}
  - {id: g-eu-isp, prefix: 10.3.0.0/24, lat: 48.86, lon: 2.35, population: 1000, resolver: isp-lon}
dns: {id: dns, lat: 40.71, lon: -74.01, zone: example.net, hostname: cdn.example.net, ttl_s: 10}
links:
  - {a: r-nyc, b: r-lon, delay_ms: 35}
  - {a: pop-nyc, b: r-nyc, delay_ms: 0.5}
  - {a: pop-lon, b: r-lon, delay_ms: 0.5}
  - {a: g-us, b: r-nyc, delay_ms: 2}
  - {a: g-eu-pub, b: r-lon, delay_ms: 2}
  - {a: g-eu-isp, b: r-lon, delay_ms: 2}
  - {a: pub, b: r-nyc, delay_ms: 1}
  - {a: isp-lon, b: r-lon, delay_ms: 1}
  - {a: dns, b: r-nyc, delay_ms: 1}
probing: {interval_s: 5}
mapping: {recompute_interval_s: 1}
workload: {downloads_per_group_per_min: 6, object_bytes: 10000}
evaluation: {warmup_s: 15}
policies:
  - {name: probe, label: by-resolver, map_by: resolver}
  - {name: probe, label: by-subnet}
)";

TEST(RoutingPolicies, MappingByResolverCostsPublicResolverUsersWhatEcsGivesBack) {
  const Scenario s = LoadScenarioText(kResolverScenario, "ecs.yaml");
  const PolicyRun by_resolver = RunLabel(s, "by-resolver");
  const PolicyRun by_subnet = RunLabel(s, "by-subnet");
  EXPECT_EQ(by_resolver.result.label, "by-resolver");
  // The public resolver's row is ranked for its mostly-American users: New York, 70 ms more
  // than London for the European group behind it.
  EXPECT_GT(MeanRegret(by_resolver, "g-eu-pub"), 60);
  EXPECT_LT(MeanRegret(by_subnet, "g-eu-pub"), 1);
  for (const auto* run : {&by_resolver, &by_subnet}) {
    EXPECT_LT(MeanRegret(*run, "g-us"), 1) << run->result.label;
    EXPECT_LT(MeanRegret(*run, "g-eu-isp"), 1) << run->result.label << ": its ISP resolver is beside it";
  }
}

// The link-change network of routing_experiment_test: at 40 s New York's PoP uplink degrades
// and Boston's best PoP becomes London.
const char* kTtlScenario = R"(name: ttl-test
seed: 5
duration_s: 360
routers:
  - {id: r-nyc, lat: 40.71, lon: -74.01}
  - {id: r-lon, lat: 51.51, lon: -0.13}
pops:
  - {id: pop-nyc, lat: 40.71, lon: -74.01, servers: 1, capacity_rps: 1000}
  - {id: pop-lon, lat: 51.51, lon: -0.13, servers: 1, capacity_rps: 1000}
resolvers:
  - {id: res, lat: 40.71, lon: -74.01}
client_groups:
  - {id: g-boston, prefix: 10.1.0.0/24, lat: 42.36, lon: -71.06, population: 100, resolver: res}
  - {id: g-london, prefix: 10.2.0.0/24, lat: 51.51, lon: -0.13, population: 100, resolver: res}
dns: {id: dns, lat: 40.71, lon: -74.01, zone: example.net, hostname: cdn.example.net, ttl_s: 20}
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
workload: {downloads_per_group_per_min: 6, object_bytes: 10000}
evaluation: {warmup_s: 10}
policies:
  - {name: probe, label: ttl-20}
  - {name: probe, label: ttl-300, dns_ttl_s: 300}
timeline:
  - {at_s: 40, type: link_change, link: [pop-nyc, r-nyc], delay_ms: 200}
)";

// When the group's answered PoP last changed to what it ends with, seconds after `from_s`.
double SettledAfter(const PolicyRun& run, const std::string& group, double from_s) {
  const auto series = Answered(run, group);
  double settled = -1;
  for (const auto& [t, pop] : series) {
    if (t < from_s) continue;
    if (pop != series.rbegin()->second) {
      settled = -1;
    } else if (settled < 0) {
      settled = t;
    }
  }
  return settled - from_s;
}

TEST(RoutingPolicies, ALongTtlSavesQueriesButReactsLate) {
  const Scenario s = LoadScenarioText(kTtlScenario, "ttl.yaml");
  const PolicyRun short_ttl = RunLabel(s, "ttl-20");
  const PolicyRun long_ttl = RunLabel(s, "ttl-300");
  for (const auto* run : {&short_ttl, &long_ttl}) EXPECT_EQ(FinalPop(*run, "g-boston"), "pop-lon");
  // The mapping moves Boston within a few probe rounds either way; users follow only when
  // their resolver's cached answer expires.
  const double short_settle = SettledAfter(short_ttl, "g-boston", 40);
  const double long_settle = SettledAfter(long_ttl, "g-boston", 40);
  EXPECT_GE(short_settle, 0);
  EXPECT_LE(short_settle, 3 * 5 + 20 + 2);
  EXPECT_GT(long_settle, 60);
  EXPECT_LT(long_settle, 300 + 2);
  EXPECT_GT(MeanRegret(long_ttl, "g-boston"), MeanRegret(short_ttl, "g-boston"));
  // Query load: one upstream query per TTL at most, per cached answer.
  EXPECT_LT(long_ttl.result.dns_queries_answered * 4, short_ttl.result.dns_queries_answered);
  EXPECT_GT(long_ttl.result.dns_queries_answered, 0u);
}

// Three groups beside pop-small (capacity 100 rps), each sending 60 rps; pop-big (300 rps) is
// 10 ms further away.
const char* kCapacityScenario = R"(name: capacity-test
seed: 6
duration_s: 40
routers:
  - {id: r-1, lat: 40.71, lon: -74.01}
  - {id: r-2, lat: 39.95, lon: -75.17}
pops:
  - {id: pop-small, lat: 40.71, lon: -74.01, capacity_rps: 100, servers: 1}
  - {id: pop-big, lat: 39.95, lon: -75.17, capacity_rps: 300, servers: 1}
resolvers:
  - {id: res, lat: 40.71, lon: -74.01}
client_groups:
  - {id: g-1, prefix: 10.1.0.0/24, lat: 40.71, lon: -74.01, population: 100, demand_rps: 60, resolver: res}
  - {id: g-2, prefix: 10.2.0.0/24, lat: 40.71, lon: -74.01, population: 100, demand_rps: 60, resolver: res}
  - {id: g-3, prefix: 10.3.0.0/24, lat: 40.71, lon: -74.01, population: 100, demand_rps: 60, resolver: res}
dns: {id: dns, lat: 40.71, lon: -74.01, zone: example.net, hostname: cdn.example.net, ttl_s: 5}
links:
  - {a: r-1, b: r-2, delay_ms: 5}
  - {a: pop-small, b: r-1, delay_ms: 0.5}
  - {a: pop-big, b: r-2, delay_ms: 0.5}
  - {a: g-1, b: r-1, delay_ms: 1}
  - {a: g-2, b: r-1, delay_ms: 1}
  - {a: g-3, b: r-1, delay_ms: 1}
  - {a: res, b: r-1, delay_ms: 1}
  - {a: dns, b: r-1, delay_ms: 1}
probing: {interval_s: 5}
mapping: {recompute_interval_s: 1}
workload: {downloads_per_group_per_min: 6, object_bytes: 10000}
evaluation: {warmup_s: 10}
policies:
  - {name: probe}
  - {name: probe, label: probe-spill, capacity_spill: true}
)";

TEST(RoutingPolicies, CapacitySpillKeepsEveryPopUnderCapacity) {
  const Scenario s = LoadScenarioText(kCapacityScenario, "capacity.yaml");
  const PolicyRun plain = RunLabel(s, "probe");
  const PolicyRun spill = RunLabel(s, "probe-spill");
  ASSERT_EQ(plain.result.pop_overload.size(), 2u);
  ASSERT_EQ(spill.result.pop_overload.size(), 2u);
  const PopOverload& small_plain = plain.result.pop_overload[0];
  EXPECT_EQ(small_plain.pop, "pop-small");
  EXPECT_NEAR(small_plain.peak_ratio, 1.8, 1e-9) << "all three groups on the nearest PoP";
  EXPECT_NEAR(small_plain.seconds_over, s.duration_s - s.evaluation.warmup_s, 1.01);
  EXPECT_NEAR(small_plain.excess_demand_rps_s, 80 * (s.duration_s - s.evaluation.warmup_s), 81);
  for (const auto& o : spill.result.pop_overload) {
    EXPECT_LE(o.peak_ratio, 1.0) << o.pop;
    EXPECT_EQ(o.seconds_over, 0) << o.pop;
  }
  EXPECT_NEAR(spill.result.pop_overload[0].peak_demand_rps, 60, 1e-9);
  EXPECT_NEAR(spill.result.pop_overload[1].peak_demand_rps, 120, 1e-9);
  EXPECT_GT(spill.result.capacity_spilled_rows, 0u);
  EXPECT_EQ(plain.result.capacity_spilled_rows, 0u);
  // The spilled groups pay for it in regret (10 ms further away).
  double spilled_regret = 0;
  for (const char* g : {"g-1", "g-2", "g-3"}) spilled_regret += MeanRegret(spill, g);
  EXPECT_GT(spilled_regret, 15);
}

TEST(RoutingPolicies, MinimumDwellHoldsBackASwitch) {
  // The TTL scenario's degradation moves Boston; with a dwell longer than the run since the
  // first publication, the row keeps New York as long as it is usable (it stays reachable).
  std::string text = kTtlScenario;
  text.replace(text.find("  - {name: probe, label: ttl-300"), 0, "  - {name: probe, label: dwell, min_dwell_s: 1000}\n");
  Scenario s = LoadScenarioText(text, "dwell.yaml");
  s.duration_s = 80;
  const PolicyRun dwell = RunLabel(s, "dwell");
  EXPECT_EQ(FinalPop(dwell, "g-boston"), "pop-nyc");
  EXPECT_GT(dwell.result.dwell_held_rows, 0u);
}

}  // namespace
}  // namespace cdnlab
