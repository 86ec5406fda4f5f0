// The policies section (issue 6): kinds, labels, per-kind options and their errors; public
// resolvers and group demand, which those policies read.
#include <string>

#include <gtest/gtest.h>

#include "tests/support/scenario_text.h"

#include "scenarios/routing/policy_section_reader.h"

namespace cdnlab {
namespace {

using testing::ErrorOf;
using testing::Replace;

const char* kBase = R"(name: policies
seed: 1
duration_s: 100
routers:
  - {id: r1, lat: 50, lon: 8}
pops:
  - {id: p1, lat: 50, lon: 8, servers: 1, capacity_rps: 100}
  - {id: p2, lat: 40, lon: -74, servers: 1, capacity_rps: 100}
resolvers:
  - {id: isp, lat: 50, lon: 8}
  - {id: pub, lat: 39, lon: -77, public: true}
client_groups:
  - {id: g1, prefix: 10.1.0.0/24, lat: 51, lon: 7, population: 2000000, resolver: isp}
  - {id: g2, prefix: 10.2.0.0/24, lat: 48, lon: 2, population: 500, resolver: pub, demand_rps: 7.5}
dns: {id: dns, lat: 50, lon: 8, zone: example.net, hostname: cdn.example.net, ttl_s: 30}
links:
  - {a: p1, b: r1}
  - {a: p2, b: r1}
  - {a: g1, b: r1}
  - {a: g2, b: r1}
  - {a: isp, b: r1}
  - {a: pub, b: r1}
  - {a: dns, b: r1}
workload: {demand_rps_per_million_users: 3}
policies:
  - {name: probe}
  - {name: geo}
)";

#define EXPECT_POLICY_ISSUE(from, to, at, field, message) EXPECT_ISSUE_IN(kBase, from, to, at, field, message)

Scenario LoadWithPolicies(const std::string& policies) {
  return LoadScenarioText(Replace(kBase, "  - {name: probe}\n  - {name: geo}\n", policies), "p.yaml");
}

TEST(PolicyLoader, DefaultsPerKind) {
  const Scenario s = LoadWithPolicies(
      "  - {name: probe}\n  - {name: rum}\n  - {name: hybrid}\n  - {name: anycast}\n  - {name: geo}\n"
      "  - {name: random}\n  - {name: oracle}\n");
  ASSERT_EQ(s.policies.size(), 7u);
  const PolicyKind kinds[] = {PolicyKind::kProbe, PolicyKind::kRum,    PolicyKind::kHybrid, PolicyKind::kAnycast,
                              PolicyKind::kGeo,   PolicyKind::kRandom, PolicyKind::kOracle};
  for (std::size_t i = 0; i < 7; ++i) {
    const PolicySpec& p = s.policies[i];
    EXPECT_EQ(p.kind, kinds[i]);
    EXPECT_EQ(p.label, p.name) << "label defaults to the name";
    EXPECT_EQ(PolicyKindName(p.kind), p.name);
    EXPECT_EQ(p.map_by, MapBy::kClientSubnet);
    EXPECT_FALSE(p.dns_ttl_s.has_value());
    EXPECT_EQ(p.min_dwell_s, 0);
    EXPECT_FALSE(p.capacity_spill);
    EXPECT_EQ(p.page_views_per_group_per_min, 2);
    EXPECT_EQ(p.rum_candidates, 3);
    EXPECT_EQ(p.test_object_bytes, 10000u);
  }
  EXPECT_EQ(s.policies[0].probe_candidates, 0) << "probe: every PoP probes every group";
  EXPECT_EQ(s.policies[2].probe_candidates, 2) << "hybrid: adaptive probing by default";
  EXPECT_TRUE(s.policies[0].UsesProbes() && !s.policies[0].UsesRum());
  EXPECT_TRUE(!s.policies[1].UsesProbes() && s.policies[1].UsesRum());
  EXPECT_TRUE(s.policies[2].UsesProbes() && s.policies[2].UsesRum());
  EXPECT_TRUE(s.policies[2].IsMeasured());
  EXPECT_FALSE(s.policies[3].IsMeasured());
}

TEST(PolicyLoader, MeasuredIsProbeUnderItsOldName) {
  const Scenario s = LoadWithPolicies("  - {name: measured, hysteresis_ms: 2}\n  - {name: probe}\n");
  EXPECT_EQ(s.policies[0].kind, PolicyKind::kProbe);
  EXPECT_EQ(s.policies[0].name, "measured");
  EXPECT_EQ(s.policies[0].label, "measured") << "old scenarios keep reporting 'measured'";
  EXPECT_EQ(s.policies[0].ResultLabel(), "measured");
  EXPECT_EQ(s.policies[0].hysteresis_ms, 2);
  EXPECT_EQ(s.policies[1].label, "probe");
}

TEST(PolicyLoader, ReadsEveryOption) {
  const Scenario s = LoadWithPolicies(
      "  - {name: probe, label: probe-ttl300, map_by: resolver, dns_ttl_s: 300, min_dwell_s: 60, "
      "capacity_spill: true, probe_candidates: 2, ewma_alpha: 0.5}\n"
      "  - {name: hybrid, label: h.1, probe_candidates: 0, page_views_per_group_per_min: 4.5, rum_candidates: 2, "
      "test_object_bytes: 20000, scope_aggregation: false}\n");
  const PolicySpec& p = s.policies[0];
  EXPECT_EQ(p.label, "probe-ttl300");
  EXPECT_EQ(p.map_by, MapBy::kResolver);
  EXPECT_EQ(p.dns_ttl_s, std::optional<double>(300));
  EXPECT_EQ(p.min_dwell_s, 60);
  EXPECT_TRUE(p.capacity_spill);
  EXPECT_EQ(p.probe_candidates, 2);
  EXPECT_EQ(p.ewma_alpha, 0.5);
  const PolicySpec& h = s.policies[1];
  EXPECT_EQ(h.label, "h.1");
  EXPECT_EQ(h.probe_candidates, 0) << "written 0 overrides hybrid's default";
  EXPECT_EQ(h.page_views_per_group_per_min, 4.5);
  EXPECT_EQ(h.rum_candidates, 2);
  EXPECT_EQ(h.test_object_bytes, 20000u);
  EXPECT_FALSE(h.scope_aggregation);
  EXPECT_TRUE(p.scope_aggregation) << "on unless written";
  EXPECT_EQ(MapByName(p.map_by), "resolver");
}

TEST(PolicyLoader, PublicResolverAndGroupDemand) {
  const Scenario s = LoadScenarioText(kBase, "p.yaml");
  EXPECT_FALSE(s.resolvers[0].is_public);
  EXPECT_TRUE(s.resolvers[1].is_public);
  EXPECT_FALSE(s.client_groups[0].demand_rps.has_value());
  EXPECT_EQ(s.client_groups[1].demand_rps, std::optional<double>(7.5));
  EXPECT_EQ(s.workload.demand_rps_per_million_users, 3);
  EXPECT_DOUBLE_EQ(GroupDemandRps(s.client_groups[0], s.workload), 6) << "2 M users x 3 rps per million";
  EXPECT_DOUBLE_EQ(GroupDemandRps(s.client_groups[1], s.workload), 7.5) << "its own demand wins";
  const Scenario none = LoadScenarioText(Replace(kBase, "workload: {demand_rps_per_million_users: 3}\n", ""), "p.yaml");
  EXPECT_EQ(GroupDemandRps(none.client_groups[0], none.workload), 0) << "no demand unless asked for";
}

TEST(PolicyLoader, UnknownPolicyName) {
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: fastest}", "fastest", "policies[1].name",
                      "unknown policy 'fastest'; expected one of: anycast, anycast-blind, geo, geo-blind, hybrid, "
                      "measured (= probe), oracle, probe, random, rum");
}

// Issue 18: geo and anycast learn of failures (health check, route withdrawal); the -blind
// names are the old baselines, with nothing to tune.
TEST(PolicyLoader, FailureAwareBaselinesAndTheirBlindVariants) {
  const Scenario s = LoadWithPolicies(
      "  - {name: geo, health_check_interval_s: 2}\n  - {name: geo-blind}\n"
      "  - {name: anycast, bgp_convergence_s: 12}\n  - {name: anycast-blind}\n");
  ASSERT_GE(s.policies.size(), 4u);
  const auto find = [&](const std::string& label) {
    for (const auto& p : s.policies) {
      if (p.label == label) return p;
    }
    ADD_FAILURE() << label;
    return PolicySpec{};
  };
  EXPECT_EQ(find("geo").health_check_interval_s, 2);
  EXPECT_FALSE(find("geo").failure_blind);
  EXPECT_EQ(find("geo-blind").kind, PolicyKind::kGeo);
  EXPECT_TRUE(find("geo-blind").failure_blind);
  EXPECT_EQ(find("anycast").bgp_convergence_s, 12);
  EXPECT_EQ(find("anycast-blind").kind, PolicyKind::kAnycast);
  EXPECT_TRUE(find("anycast-blind").failure_blind);
  EXPECT_EQ(find("anycast-blind").bgp_convergence_s, 30) << "the default";
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: geo-blind, health_check_interval_s: 5}", "health_check_interval_s: ^5",
                      "policies[1].health_check_interval_s",
                      "'health_check_interval_s' does not apply to policy 'geo-blind' (a blind baseline never "
                      "learns of failures)");
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: anycast, health_check_interval_s: 5}", "health_check_interval_s: ^5",
                      "policies[1].health_check_interval_s",
                      "'health_check_interval_s' does not apply to policy 'anycast' (it applies to geo)");
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: geo, health_check_interval_s: 0}", "health_check_interval_s: ^0",
                      "policies[1].health_check_interval_s", "expected a number > 0, got 0");
}

TEST(PolicyLoader, DuplicateLabels) {
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: probe}", "probe}\n  - {name: ^probe}",
                      "policies[1].name",
                      "label 'probe' is already used by policies[0]; give one of them a distinct 'label'");
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: geo, label: probe}", "label: ^probe", "policies[1].label",
                      "label 'probe' is already used by policies[0]");
  // Distinct labels make variants of one kind coexist.
  EXPECT_NO_THROW(LoadWithPolicies("  - {name: probe}\n  - {name: probe, label: probe-ttl300, dns_ttl_s: 300}\n"));
}

TEST(PolicyLoader, BadLabel) {
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: geo, label: \"geo, fast\"}", "\"geo, fast\"", "policies[1].label",
                      "expected up to 32 letters, digits, '-', '_' or '.', got 'geo, fast'");
}

TEST(PolicyLoader, OptionsThatDoNotApplyToTheKind) {
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: geo, probe_candidates: 2}", "probe_candidates: ^2", "policies[1].probe_candidates",
                      "'probe_candidates' does not apply to policy 'geo' (it applies to probe, hybrid)");
  EXPECT_POLICY_ISSUE("{name: probe}", "{name: probe, rum_candidates: 2}", "rum_candidates: ^2",
                      "policies[0].rum_candidates", "'rum_candidates' does not apply to policy 'probe' (it applies to "
                                                    "rum, hybrid)");
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: rum, probe_candidates: 1}", "probe_candidates: ^1",
                      "policies[1].probe_candidates",
                      "'probe_candidates' does not apply to policy 'rum' (it applies to probe, hybrid)");
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: anycast, map_by: resolver}", "map_by: ^resolver", "policies[1].map_by",
                      "'map_by' does not apply to policy 'anycast' (it applies to every policy but anycast)");
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: oracle, ewma_alpha: 0.5}", "ewma_alpha: ^0.5", "policies[1].ewma_alpha",
                      "'ewma_alpha' does not apply to policy 'oracle' (it applies to probe, rum, hybrid)");
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: geo, colour: red}", "colour", "policies[1].colour",
                      "unknown key 'colour'; expected one of: ");
}

TEST(PolicyLoader, ScopeAggregationNeedsClientSubnets) {
  EXPECT_POLICY_ISSUE("{name: probe}", "{name: probe, map_by: resolver, scope_aggregation: false}", "aggregation: ^false",
                      "policies[0].scope_aggregation",
                      "'scope_aggregation' needs map_by: client_subnet (mapping by resolver answers with scope 0)");
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: geo, scope_aggregation: 1}", "aggregation: ^1", "policies[1].scope_aggregation",
                      "expected true or false");
}

TEST(PolicyLoader, MapByTypo) {
  EXPECT_POLICY_ISSUE("{name: probe}", "{name: probe, map_by: resovler}", "resovler", "policies[0].map_by",
                      "unknown map_by 'resovler'; expected client_subnet or resolver");
}

TEST(PolicyLoader, NegativeAndOutOfRangeValues) {
  EXPECT_POLICY_ISSUE("{name: probe}", "{name: probe, dns_ttl_s: -5}", "-5", "policies[0].dns_ttl_s",
                      "expected seconds in [1e-9, 1e9], got -5");
  EXPECT_POLICY_ISSUE("{name: probe}", "{name: probe, min_dwell_s: -1}", "-1", "policies[0].min_dwell_s",
                      "expected seconds in [0, 1e9], got -1");
  EXPECT_POLICY_ISSUE("{name: probe}", "{name: probe, probe_candidates: -1}", "-1", "policies[0].probe_candidates",
                      "expected an integer in [0, 64], got '-1'");
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: rum, page_views_per_group_per_min: 0}", "min: ^0",
                      "policies[1].page_views_per_group_per_min", "expected a rate per minute in [1e-6, 1e9], got 0");
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: rum, rum_candidates: 0}", "rum_candidates: ^0", "policies[1].rum_candidates",
                      "expected an integer in [1, 8], got '0'");
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: hybrid, test_object_bytes: 0}", "bytes: ^0", "policies[1].test_object_bytes",
                      "expected an integer in [1, 1073741824], got '0'");
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: geo, capacity_spill: yes}", "yes", "policies[1].capacity_spill",
                      "expected true or false, got 'yes'");
  EXPECT_POLICY_ISSUE("demand_rps: 7.5", "demand_rps: -2", "-2", "client_groups[1].demand_rps",
                      "expected a number in [0, 1e15], got -2");
  EXPECT_POLICY_ISSUE("demand_rps_per_million_users: 3", "demand_rps_per_million_users: -3", "-3",
                      "workload.demand_rps_per_million_users", "expected a number in [0, 1e15], got -3");
  EXPECT_POLICY_ISSUE("public: true", "public: maybe", "maybe", "resolvers[1].public", "expected true or false");
}

TEST(PolicyLoader, CandidateBudgetsBeyondThePopCount) {
  EXPECT_POLICY_ISSUE("{name: probe}", "{name: probe, probe_candidates: 3}", "probe_candidates: ^3", "policies[0].probe_candidates",
                      "3 candidates, but the scenario has only 2 PoPs");
  EXPECT_POLICY_ISSUE("{name: geo}", "{name: rum, rum_candidates: 5}", "rum_candidates: ^5", "policies[1].rum_candidates",
                      "5 candidates, but the scenario has only 2 PoPs");
  // Defaults (rum 3 candidates) are bounded by the PoPs there are, silently.
  EXPECT_NO_THROW(LoadWithPolicies("  - {name: rum}\n  - {name: hybrid}\n"));
}

TEST(PolicyLoader, CapacitySpillNeedsDemand) {
  EXPECT_NO_THROW(LoadWithPolicies("  - {name: probe, capacity_spill: true}\n"));
  std::string no_demand = Replace(kBase, "workload: {demand_rps_per_million_users: 3}\n", "");
  no_demand = Replace(no_demand, ", demand_rps: 7.5", "");
  EXPECT_ISSUE_IN(no_demand, "{name: probe}", "{name: probe, capacity_spill: true}", "capacity_spill: ^true",
                  "policies[0].capacity_spill", "capacity_spill needs demand: set client_groups[].demand_rps or "
                                                "workload.demand_rps_per_million_users");
}

}  // namespace
}  // namespace cdnlab
