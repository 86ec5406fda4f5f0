// scenarios/resolvers_ecs_many.yaml must be able to show what scope aggregation saves (issue
// 14): many /24s behind each resolver, and the /24s that share a best PoP tiling one aligned
// prefix, so that the widest true scope is much wider than a /24. Checked on the topology's true
// shortest paths (no ns-3); tests/sim/routing/resolvers_ecs_many_scenario_test.cpp checks that
// the simulation then shows it.
#include <limits>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "scenarios/core/topology_from_scenario.h"
#include "scenarios/loader/scenario_loader.h"

namespace cdnlab {
namespace {

const std::string kPath = std::string(CDNLAB_SOURCE_DIR) + "/scenarios/resolvers_ecs_many.yaml";

class ResolversEcsManyScenario : public ::testing::Test {
 protected:
  void SetUp() override { scenario_ = LoadScenarioFile(kPath); }

  std::string BestPop(const TopologyGraph& graph, const std::string& group) const {
    const auto latencies = graph.LatenciesFromMs(*graph.FindNode(group));
    std::string best;
    double best_ms = std::numeric_limits<double>::infinity();
    for (const auto& p : scenario_.pops) {
      if (latencies[*graph.FindNode(p.id)] < best_ms) {
        best_ms = latencies[*graph.FindNode(p.id)];
        best = p.id;
      }
    }
    return best;
  }

  Scenario scenario_;
};

TEST_F(ResolversEcsManyScenario, ManySubnetsBehindEveryResolver) {
  std::map<std::string, std::size_t> subnets;
  for (const auto& g : scenario_.client_groups) {
    EXPECT_EQ(g.prefix.length, 24) << g.id;
    ++subnets[g.resolver];
  }
  ASSERT_EQ(subnets.size(), scenario_.resolvers.size()) << "every resolver has users";
  for (const auto& r : scenario_.resolvers) {
    EXPECT_TRUE(r.client_subnet) << r.id;
    EXPECT_GE(subnets.at(r.id), 7u) << r.id;
  }
}

// Each best PoP's /24s fill one aligned prefix exactly (a region's /18): that prefix is the
// widest true scope while nothing fails, so each resolver needs one cache entry per region.
TEST_F(ResolversEcsManyScenario, GroupsWithOneBestPopTileOneAlignedPrefix) {
  const TopologyGraph graph = BuildTopology(scenario_);
  std::map<std::string, std::set<std::uint32_t>> networks_by_pop;
  for (const auto& g : scenario_.client_groups) networks_by_pop[BestPop(graph, g.id)].insert(g.prefix.network.value);
  EXPECT_EQ(networks_by_pop.size(), scenario_.pops.size()) << "every PoP is some region's best";
  for (const auto& [pop, networks] : networks_by_pop) {
    const Ipv4Prefix region = Ipv4Prefix::Of(Ipv4Address{*networks.begin()}, 18);
    EXPECT_EQ(region.network.value, *networks.begin()) << pop << ": the region starts on a /18 boundary";
    EXPECT_EQ(networks.size(), 64u) << pop << ": 64 /24s fill the /18";
    for (const std::uint32_t n : networks) EXPECT_TRUE(region.Contains(Ipv4Address{n})) << pop;
  }
}

TEST_F(ResolversEcsManyScenario, RunsEcsWithAndWithoutAggregationAndByResolver) {
  std::map<std::string, const PolicySpec*> by_label;
  for (const auto& p : scenario_.policies) by_label[p.label] = &p;
  ASSERT_EQ(by_label.size(), 4u);
  EXPECT_EQ(by_label.at("probe")->map_by, MapBy::kClientSubnet);
  EXPECT_TRUE(by_label.at("probe")->scope_aggregation);
  EXPECT_EQ(by_label.at("probe-unaggregated")->map_by, MapBy::kClientSubnet);
  EXPECT_FALSE(by_label.at("probe-unaggregated")->scope_aggregation);
  EXPECT_EQ(by_label.at("probe-by-resolver")->map_by, MapBy::kResolver);
  EXPECT_TRUE(by_label.count("oracle"));
}

}  // namespace
}  // namespace cdnlab
