// The ingest pool's load balancer: both modes spread sessions, a new member takes new streams
// without moving any existing session, a failed member's sessions (and only those) are
// re-routed, and every choice is a pure function of the stream and the member set.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "models/streaming/ingest_balancer.h"

namespace cdnlab {
namespace {

std::string StreamName(int i) { return "stream-" + std::to_string(i); }

std::map<StreamId, std::string> RouteAll(IngestBalancer& balancer, int from, int to) {
  std::map<StreamId, std::string> routed;
  for (int i = from; i < to; ++i) {
    auto ingest = balancer.Route(StreamName(i));
    EXPECT_TRUE(ingest.has_value());
    if (ingest) routed[StreamName(i)] = *ingest;
  }
  return routed;
}

IngestBalancer PoolOf(IngestBalancing mode, int members) {
  IngestBalancer balancer(mode);
  for (int i = 0; i < members; ++i) balancer.AddMember("ingest-" + std::to_string(i));
  return balancer;
}

class BalancerModes : public ::testing::TestWithParam<IngestBalancing> {};

TEST(StableHash64, IsFnv1a64) {
  // Reference values of 64-bit FNV-1a.
  EXPECT_EQ(StableHash64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(StableHash64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(StableHash64("foobar"), 0x85944171f73967e8ULL);
}

TEST_P(BalancerModes, SpreadsAThousandStreamsOverTheMembers) {
  IngestBalancer balancer = PoolOf(GetParam(), 4);
  RouteAll(balancer, 0, 1000);
  const auto load = balancer.SessionsPerMember();
  ASSERT_EQ(load.size(), 4u);
  for (const auto& [member, sessions] : load) {
    // Even share 250. Least load is exact; the ring (128 virtual nodes) within +-25%.
    if (GetParam() == IngestBalancing::kLeastLoad) {
      EXPECT_EQ(sessions, 250u) << member;
    } else {
      EXPECT_GE(sessions, 188u) << member;
      EXPECT_LE(sessions, 312u) << member;
    }
  }
}

TEST_P(BalancerModes, RouteIsStickyAndEndSessionForgets) {
  IngestBalancer balancer = PoolOf(GetParam(), 3);
  const auto first = balancer.Route("news");
  ASSERT_TRUE(first);
  for (int i = 0; i < 50; ++i) RouteAll(balancer, i * 10, i * 10 + 10);  // load changes around it
  EXPECT_EQ(balancer.Route("news"), first);
  EXPECT_EQ(balancer.IngestOf("news"), first);
  balancer.EndSession("news");
  EXPECT_EQ(balancer.IngestOf("news"), std::nullopt);
  EXPECT_EQ(balancer.HealthySessionsMoved(), 0u);
}

TEST_P(BalancerModes, AddingAMemberMovesNoSessionAndTakesNewStreams) {
  IngestBalancer balancer = PoolOf(GetParam(), 3);
  const auto before = RouteAll(balancer, 0, 600);
  balancer.AddMember("ingest-new");
  balancer.AddMember("ingest-new");  // known member: no-op
  EXPECT_EQ(balancer.Members().size(), 4u);

  // Reconnecting publishers of existing streams stay where they are.
  for (const auto& [stream, ingest] : before) {
    EXPECT_EQ(balancer.IngestOf(stream), ingest) << stream;
    EXPECT_EQ(balancer.Route(stream), ingest) << stream;
  }
  const auto after = RouteAll(balancer, 600, 1200);
  std::size_t on_new = 0;
  for (const auto& [stream, ingest] : after) on_new += ingest == "ingest-new";
  if (GetParam() == IngestBalancing::kLeastLoad) {
    // The empty member takes every new stream until it has caught up (200 each before).
    EXPECT_GE(on_new, 200u);
  } else {
    // About a quarter of the new streams hash to the new member.
    EXPECT_GE(on_new, 100u);
    EXPECT_LE(on_new, 200u);
  }
  EXPECT_EQ(balancer.HealthySessionsMoved(), 0u);
}

TEST_P(BalancerModes, FailingAMemberReroutesOnlyItsSessions) {
  IngestBalancer balancer = PoolOf(GetParam(), 4);
  const auto before = RouteAll(balancer, 0, 1000);
  balancer.SetHealthy("ingest-2", false);
  EXPECT_EQ(balancer.HealthyMembers(), (std::vector<std::string>{"ingest-0", "ingest-1", "ingest-3"}));
  EXPECT_EQ(balancer.SessionsPerMember().at("ingest-2"), 0u);

  std::size_t rerouted = 0;
  for (const auto& [stream, ingest] : before) {
    if (ingest == "ingest-2") {
      EXPECT_EQ(balancer.IngestOf(stream), std::nullopt) << stream;  // dropped until it reconnects
      const auto again = balancer.Route(stream);
      ASSERT_TRUE(again);
      EXPECT_NE(*again, "ingest-2");
      ++rerouted;
    } else {
      EXPECT_EQ(balancer.Route(stream), ingest) << stream;
    }
  }
  EXPECT_GT(rerouted, 150u);
  // Recovery does not pull the re-routed sessions back.
  balancer.SetHealthy("ingest-2", true);
  for (const auto& [stream, ingest] : before) {
    if (ingest == "ingest-2") {
      EXPECT_NE(balancer.Route(stream), "ingest-2") << stream;
    }
  }
  EXPECT_EQ(balancer.HealthySessionsMoved(), 0u);
}

TEST_P(BalancerModes, RemovingAMemberDropsItsSessions) {
  IngestBalancer balancer = PoolOf(GetParam(), 3);
  const auto before = RouteAll(balancer, 0, 300);
  balancer.RemoveMember("ingest-1");
  EXPECT_EQ(balancer.Members(), (std::vector<std::string>{"ingest-0", "ingest-2"}));
  EXPECT_EQ(balancer.SessionsPerMember().count("ingest-1"), 0u);
  for (const auto& [stream, ingest] : before) {
    const auto now = balancer.Route(stream);
    ASSERT_TRUE(now);
    if (ingest != "ingest-1") {
      EXPECT_EQ(*now, ingest) << stream;
    } else {
      EXPECT_NE(*now, "ingest-1") << stream;
    }
  }
  EXPECT_EQ(balancer.HealthySessionsMoved(), 0u);
}

TEST_P(BalancerModes, NoHealthyMemberMeansNoRoute) {
  IngestBalancer empty(GetParam());
  EXPECT_EQ(empty.Route("news"), std::nullopt);

  IngestBalancer balancer = PoolOf(GetParam(), 2);
  balancer.SetHealthy("ingest-0", false);
  balancer.SetHealthy("ingest-1", false);
  EXPECT_EQ(balancer.Route("news"), std::nullopt);
  EXPECT_EQ(balancer.IngestOf("news"), std::nullopt);
  balancer.SetHealthy("ingest-1", true);
  EXPECT_EQ(balancer.Route("news"), "ingest-1");
  balancer.SetHealthy("unknown", false);  // no-op
  EXPECT_EQ(balancer.Members().size(), 2u);
}

TEST_P(BalancerModes, ChoicesAreDeterministicAcrossReplicasAndJoinOrder) {
  IngestBalancer a(GetParam());
  IngestBalancer b(GetParam());
  for (const char* m : {"ingest-a", "ingest-b", "ingest-c"}) a.AddMember(m);
  for (const char* m : {"ingest-c", "ingest-a", "ingest-b"}) b.AddMember(m);
  EXPECT_EQ(RouteAll(a, 0, 500), RouteAll(b, 0, 500));
}

TEST_P(BalancerModes, RandomisedChurnNeverMovesAHealthySession) {
  IngestBalancer balancer = PoolOf(GetParam(), 3);
  std::uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  int added = 0;
  for (int step = 0; step < 3000; ++step) {
    const std::string stream = StreamName(static_cast<int>(next() % 400));
    const auto before = balancer.IngestOf(stream);
    switch (next() % 10) {
      case 0: balancer.AddMember("extra-" + std::to_string(added++)); break;
      case 1: {
        const auto members = balancer.Members();
        balancer.SetHealthy(members[next() % members.size()], next() % 2 == 0);
        break;
      }
      case 2: balancer.EndSession(stream); break;
      default: {
        const auto routed = balancer.Route(stream);
        if (before && routed) {
          EXPECT_EQ(*routed, *before) << stream;  // a held session only stays
        }
      }
    }
  }
  EXPECT_EQ(balancer.HealthySessionsMoved(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Modes, BalancerModes,
                         ::testing::Values(IngestBalancing::kConsistentHash, IngestBalancing::kLeastLoad),
                         [](const auto& info) {
                           return info.param == IngestBalancing::kConsistentHash ? "ConsistentHash" : "LeastLoad";
                         });

TEST(IngestBalancerConsistentHash, ChoiceDependsOnlyOnStreamAndMembers) {
  // Routing order and load do not matter for the ring: the same stream lands on the same
  // member in a balancer that saw other streams first.
  IngestBalancer busy = PoolOf(IngestBalancing::kConsistentHash, 4);
  RouteAll(busy, 0, 700);
  IngestBalancer fresh = PoolOf(IngestBalancing::kConsistentHash, 4);
  for (int i = 699; i >= 0; --i) EXPECT_EQ(fresh.Route(StreamName(i)), busy.IngestOf(StreamName(i)));
}

TEST(IngestBalancerConsistentHash, AFailedMembersStreamsGoToTheNextRingOwnerOnly) {
  // Rerouted streams are spread over the survivors (virtual nodes), not piled on one.
  IngestBalancer balancer = PoolOf(IngestBalancing::kConsistentHash, 4);
  const auto before = RouteAll(balancer, 0, 2000);
  balancer.SetHealthy("ingest-0", false);
  std::map<std::string, int> receivers;
  for (const auto& [stream, ingest] : before) {
    if (ingest == "ingest-0") ++receivers[*balancer.Route(stream)];
  }
  ASSERT_EQ(receivers.size(), 3u);
  for (const auto& [member, count] : receivers) EXPECT_GT(count, 60) << member;
}

TEST(IngestBalancerLeastLoad, FewestSessionsWinsTiesByRingOrder) {
  IngestBalancer balancer = PoolOf(IngestBalancing::kLeastLoad, 3);
  // The first stream on an empty pool goes where the ring sends it.
  IngestBalancer ring = PoolOf(IngestBalancing::kConsistentHash, 3);
  EXPECT_EQ(balancer.Route("first"), ring.Route("first"));
  // Three sessions on three members: one each.
  balancer.Route("second");
  balancer.Route("third");
  for (const auto& [member, sessions] : balancer.SessionsPerMember()) EXPECT_EQ(sessions, 1u) << member;
  // Ending a session makes its member the least loaded: the next stream goes there.
  const std::string freed = *balancer.IngestOf("second");
  balancer.EndSession("second");
  EXPECT_EQ(balancer.Route("fourth"), freed);
}

}  // namespace
}  // namespace cdnlab
