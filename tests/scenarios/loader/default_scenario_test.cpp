// The built-in default scenario must make the case for measured routing: geography is a poor
// predictor of the fastest PoP for most users, both before and after the timeline's event, and
// the event moves the best PoP of groups that geography served well until then; the fastest
// PoP of the most users cannot serve them all, and the policies side by side differ by one
// option each. These claims
// are checked here against the topology's true shortest paths, so an edit of default.yaml that
// quietly breaks the story fails a unit test instead of making the experiments meaningless.
#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "models/geo/point.h"
#include "models/topology/graph.h"
#include "scenarios/loader/default_scenario.h"
#include "scenarios/loader/scenario_loader.h"
#include "scenarios/core/topology_from_scenario.h"

namespace cdnlab {
namespace {

const std::string kDefaultPath = std::string(CDNLAB_SOURCE_DIR) + "/scenarios/default.yaml";

// For one client group: the PoP nearest by distance, the PoP with the lowest true RTT, and
// both RTTs (2 x the one-way shortest-path delay, as the simulated network routes).
struct GroupChoice {
  std::string group;
  double population = 0;
  std::string geo_nearest;
  std::string best;
  double geo_rtt_ms = 0;
  double best_rtt_ms = 0;
};

std::vector<GroupChoice> Choices(const Scenario& s, const TopologyGraph& graph) {
  std::vector<GroupChoice> out;
  for (const auto& g : s.client_groups) {
    const auto latencies = graph.LatenciesFromMs(*graph.FindNode(g.id));
    GroupChoice c{g.id, g.population, "", "", 0, 0};
    double nearest_km = std::numeric_limits<double>::infinity();
    double best_rtt = std::numeric_limits<double>::infinity();
    for (const auto& p : s.pops) {  // strict '<': the first PoP wins ties, as GeoPolicy's stable sort
      const double km = GreatCircleKm(g.location, p.location);
      const double rtt = 2 * latencies[*graph.FindNode(p.id)];
      if (km < nearest_km) {
        nearest_km = km;
        c.geo_nearest = p.id;
        c.geo_rtt_ms = rtt;
      }
      if (rtt < best_rtt) {
        best_rtt = rtt;
        c.best = p.id;
        c.best_rtt_ms = rtt;
      }
    }
    out.push_back(c);
  }
  return out;
}

// Population share whose geo-nearest PoP is not the fastest one.
double GeoMissShare(const std::vector<GroupChoice>& choices) {
  double total = 0, missed = 0;
  for (const auto& c : choices) {
    total += c.population;
    if (c.geo_nearest != c.best) missed += c.population;
  }
  return missed / total;
}

void ApplyLinkChange(const TimelineEvent& e, TopologyGraph& graph) {
  const auto link = graph.FindLink(e.link_a, e.link_b);
  ASSERT_TRUE(link.has_value()) << e.link_a << " - " << e.link_b;
  LinkParams params = graph.Link(*link);
  if (e.delay_ms) params.delay_ms = *e.delay_ms;
  if (e.loss) params.loss = *e.loss;
  if (e.bandwidth_mbps) params.bandwidth_mbps = *e.bandwidth_mbps;
  graph.SetLinkParams(*link, params);
}

// Coarse continents by coordinates: enough to tell the Americas, Europe and Asia apart.
std::string Continent(const GeoPoint& p) {
  if (p.longitude_deg < -30) return "americas";
  if (p.longitude_deg < 45) return "europe/africa";
  return "asia/oceania";
}

class DefaultScenario : public ::testing::Test {
 protected:
  void SetUp() override { scenario_ = LoadScenarioFile(kDefaultPath); }
  Scenario scenario_;
};

TEST_F(DefaultScenario, TheBuiltInTextIsTheFile) {
  std::ifstream in(kDefaultPath, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(std::string(DefaultScenarioYaml()), text.str()) << "re-run cmake: the compiled-in copy is stale";
}

TEST_F(DefaultScenario, HasTheAdvertisedShape) {
  const Scenario& s = scenario_;
  EXPECT_EQ(s.name, "default");
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.duration_s, 300);
  ASSERT_EQ(s.pops.size(), 6u);
  std::set<std::string> continents;
  for (const auto& p : s.pops) continents.insert(Continent(p.location));
  EXPECT_EQ(continents.size(), 3u);
  EXPECT_EQ(s.client_groups.size(), 40u);
  for (const auto& g : s.client_groups) {
    EXPECT_EQ(g.prefix.length, 24) << g.id;
    EXPECT_GE(g.population, 20000) << g.id;
    EXPECT_LE(g.population, 2000000) << g.id;
  }
  EXPECT_GE(s.resolvers.size(), 6u);
  for (const auto& r : s.resolvers) EXPECT_TRUE(r.client_subnet) << r.id;
  EXPECT_GE(s.routers.size(), 8u);

  std::set<std::string> labels;
  std::set<PolicyKind> kinds;
  for (const auto& p : s.policies) {
    labels.insert(p.label);
    kinds.insert(p.kind);
  }
  EXPECT_EQ(labels, (std::set<std::string>{"probe", "rum", "hybrid", "anycast", "geo", "random", "oracle",
                                           "probe-ttl300", "probe-budget2", "probe-spill", "rum-dwell", "anycast-blind",
                                           "geo-blind"}));
  EXPECT_EQ(kinds.size(), 7u) << "every policy kind side by side";
  EXPECT_EQ(s.probing.interval_s, 10);
  EXPECT_EQ(s.probing.packets_per_train, 5);
  EXPECT_EQ(s.mapping.recompute_interval_s, 5);
  EXPECT_EQ(s.dns.ttl_s, 20);
  EXPECT_EQ(s.workload.downloads_per_group_per_min, 4);
  EXPECT_EQ(s.workload.object_bytes, 100000u);
}

// Each variant differs from its base policy in exactly the option its label names, so the
// table's differences are that option's effect.
TEST_F(DefaultScenario, VariantsChangeOneThingEach) {
  std::map<std::string, const PolicySpec*> by_label;
  for (const auto& p : scenario_.policies) by_label[p.label] = &p;
  const PolicySpec& base = *by_label.at("probe");
  EXPECT_FALSE(base.dns_ttl_s.has_value());
  EXPECT_EQ(base.probe_candidates, 0);
  EXPECT_FALSE(base.capacity_spill);
  EXPECT_EQ(base.min_dwell_s, 0);
  EXPECT_EQ(by_label.at("probe-ttl300")->dns_ttl_s, std::optional<double>(300));
  EXPECT_EQ(by_label.at("probe-budget2")->probe_candidates, 2);
  EXPECT_TRUE(by_label.at("probe-spill")->capacity_spill);
  for (const char* label : {"probe-ttl300", "probe-budget2", "probe-spill"}) {
    EXPECT_EQ(by_label.at(label)->kind, PolicyKind::kProbe) << label;
    EXPECT_EQ(by_label.at(label)->hysteresis_ms, base.hysteresis_ms) << label;
    EXPECT_EQ(by_label.at(label)->ewma_alpha, base.ewma_alpha) << label;
  }
  const PolicySpec& rum = *by_label.at("rum");
  const PolicySpec& rum_dwell = *by_label.at("rum-dwell");
  EXPECT_EQ(rum.min_dwell_s, 0);
  EXPECT_GT(rum_dwell.min_dwell_s, 0);
  EXPECT_EQ(rum_dwell.kind, PolicyKind::kRum);
  EXPECT_EQ(rum_dwell.page_views_per_group_per_min, rum.page_views_per_group_per_min);
  EXPECT_EQ(rum_dwell.rum_candidates, rum.rum_candidates);
  EXPECT_EQ(rum_dwell.test_object_bytes, rum.test_object_bytes);
}

// capacity_spill needs something to spill: mapping every group to its fastest PoP overloads
// at least one PoP, while the PoPs together have room for all the demand.
TEST_F(DefaultScenario, TheFastestMappingOverloadsAPopThatSpillingCanRelieve) {
  const TopologyGraph graph = BuildTopology(scenario_);
  std::map<std::string, double> demand;
  double total_demand = 0;
  for (const auto& c : Choices(scenario_, graph)) {
    for (const auto& g : scenario_.client_groups) {
      if (g.id != c.group) continue;
      demand[c.best] += GroupDemandRps(g, scenario_.workload);
      total_demand += GroupDemandRps(g, scenario_.workload);
    }
  }
  double total_capacity = 0;
  double worst_ratio = 0;
  for (const auto& p : scenario_.pops) {
    total_capacity += p.capacity_rps;
    worst_ratio = std::max(worst_ratio, demand[p.id] / p.capacity_rps);
  }
  EXPECT_GE(worst_ratio, 1.1) << "some PoP is clearly overloaded under the fastest mapping";
  EXPECT_LE(total_demand, 0.8 * total_capacity) << "and there is room elsewhere";
}

TEST_F(DefaultScenario, OneBackboneLinkDegradesHalfwayThrough) {
  ASSERT_EQ(scenario_.timeline.size(), 1u);
  const TimelineEvent& e = scenario_.timeline[0];
  EXPECT_EQ(e.at_s, 150);
  ASSERT_EQ(e.type, TimelineEventType::kLinkChange);
  const TopologyGraph graph = BuildTopology(scenario_);
  EXPECT_EQ(graph.Kind(*graph.FindNode(e.link_a)), NodeKind::kRouter) << "a backbone link joins two routers";
  EXPECT_EQ(graph.Kind(*graph.FindNode(e.link_b)), NodeKind::kRouter);
  ASSERT_TRUE(e.delay_ms.has_value());
  EXPECT_GE(*e.delay_ms - graph.Link(*graph.FindLink(e.link_a, e.link_b)).delay_ms, 50);
}

TEST_F(DefaultScenario, GeographyMissesTheFastestPopForMostUsersBeforeAndAfterTheEvent) {
  TopologyGraph graph = BuildTopology(scenario_);
  const auto before = Choices(scenario_, graph);
  ApplyLinkChange(scenario_.timeline.at(0), graph);
  const auto after = Choices(scenario_, graph);

  EXPECT_GE(GeoMissShare(before), 0.55);
  EXPECT_GE(GeoMissShare(after), 0.55);
  // Where geography is wrong it is clearly wrong, not wrong by a rounding error.
  for (const auto* phase : {&before, &after}) {
    for (const auto& c : *phase) {
      if (c.geo_nearest == c.best) continue;
      EXPECT_GE(c.geo_rtt_ms - c.best_rtt_ms, 5) << c.group << ": " << c.geo_nearest << " vs " << c.best;
    }
  }
}

TEST_F(DefaultScenario, TheEventMovesTheBestPopAwayFromGeoNearestForSeveralGroups) {
  TopologyGraph graph = BuildTopology(scenario_);
  const auto before = Choices(scenario_, graph);
  ApplyLinkChange(scenario_.timeline.at(0), graph);
  const auto after = Choices(scenario_, graph);

  std::vector<std::string> moved;
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (before[i].best == before[i].geo_nearest && after[i].best != before[i].best) moved.push_back(before[i].group);
  }
  EXPECT_GE(moved.size(), 4u);
}

}  // namespace
}  // namespace cdnlab
