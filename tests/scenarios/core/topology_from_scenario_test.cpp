#include "scenarios/core/topology_from_scenario.h"

#include <gtest/gtest.h>

#include "scenarios/loader/scenario_loader.h"

namespace cdnlab {
namespace {

Scenario TwoCities() {
  return LoadScenarioText(R"(name: t
seed: 1
duration_s: 60
pops: [{id: lon, lat: 51.51, lon: -0.13, servers: 1, capacity_rps: 1}]
resolvers: [{id: res, lat: 51.51, lon: -0.13}]
client_groups: [{id: nyc, prefix: 10.0.0.0/24, lat: 40.71, lon: -74.01, population: 1, resolver: res}]
dns: {id: dns, lat: 51.51, lon: -0.13, zone: example.net, hostname: cdn.example.net, ttl_s: 1}
links:
  - {a: nyc, b: lon}
  - {a: res, b: lon, delay_ms: 3, bandwidth_mbps: 50, loss: 0.1}
  - {a: dns, b: lon}
link_defaults: {km_per_ms: 200, route_stretch: 1.5, bandwidth_mbps: 400}
policies: [{name: geo}]
)", "t.yaml");
}

TEST(TopologyFromScenario, OmittedDelayComesFromDistance) {
  const Scenario s = TwoCities();
  const LinkParams p = ResolveLinkParams(s, s.links[0]);
  // ~5570 km x 1.5 / 200 km/ms = ~41.8 ms
  EXPECT_NEAR(p.delay_ms, 5570 * 1.5 / 200, 0.5);
  EXPECT_DOUBLE_EQ(p.bandwidth_mbps, 400);
  EXPECT_DOUBLE_EQ(p.loss, 0);
}

TEST(TopologyFromScenario, ExplicitValuesWinAndColocatedNodesGetTheFloor) {
  const Scenario s = TwoCities();
  const LinkParams explicit_link = ResolveLinkParams(s, s.links[1]);
  EXPECT_DOUBLE_EQ(explicit_link.delay_ms, 3);
  EXPECT_DOUBLE_EQ(explicit_link.bandwidth_mbps, 50);
  EXPECT_DOUBLE_EQ(explicit_link.loss, 0.1);
  EXPECT_DOUBLE_EQ(ResolveLinkParams(s, s.links[2]).delay_ms, s.link_defaults.min_delay_ms);
}

TEST(TopologyFromScenario, GraphHasEveryNodeAndLink) {
  const TopologyGraph g = BuildTopology(TwoCities());
  EXPECT_EQ(g.NodeCount(), 4u);
  EXPECT_EQ(g.LinkCount(), 3u);
  EXPECT_EQ(g.Kind(*g.FindNode("nyc")), NodeKind::kClientGroup);
  EXPECT_EQ(g.Kind(*g.FindNode("dns")), NodeKind::kDnsServer);
  EXPECT_EQ(g.Kind(*g.FindNode("lon")), NodeKind::kPop);
  EXPECT_EQ(g.Kind(*g.FindNode("res")), NodeKind::kResolver);
  EXPECT_EQ(g.NodeName(*g.FindNode("nyc")), "nyc");
  EXPECT_DOUBLE_EQ(g.Link(*g.FindLink("lon", "res")).delay_ms, 3) << "explicit delay carried into the graph";
  EXPECT_TRUE(g.Connected());
}

}  // namespace
}  // namespace cdnlab
