// scenarios/resolvers_ecs.yaml must be able to show what mapping by resolver costs users of a
// distant public resolver: checked here on the topology's true shortest paths (no ns-3), so an
// edit that quietly removes the effect fails a unit test. tests/sim/routing/resolvers_ecs_scenario_test.cpp
// checks that the simulation then reproduces it.
#include <limits>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "scenarios/loader/scenario_loader.h"
#include "scenarios/core/topology_from_scenario.h"

namespace cdnlab {
namespace {

const std::string kPath = std::string(CDNLAB_SOURCE_DIR) + "/scenarios/resolvers_ecs.yaml";

class ResolversEcsScenario : public ::testing::Test {
 protected:
  void SetUp() override {
    scenario_ = LoadScenarioFile(kPath);
    const TopologyGraph graph = BuildTopology(scenario_);
    for (const auto& g : scenario_.client_groups) {
      const auto latencies = graph.LatenciesFromMs(*graph.FindNode(g.id));
      for (const auto& p : scenario_.pops) rtt_[g.id][p.id] = 2 * latencies[*graph.FindNode(p.id)];
    }
  }

  double BestRtt(const std::string& group) {
    double best = std::numeric_limits<double>::infinity();
    for (const auto& [pop, rtt] : rtt_[group]) best = std::min(best, rtt);
    return best;
  }

  bool IsPublic(const std::string& resolver) const {
    for (const auto& r : scenario_.resolvers) {
      if (r.id == resolver) return r.is_public;
    }
    return false;
  }

  Scenario scenario_;
  std::map<std::string, std::map<std::string, double>> rtt_;  // group -> PoP -> true RTT
};

TEST_F(ResolversEcsScenario, HasIspAndPublicResolverUsersAndTheThreePolicies) {
  std::size_t public_resolvers = 0;
  for (const auto& r : scenario_.resolvers) {
    EXPECT_TRUE(r.client_subnet) << r.id << ": every resolver sends ECS; the policy decides whether it counts";
    public_resolvers += r.is_public ? 1 : 0;
  }
  EXPECT_EQ(public_resolvers, 1u);
  std::map<std::string, MapBy> by_label;
  for (const auto& p : scenario_.policies) by_label[p.label] = p.map_by;
  ASSERT_EQ(by_label.size(), 3u);
  EXPECT_EQ(by_label.at("probe"), MapBy::kClientSubnet);
  EXPECT_EQ(by_label.at("probe-by-resolver"), MapBy::kResolver);
  EXPECT_TRUE(by_label.count("oracle"));
}

// Whatever single PoP the public resolver's row gets, most of its users pay for it; each ISP
// resolver's users share one best PoP, so its row costs them nothing.
TEST_F(ResolversEcsScenario, OneRowPerResolverIsFarForMostPublicUsersAndFreeForIspUsers) {
  std::map<std::string, std::set<std::string>> best_pops_by_resolver;
  for (const auto& g : scenario_.client_groups) {
    for (const auto& [pop, rtt] : rtt_[g.id]) {
      if (rtt == BestRtt(g.id)) best_pops_by_resolver[g.resolver].insert(pop);
    }
  }
  for (const auto& [resolver, pops] : best_pops_by_resolver) {
    if (IsPublic(resolver)) continue;
    EXPECT_EQ(pops.size(), 1u) << resolver;
  }
  for (const auto& pop : scenario_.pops) {
    double total = 0, far = 0;
    for (const auto& g : scenario_.client_groups) {
      if (!IsPublic(g.resolver)) continue;
      total += g.population;
      if (rtt_[g.id][pop.id] - BestRtt(g.id) > 50) far += g.population;
    }
    EXPECT_GT(far / total, 0.5) << "answering every public-resolver user with " << pop.id;
  }
}

}  // namespace
}  // namespace cdnlab
