// Active health checks of the ingest pool over the test runtime's datagrams: a member whose
// responder goes silent is reported unhealthy after `unhealthy_after` missed probes, healthy
// again after `healthy_after` answered ones; replies slower than the timeout are misses.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "models/streaming/member_health_checker.h"
#include "tests/support/manual_runtime.h"

namespace cdnlab {
namespace {

using testing::ManualRuntime;

Endpoint At(std::uint32_t host, std::uint16_t port = 7100) { return Endpoint{Ipv4Address{0x0A000000u + host}, port}; }

struct ChangeRecord {
  std::string member;
  bool healthy;
  SimTime at;
};

class HealthCheckerTest : public ::testing::Test {
 protected:
  HealthCheckConfig Config() {
    HealthCheckConfig config;
    config.interval = FromMillis(500);
    config.timeout = FromMillis(400);
    config.unhealthy_after = 3;
    config.healthy_after = 2;
    return config;
  }
  std::unique_ptr<MemberHealthChecker> MakeChecker(HealthCheckConfig config) {
    return std::make_unique<MemberHealthChecker>(
        At(1), config, rt_, rt_, rt_,
        [this](const std::string& member, bool healthy) { changes_.push_back({member, healthy, rt_.Now()}); });
  }

  ManualRuntime rt_;
  std::vector<ChangeRecord> changes_;
};

TEST_F(HealthCheckerTest, AnsweringMembersStayHealthyWithoutReports) {
  HealthResponder a(At(2), rt_);
  HealthResponder b(At(3), rt_);
  a.Start();
  b.Start();
  auto checker = MakeChecker(Config());
  checker->AddMember("ingest-a", At(2));
  checker->AddMember("ingest-b", At(3));
  checker->Start();
  rt_.RunFor(FromSeconds(10));
  EXPECT_TRUE(checker->Healthy("ingest-a"));
  EXPECT_TRUE(checker->Healthy("ingest-b"));
  EXPECT_FALSE(checker->Healthy("unknown"));
  EXPECT_TRUE(changes_.empty());
  // 21 rounds (t = 0, 0.5, ..., 10 s) x 2 members; all but the last round answered (its probes
  // reach the responders at 10.01 s): 42 probes + 40 replies.
  EXPECT_EQ(rt_.DatagramsSent(), 82u);
}

TEST_F(HealthCheckerTest, SilentMemberGoesUnhealthyAfterNMissesAndRecoversAfterMAnswers) {
  HealthResponder a(At(2), rt_);
  HealthResponder b(At(3), rt_);
  a.Start();
  b.Start();
  auto checker = MakeChecker(Config());
  checker->AddMember("ingest-a", At(2));
  checker->AddMember("ingest-b", At(3));
  checker->Start();
  rt_.RunUntil(FromMillis(1200));  // rounds at 0, 0.5, 1.0 answered
  b.Stop();                        // ingest-b crashes

  // Probes at 1.5, 2.0, 2.5 s go unanswered; each is a miss at send + 400 ms. The third
  // miss (2.9 s) makes it unhealthy.
  rt_.RunUntil(FromMillis(2899));
  EXPECT_TRUE(checker->Healthy("ingest-b"));
  EXPECT_TRUE(changes_.empty());
  rt_.RunUntil(FromMillis(2900));
  EXPECT_FALSE(checker->Healthy("ingest-b"));
  ASSERT_EQ(changes_.size(), 1u);
  EXPECT_EQ(changes_[0].member, "ingest-b");
  EXPECT_FALSE(changes_[0].healthy);
  EXPECT_EQ(changes_[0].at, FromMillis(2900));
  EXPECT_TRUE(checker->Healthy("ingest-a"));

  // Still probed while unhealthy; back at 5.2 s, answers at 5.5 (+20 ms) and 6.0 s: healthy
  // after the second one.
  rt_.RunUntil(FromMillis(5200));
  b.Start();
  rt_.RunUntil(FromMillis(5600));
  EXPECT_FALSE(checker->Healthy("ingest-b"));
  rt_.RunUntil(FromMillis(6020));
  EXPECT_TRUE(checker->Healthy("ingest-b"));
  ASSERT_EQ(changes_.size(), 2u);
  EXPECT_TRUE(changes_[1].healthy);
  EXPECT_EQ(changes_[1].at, FromMillis(6020));  // reply to the 6.0 s probe, 10 ms each way
}

TEST_F(HealthCheckerTest, IntermittentLossBelowTheThresholdChangesNothing) {
  HealthResponder a(At(2), rt_);
  a.Start();
  auto checker = MakeChecker(Config());
  checker->AddMember("ingest-a", At(2));
  // Drop every other probe: never three misses in a row.
  int probes = 0;
  rt_.SetDropRule([&](const Endpoint&, const Endpoint& to, const Bytes&) { return to == At(2) && probes++ % 2 == 0; });
  checker->Start();
  rt_.RunFor(FromSeconds(20));
  EXPECT_TRUE(checker->Healthy("ingest-a"));
  EXPECT_TRUE(changes_.empty());
}

TEST_F(HealthCheckerTest, RepliesSlowerThanTheTimeoutAreMisses) {
  HealthResponder a(At(2), rt_);
  a.Start();
  auto checker = MakeChecker(Config());
  checker->AddMember("ingest-a", At(2));
  // 210 ms each way: the reply arrives 420 ms after the probe, 20 ms after its timeout.
  rt_.SetDelay(At(1).address, At(2).address, FromMillis(210));
  checker->Start();
  rt_.RunUntil(FromMillis(1400));  // misses at 0.4, 0.9, 1.4 s
  EXPECT_FALSE(checker->Healthy("ingest-a"));
  ASSERT_EQ(changes_.size(), 1u);
  EXPECT_EQ(changes_[0].at, FromMillis(1400));

  // Faster than the timeout again: 190 ms each way answers in 380 ms.
  rt_.SetDelay(At(1).address, At(2).address, FromMillis(190));
  rt_.RunUntil(FromMillis(2500));  // probes at 1.5 and 2.0 s answered at 1.88 and 2.38 s
  EXPECT_TRUE(checker->Healthy("ingest-a"));
  ASSERT_EQ(changes_.size(), 2u);
  EXPECT_EQ(changes_[1].at, FromMillis(2380));
}

TEST_F(HealthCheckerTest, TimeoutLongerThanTheIntervalSettlesAtTheNextRound) {
  HealthCheckConfig config = Config();
  config.timeout = FromSeconds(5);  // no longer than the interval in effect
  config.unhealthy_after = 2;
  auto checker = MakeChecker(config);
  checker->AddMember("ingest-a", At(2));  // nobody answers
  checker->Start();
  rt_.RunUntil(FromMillis(1000));  // probe 0 missed at 0.5 s (its round), probe 1 at 1.0 s
  EXPECT_FALSE(checker->Healthy("ingest-a"));
  ASSERT_EQ(changes_.size(), 1u);
  EXPECT_EQ(changes_[0].at, FromMillis(1000));
}

TEST_F(HealthCheckerTest, RepliesFromTheWrongEndpointOrGarbageAreIgnored) {
  auto checker = MakeChecker(Config());
  checker->AddMember("ingest-a", At(2));
  // A forger at At(9) echoes every probe it sees (by snooping the drop rule) from its own
  // endpoint, and At(2) itself only sends garbage.
  rt_.Bind(At(9), [](const Endpoint&, const Bytes&) {});
  rt_.Bind(At(2), [this](const Endpoint& from, const Bytes& payload) {
    Bytes forged = payload;
    forged[4] = 2;  // the reply kind
    rt_.Send(At(9), from, forged);
    rt_.Send(At(2), from, Bytes{'h', 'i'});
    Bytes wrong_kind = payload;  // a probe sent back, not a reply
    rt_.Send(At(2), from, wrong_kind);
  });
  checker->Start();
  rt_.RunUntil(FromMillis(1400));
  EXPECT_FALSE(checker->Healthy("ingest-a"));
}

TEST_F(HealthCheckerTest, StopCancelsTimersAndTheDestructorStops) {
  HealthResponder a(At(2), rt_);
  a.Start();
  {
    auto checker = MakeChecker(Config());
    checker->AddMember("ingest-a", At(2));
    checker->AddMember("ingest-b", At(3));
    checker->Start();
    rt_.RunFor(FromMillis(100));
    EXPECT_GT(rt_.PendingEvents(), 0u);
    checker->Stop();
    rt_.RunFor(FromSeconds(5));  // the reply of the last probe may still be delivered (to nobody)
    EXPECT_EQ(rt_.PendingEvents(), 0u);
    EXPECT_TRUE(changes_.empty());
    checker->Start();  // restartable: binds again
    rt_.RunFor(FromMillis(100));
  }  // destroyed while running
  rt_.RunFor(FromSeconds(5));
  EXPECT_EQ(rt_.PendingEvents(), 0u);
  EXPECT_TRUE(changes_.empty());
}

TEST_F(HealthCheckerTest, CallbackMayRemoveMembersAndRemovedMembersAreNotProbed) {
  // The pool removes a member as soon as it is reported unhealthy, from inside the callback.
  std::vector<std::string> gone;
  MemberHealthChecker* self = nullptr;
  auto pool = std::make_unique<MemberHealthChecker>(At(1), Config(), rt_, rt_, rt_,
                                                    [&](const std::string& member, bool healthy) {
                                                      if (!healthy) {
                                                        gone.push_back(member);
                                                        self->RemoveMember(member);
                                                      }
                                                    });
  self = pool.get();
  pool->AddMember("ingest-a", At(2));  // nobody answers either
  pool->AddMember("ingest-b", At(3));
  pool->Start();
  rt_.RunFor(FromSeconds(3));
  EXPECT_EQ(gone, (std::vector<std::string>{"ingest-a", "ingest-b"}));
  EXPECT_FALSE(pool->Healthy("ingest-a"));
  const auto sent = rt_.DatagramsSent();
  rt_.RunFor(FromSeconds(3));
  EXPECT_EQ(rt_.DatagramsSent(), sent);  // nobody left to probe
}

TEST(HealthResponder, EchoesProbesOnlyWhileRunning) {
  ManualRuntime rt;
  std::vector<Bytes> replies;
  rt.Bind(At(1), [&](const Endpoint&, const Bytes& payload) { replies.push_back(payload); });
  HealthResponder responder(At(2), rt);
  const Bytes probe{'C', 'L', 'H', 'C', 1, 0, 0, 0, 0, 0, 0, 0, 42};
  rt.Send(At(1), At(2), probe);
  rt.RunFor(FromMillis(100));
  EXPECT_TRUE(replies.empty());  // not started
  responder.Start();
  rt.Send(At(1), At(2), probe);
  rt.Send(At(1), At(2), Bytes{1, 2, 3});  // not a probe
  rt.RunFor(FromMillis(100));
  ASSERT_EQ(replies.size(), 1u);
  Bytes expected = probe;
  expected[4] = 2;
  EXPECT_EQ(replies[0], expected);
  responder.Stop();
  rt.Send(At(1), At(2), probe);
  rt.RunFor(FromMillis(100));
  EXPECT_EQ(replies.size(), 1u);
}

}  // namespace
}  // namespace cdnlab
