// The network lower bound on a command's completion follows the gateways' protocol:
// local tiers in sequence, then downstream platforms in parallel, recursively.
#include <gtest/gtest.h>

#include "models/federation/completion_bound.h"
#include "tests/support/federation_testbed.h"

namespace cdnlab {
namespace {

TEST(CompletionLowerBound, TiersAddUpAndDownstreamsRunInParallel) {
  testing::FederationTestbed f;
  // 1 ms between any two nodes, except a slow edge on cdn-a and a far cdn-c gateway.
  const NodeLatency latency = [](const std::string& a, const std::string& b) {
    if (a == "a-e2" || b == "a-e2") return FromMillis(7);
    if ((a == "cdn-b-gw" && b == "cdn-c-gw") || (a == "cdn-c-gw" && b == "cdn-b-gw")) return FromMillis(50);
    return FromMillis(1);
  };
  const ServerNode node = [](const std::string& s) { return s; };
  // cdn-c alone: parent tier 2 ms + edge tier 2 ms.
  EXPECT_EQ(CompletionLowerBound(f.catalog, "cdn-c", {"news"}, latency, node), FromMillis(4));
  // cdn-b: own tiers 4 ms, then c: 50 + 4 + 50.
  EXPECT_EQ(CompletionLowerBound(f.catalog, "cdn-b", {"news"}, latency, node), FromMillis(4 + 104));
  // cdn-a: parent 2 ms + slowest edge (a-e2) 14 ms, then b: 1 + 108 + 1.
  EXPECT_EQ(CompletionLowerBound(f.catalog, "cdn-a", {"news"}, latency, node), FromMillis(16 + 110));
  // video never reaches cdn-c: a's tiers (2 + 2) then b (1 + 4 + 1).
  EXPECT_EQ(CompletionLowerBound(f.catalog, "cdn-a", {"video"}, latency, node), FromMillis(4 + 6));
  EXPECT_EQ(CompletionLowerBound(f.catalog, "cdn-a", {}, latency, node), Duration::zero());
}

}  // namespace
}  // namespace cdnlab
