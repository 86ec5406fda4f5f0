#include "models/topology/graph.h"

#include <cmath>

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

TopologyGraph Square() {
  // a - b - d is 2 + 2 ms; a - c - d is 1 + 5 ms.
  TopologyGraph g;
  for (const char* n : {"a", "b", "c", "d"}) g.AddNode(n, NodeKind::kRouter, {});
  g.AddLink("a", "b", {2, 100, 0});
  g.AddLink("b", "d", {2, 100, 0});
  g.AddLink("a", "c", {1, 100, 0});
  g.AddLink("c", "d", {5, 100, 0});
  return g;
}

TEST(TopologyGraph, ShortestPathsByDelay) {
  const TopologyGraph g = Square();
  const auto lat = g.LatenciesFromMs(*g.FindNode("a"));
  EXPECT_DOUBLE_EQ(lat[*g.FindNode("d")], 4);
  EXPECT_DOUBLE_EQ(lat[*g.FindNode("c")], 1);
  const auto path = g.ShortestPathLinks(*g.FindNode("a"), *g.FindNode("d"));
  ASSERT_EQ(path.size(), 2u);
  EXPECT_EQ(path[0], *g.FindLink("a", "b"));
  EXPECT_EQ(path[1], *g.FindLink("d", "b"));
}

TEST(TopologyGraph, ChangingADelayReroutes) {
  TopologyGraph g = Square();
  g.SetLinkParams(*g.FindLink("b", "d"), {10, 100, 0});
  EXPECT_DOUBLE_EQ(g.LatenciesFromMs(*g.FindNode("a"))[*g.FindNode("d")], 6);
  EXPECT_DOUBLE_EQ(g.Link(*g.FindLink("b", "d")).delay_ms, 10);
}

TEST(TopologyGraph, RejectsBadLinksAndReportsIslands) {
  TopologyGraph g = Square();
  EXPECT_THROW(g.AddLink("a", "zz", {}), std::invalid_argument);
  EXPECT_THROW(g.AddLink("a", "a", {}), std::invalid_argument);
  EXPECT_THROW(g.AddLink("b", "a", {}), std::invalid_argument);
  EXPECT_THROW(g.AddNode("a", NodeKind::kPop, {}), std::invalid_argument);
  EXPECT_TRUE(g.Connected());
  g.AddNode("island", NodeKind::kClientGroup, {});
  EXPECT_FALSE(g.Connected());
  EXPECT_TRUE(std::isinf(g.LatenciesFromMs(*g.FindNode("a"))[*g.FindNode("island")]));
}

}  // namespace
}  // namespace cdnlab
