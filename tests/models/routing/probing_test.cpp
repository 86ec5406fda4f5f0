// ProbePacket, ProbeResponder and ProbeAgent on the deterministic manual runtime.
#include <gtest/gtest.h>

#include "models/routing/probe_agent.h"
#include "models/routing/probe_packet.h"
#include "models/routing/probe_responder.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using testing::Addr;
using std::chrono::milliseconds;

TEST(ProbePacket, RoundTripsAndPads) {
  ProbePacket p;
  p.kind = ProbePacket::Kind::kReply;
  p.seq = 513;
  p.train_id = 0x0102030405060708ULL;
  p.sent_at_ns = 123456789;
  const Bytes bytes = p.Encode(64);
  EXPECT_EQ(bytes.size(), 64u);
  EXPECT_EQ(bytes[0], 'C');
  EXPECT_EQ(bytes[6], 2);  // seq, big endian
  EXPECT_EQ(bytes[7], 1);
  const auto back = ProbePacket::Decode(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->kind, ProbePacket::Kind::kReply);
  EXPECT_EQ(back->seq, 513);
  EXPECT_EQ(back->train_id, p.train_id);
  EXPECT_EQ(back->sent_at_ns, p.sent_at_ns);
  EXPECT_EQ(p.Encode(3).size(), ProbePacket::kHeaderBytes);
}

TEST(ProbePacket, RejectsMalformedInput) {
  Bytes good = ProbePacket{}.Encode(32);
  EXPECT_FALSE(ProbePacket::Decode(Bytes(good.begin(), good.begin() + 23)).has_value());
  Bytes bad_magic = good;
  bad_magic[0] = 'X';
  EXPECT_FALSE(ProbePacket::Decode(bad_magic).has_value());
  Bytes bad_kind = good;
  bad_kind[4] = 9;
  EXPECT_FALSE(ProbePacket::Decode(bad_kind).has_value());
}

class ProbingTest : public ::testing::Test {
 protected:
  ProbingTest() : responder_(kTarget, runtime_), agent_(4, kLocal, runtime_, runtime_, runtime_) {
    runtime_.SetDelay(kLocal.address, kTarget.address, milliseconds(15));
    responder_.Start();
    agent_.Start();
  }
  ProbeTrainSpec Spec() {
    ProbeTrainSpec s;
    s.group = 2;
    s.target = kTarget;
    s.packets = 5;
    s.spacing = milliseconds(20);
    s.timeout = milliseconds(500);
    s.packet_bytes = 64;
    return s;
  }

  const Endpoint kLocal{Addr(100, 64, 0, 1), 7000};
  const Endpoint kTarget{Addr(10, 1, 0, 1), 7};
  testing::ManualRuntime runtime_;
  ProbeResponder responder_;
  ProbeAgent agent_;
};

TEST_F(ProbingTest, RttIsTwiceTheOneWayDelay) {
  std::optional<ProbeOutcome> out;
  agent_.RunTrain(Spec(), [&](const ProbeOutcome& o) { out = o; });
  runtime_.RunFor(milliseconds(200));
  ASSERT_TRUE(out.has_value()) << "all replies arrived, so the train ends early";
  EXPECT_EQ(out->pop, 4u);
  EXPECT_EQ(out->group, 2u);
  EXPECT_DOUBLE_EQ(*out->rtt_ms, 30.0);
  EXPECT_EQ(out->sent, 5);
  EXPECT_EQ(out->received, 5);
  EXPECT_DOUBLE_EQ(out->loss, 0.0);
  EXPECT_EQ(out->bytes_sent, 320u);
  EXPECT_EQ(out->bytes_received, 320u);
  EXPECT_EQ(out->finished_at, milliseconds(4 * 20 + 30));
  EXPECT_EQ(responder_.Echoed(), 5u);
}

TEST_F(ProbingTest, LossIsCountedAndTheTrainWaitsForTheTimeout) {
  int n = 0;
  runtime_.SetDropRule([&](const Endpoint& from, const Endpoint&, const Bytes&) {
    return from == kLocal && (n++ % 2 == 1);  // drop requests 1 and 3
  });
  std::optional<ProbeOutcome> out;
  agent_.RunTrain(Spec(), [&](const ProbeOutcome& o) { out = o; });
  runtime_.RunFor(milliseconds(579));
  EXPECT_FALSE(out.has_value());
  runtime_.RunFor(milliseconds(1));  // last send at 80 ms + 500 ms timeout
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->received, 3);
  EXPECT_DOUBLE_EQ(out->loss, 0.4);
}

TEST_F(ProbingTest, AllLostGivesNoRtt) {
  runtime_.SetDropRule([](const Endpoint&, const Endpoint&, const Bytes&) { return true; });
  std::optional<ProbeOutcome> out;
  agent_.RunTrain(Spec(), [&](const ProbeOutcome& o) { out = o; });
  runtime_.RunFor(milliseconds(1000));
  ASSERT_TRUE(out.has_value());
  EXPECT_FALSE(out->rtt_ms.has_value());
  EXPECT_DOUBLE_EQ(out->loss, 1.0);
}

TEST_F(ProbingTest, ConcurrentTrainsAreKeptApart) {
  const Endpoint far{Addr(10, 2, 0, 1), 7};
  ProbeResponder far_responder(far, runtime_);
  far_responder.Start();
  runtime_.SetDelay(kLocal.address, far.address, milliseconds(50));
  std::vector<ProbeOutcome> outs;
  ProbeTrainSpec near_spec = Spec();
  ProbeTrainSpec far_spec = Spec();
  far_spec.target = far;
  far_spec.group = 3;
  agent_.RunTrain(near_spec, [&](const ProbeOutcome& o) { outs.push_back(o); });
  agent_.RunTrain(far_spec, [&](const ProbeOutcome& o) { outs.push_back(o); });
  EXPECT_EQ(agent_.TrainsInFlight(), 2u);
  runtime_.RunFor(milliseconds(1000));
  ASSERT_EQ(outs.size(), 2u);
  EXPECT_DOUBLE_EQ(*outs[0].rtt_ms, 30.0);
  EXPECT_DOUBLE_EQ(*outs[1].rtt_ms, 100.0);
  EXPECT_EQ(outs[1].group, 3u);
}

TEST_F(ProbingTest, RepliesFromElsewhereAreIgnored) {
  // Someone else forges a reply for train 1, seq 0, with an old timestamp.
  const Endpoint forger{Addr(10, 9, 0, 1), 7};
  runtime_.Bind(forger, [](const Endpoint&, const Bytes&) {});
  std::optional<ProbeOutcome> out;
  agent_.RunTrain(Spec(), [&](const ProbeOutcome& o) { out = o; });
  ProbePacket fake;
  fake.kind = ProbePacket::Kind::kReply;
  fake.train_id = 1;
  fake.sent_at_ns = 0;
  runtime_.Send(forger, kLocal, fake.Encode(64));
  runtime_.RunFor(milliseconds(1000));
  ASSERT_TRUE(out.has_value());
  EXPECT_DOUBLE_EQ(*out->rtt_ms, 30.0);
}

TEST_F(ProbingTest, StopAbandonsTrainsSilently) {
  bool called = false;
  agent_.RunTrain(Spec(), [&](const ProbeOutcome&) { called = true; });
  runtime_.RunFor(milliseconds(25));
  agent_.Stop();
  runtime_.RunFor(milliseconds(2000));
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace cdnlab
