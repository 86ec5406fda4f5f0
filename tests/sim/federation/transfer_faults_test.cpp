// Fault injection for the federation's transport (ReliableChannel under FederationMessenger),
// on the deterministic test runtime with FaultyDatagramTransport in front of it. Each error a
// real network or host produces ends in a retry or in an outcome (channel level) and in a
// status resource with a visible error (command level); nothing stalls, nothing grows
// without bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "models/core/seeded_random_source.h"
#include "models/federation/metric_names.h"
#include "models/federation/reliable_channel.h"
#include "sim/federation/faulty_transport.h"
#include "tests/support/federation_testbed.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"

namespace cdnlab {
namespace {

namespace fm = federation_metrics;
using testing::FederationTestbed;
using testing::ManualRuntime;
constexpr auto kSecond = std::chrono::seconds(1);

Endpoint At(std::uint32_t host) { return Endpoint{Ipv4Address{0x0A000000u + host}, 7000}; }

Bytes Pattern(std::size_t n) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 131 + i / 977) & 0xFF);
  return b;
}

// Two channels, sender at host 1 and receiver at host 2, over runtime -> faulty transport.
class TransferFaults : public ::testing::Test {
 protected:
  explicit TransferFaults(TransferLimits limits = {}) : limits_(limits) {
    runtime_.SetDefaultDelay(std::chrono::milliseconds(5));
    sender_ = std::make_unique<ReliableChannel>(faulty_, runtime_, runtime_, sender_random_, metrics_, limits_);
    sender_->Bind(At(1), [](const Endpoint&, const Bytes&) {});
    StartReceiver();
  }
  void StartReceiver() {
    receiver_ = std::make_unique<ReliableChannel>(faulty_, runtime_, runtime_, receiver_random_, metrics_, limits_);
    receiver_->Bind(At(2), [this](const Endpoint& from, const Bytes& m) {
      EXPECT_EQ(from, At(1));
      received_.push_back(m);
    });
  }
  void Send(Bytes message) {
    sender_->Send(At(1), At(2), std::move(message), [this](const DeliveryOutcome& o) { outcomes_.push_back(o); });
  }

  TransferLimits limits_;
  ManualRuntime runtime_;
  FaultyDatagramTransport faulty_{runtime_};
  testing::RecordingMetricsSink metrics_;
  SeededRandomSource sender_random_{1}, receiver_random_{2};
  std::unique_ptr<ReliableChannel> sender_, receiver_;
  std::vector<Bytes> received_;
  std::vector<DeliveryOutcome> outcomes_;
};

TEST_F(TransferFaults, AMegabyteCrossesALossyLinkIntactAndOnce) {
  SeededRandomSource loss{7};
  runtime_.SetDropRule([&](const Endpoint&, const Endpoint&, const Bytes&) { return loss.Uniform01() < 0.2; });
  const Bytes message = Pattern(1 << 20);
  Send(message);
  runtime_.RunFor(60 * kSecond);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_TRUE(outcomes_[0].Delivered()) << outcomes_[0].detail;
  ASSERT_EQ(received_.size(), 1u);
  EXPECT_TRUE(received_[0] == message);
  EXPECT_GT(metrics_.Counter(fm::kFragmentsRetransmitted), 0);
  EXPECT_EQ(receiver_->Inbound().ReservedBytes(), 0u) << "the buffer is released once delivered";
  EXPECT_EQ(sender_->OutboundBytes(), 0u);
}

TEST_F(TransferFaults, DuplicatedDatagramsDeliverOnce) {
  // Every datagram arrives twice (a duplicating path), and the whole message is sent again
  // by the transport's own retransmissions: the receiver hands it on once.
  bool replaying = false;
  runtime_.SetDropRule([&](const Endpoint& from, const Endpoint& to, const Bytes& p) {
    if (replaying) return false;
    runtime_.ScheduleAfter(std::chrono::milliseconds(7), [&, from, to, p] {
      replaying = true;
      runtime_.Send(from, to, p);
      replaying = false;
    });
    return false;
  });
  Send(Pattern(50000));
  runtime_.RunFor(5 * kSecond);
  EXPECT_EQ(received_.size(), 1u);
  EXPECT_GT(metrics_.Counter(fm::kDuplicateFragments), 0);
}

TEST_F(TransferFaults, DatagramTooLargeForThePathFailsAtOnceAndIsNotRetryable) {
  faulty_.SetMaxDatagramBytes(1000);  // the path takes less than one 1200-byte fragment
  Send(Pattern(5000));
  runtime_.RunFor(kSecond);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].failure, DeliveryFailure::kDatagramTooLarge);
  EXPECT_FALSE(outcomes_[0].Retryable());
  EXPECT_NE(outcomes_[0].detail.find("EMSGSIZE"), std::string::npos) << outcomes_[0].detail;
  EXPECT_EQ(metrics_.Counter(fm::kTransportErrors), 4) << "one per full fragment; the 200-byte last one fits";
}

TEST_F(TransferFaults, ConnectionRefusedFailsFastAndIsRetryable) {
  faulty_.Refuse(At(2), true);
  Send(Pattern(3000));
  runtime_.RunFor(kSecond);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].failure, DeliveryFailure::kRefused);
  EXPECT_TRUE(outcomes_[0].Retryable());
  EXPECT_NE(outcomes_[0].detail.find("ECONNREFUSED"), std::string::npos) << outcomes_[0].detail;
  faulty_.Refuse(At(2), false);
  Send(Pattern(3000));
  runtime_.RunFor(kSecond);
  ASSERT_EQ(outcomes_.size(), 2u);
  EXPECT_TRUE(outcomes_[1].Delivered()) << "the peer came back: the retry goes through";
}

TEST_F(TransferFaults, AReceiverThatRestartsMidTransferGetsTheWholeMessage) {
  const Bytes message = Pattern(300000);  // 250 fragments: several windows
  Send(message);
  runtime_.RunFor(std::chrono::milliseconds(12));  // part of the first window arrived
  receiver_.reset();                               // the agent dies with its reassembly state
  runtime_.RunFor(std::chrono::milliseconds(500));
  StartReceiver();                                 // and comes back on the same port
  runtime_.RunFor(20 * kSecond);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_TRUE(outcomes_[0].Delivered()) << outcomes_[0].detail;
  ASSERT_EQ(received_.size(), 1u);
  EXPECT_TRUE(received_[0] == message);
  EXPECT_GE(metrics_.Counter(fm::kPeerResets), 1);
}

TEST_F(TransferFaults, ASlowPeerIsWaitedForAndASilentOneGivenUp) {
  // Acks take 1.5 s: the sender retransmits on its timeout, and still gets through.
  runtime_.SetDelay(At(1).address, At(2).address, std::chrono::milliseconds(750));
  Send(Pattern(20000));
  runtime_.RunFor(30 * kSecond);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_TRUE(outcomes_[0].Delivered()) << outcomes_[0].detail;
  EXPECT_GT(metrics_.Counter(fm::kFragmentsRetransmitted), 0);
  EXPECT_EQ(received_.size(), 1u);

  // A peer that never acknowledges: retransmissions back off, then the sender gives up.
  faulty_.Silence(At(2), true);
  Send(Pattern(20000));
  runtime_.RunFor(30 * kSecond);
  ASSERT_EQ(outcomes_.size(), 2u);
  EXPECT_EQ(outcomes_[1].failure, DeliveryFailure::kTimeout);
  EXPECT_TRUE(outcomes_[1].Retryable());
  EXPECT_NE(outcomes_[1].detail.find("no acknowledgement from"), std::string::npos) << outcomes_[1].detail;
  EXPECT_EQ(sender_->OutboundMessages(), 0u);
}

TEST_F(TransferFaults, AFullQueueFailsVisiblyAndFreesAsMessagesLeave) {
  TransferLimits small;
  small.max_outbound_messages = 2;
  small.max_active_transfers = 1;
  sender_ = std::make_unique<ReliableChannel>(faulty_, runtime_, runtime_, sender_random_, metrics_, small);
  sender_->Bind(At(1), [](const Endpoint&, const Bytes&) {});
  for (int i = 0; i < 3; ++i) Send(Pattern(10000));
  EXPECT_TRUE(outcomes_.empty()) << "never inside Send()";
  runtime_.RunFor(5 * kSecond);
  ASSERT_EQ(outcomes_.size(), 3u);
  const auto full = std::count_if(outcomes_.begin(), outcomes_.end(),
                                  [](const DeliveryOutcome& o) { return o.failure == DeliveryFailure::kQueueFull; });
  EXPECT_EQ(full, 1);
  EXPECT_EQ(received_.size(), 2u);
  Send(Pattern(10000));
  runtime_.RunFor(5 * kSecond);
  EXPECT_TRUE(outcomes_.back().Delivered()) << "the queue drained";
}

class BoundedReassembly : public TransferFaults {
 protected:
  static TransferLimits Limits() {
    TransferLimits l;
    l.max_message_bytes = 200000;
    l.max_reassembly_bytes_per_peer = 150000;
    l.max_reassembly_bytes_total = 250000;
    l.reassembly_timeout = FromSeconds(3);
    return l;
  }
  BoundedReassembly() : TransferFaults(Limits()) {}
};

TEST_F(BoundedReassembly, MessagesBeyondTheBudgetsAreRefusedAndCounted) {
  TransferLimits unlimited;  // the sender would send anything
  sender_ = std::make_unique<ReliableChannel>(faulty_, runtime_, runtime_, sender_random_, metrics_, unlimited);
  sender_->Bind(At(1), [](const Endpoint&, const Bytes&) {});
  Send(Pattern(300000));  // over the receiver's message limit
  runtime_.RunFor(kSecond);
  ASSERT_EQ(outcomes_.size(), 1u);
  EXPECT_EQ(outcomes_[0].failure, DeliveryFailure::kMessageTooLarge);
  // Two 100 KB messages at once from one peer: the second does not fit its 150 KB budget.
  runtime_.SetDropRule([](const Endpoint& from, const Endpoint&, const Bytes& p) {
    // Hold the first message incomplete: lose its last fragment for now.
    const auto d = DecodeTransferDatagram(p);
    const auto* f = d ? std::get_if<DataFragment>(&*d) : nullptr;
    return from == At(1) && f && f->index == f->FragmentCount() - 1;
  });
  Send(Pattern(100000));
  runtime_.RunFor(std::chrono::milliseconds(100));
  EXPECT_EQ(receiver_->Inbound().ReservedBytes(At(1)), 100000u);
  Send(Pattern(100000));
  runtime_.RunFor(std::chrono::milliseconds(100));
  ASSERT_EQ(outcomes_.size(), 2u);
  EXPECT_EQ(outcomes_[1].failure, DeliveryFailure::kReceiverFull);
  EXPECT_TRUE(outcomes_[1].Retryable());
  EXPECT_GE(metrics_.Counter(fm::kReassemblyRefused), 2) << "counted per refused fragment";
  EXPECT_LE(receiver_->Inbound().ReservedBytes(), 250000u);
  // The incomplete message is dropped once idle past the timeout, and its memory freed.
  runtime_.RunFor(20 * kSecond);
  EXPECT_EQ(receiver_->Inbound().ReservedBytes(), 0u);
  EXPECT_GE(metrics_.Counter(fm::kReassemblyExpired), 1);
  EXPECT_EQ(outcomes_.size(), 3u);
  EXPECT_EQ(outcomes_[2].failure, DeliveryFailure::kTimeout);
}

// --- command level: the status resource shows the transport's error ---

std::string AllErrors(const CommandRecord& r) {
  std::string out;
  for (const auto& e : r.status.Errors()) out += ToString(e.code) + ": " + e.description + "\n";
  return out;
}

TriggerCommand ManyUrls(int n) {
  std::vector<std::string> urls;
  for (int i = 0; i < n; ++i) urls.push_back("https://news.example/a/very/long/path/object-" + std::to_string(i) + ".html");
  return FederationTestbed::Trigger(TriggerType::kPurge, urls);
}

struct FaultyBed {
  explicit FaultyBed(TransferLimits limits = {})
      : bed({}, limits, [this](ManualRuntime& r) -> DatagramTransport& {
          faulty = std::make_unique<FaultyDatagramTransport>(r);
          return *faulty;
        }) {}
  Endpoint Of(const std::string& node) { return *bed.directory.EndpointOf(node); }
  std::unique_ptr<FaultyDatagramTransport> faulty;
  FederationTestbed bed;
};

TEST(TransferFaultsCommand, A1300UrlTriggerCompletesOnEveryServer) {
  FaultyBed f;
  const std::string id = f.bed.Gateway("cdn-a").Submit("cp-news", "r1", ManyUrls(1300));
  f.bed.runtime.RunFor(60 * kSecond);
  const CommandRecord& r = f.bed.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kComplete) << AllErrors(r);
  EXPECT_EQ(r.TargetedServers(), r.AcknowledgedServers());
  EXPECT_EQ(r.TargetedServers().size(), 7u);
}

TEST(TransferFaultsCommand, TooLargeForTheTransportFailsAtOnceWithItsReason) {
  TransferLimits limits;
  limits.max_message_bytes = 20000;
  FaultyBed f(limits);
  const std::string id = f.bed.Gateway("cdn-a").Submit("cp-news", "r1", ManyUrls(1300));
  f.bed.runtime.RunFor(5 * kSecond);  // well inside the retry budget: no retry can help
  const CommandRecord& r = f.bed.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kFailed) << AllErrors(r);
  ASSERT_FALSE(r.status.Errors().empty());
  EXPECT_EQ(r.status.Errors()[0].code, TriggerErrorCode::kEcdn);
  EXPECT_NE(AllErrors(r).find("over the limit of 20000 bytes"), std::string::npos) << AllErrors(r);
}

TEST(TransferFaultsCommand, EmsgsizeOnThePathFailsWithItsReason) {
  FaultyBed f;
  f.faulty->SetMaxDatagramBytes(1000);  // less than one full fragment
  const std::string id = f.bed.Gateway("cdn-a").Submit("cp-news", "r1", ManyUrls(100));
  f.bed.runtime.RunFor(5 * kSecond);
  const CommandRecord& r = f.bed.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kFailed) << AllErrors(r);
  EXPECT_NE(AllErrors(r).find("EMSGSIZE"), std::string::npos) << AllErrors(r);
}

TEST(TransferFaultsCommand, RefusedServersAreRetriedThenReportedWithTheError) {
  FaultyBed f;
  f.faulty->Refuse(f.Of("a-e1"), true);
  f.faulty->Refuse(f.Of("b-e1"), true);
  const std::string id = f.bed.Gateway("cdn-a").Submit("cp-news", "r1", ManyUrls(100));
  f.bed.runtime.RunFor(5 * kSecond);
  EXPECT_EQ(f.bed.Record("cdn-a", id).status.Status(), TriggerStatus::kActive) << "retrying";
  // b-e1 comes back within the budget; a-e1 never does.
  f.faulty->Refuse(f.Of("b-e1"), false);
  f.bed.runtime.RunFor(300 * kSecond);
  const CommandRecord& r = f.bed.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kProcessed) << AllErrors(r);
  ASSERT_EQ(r.status.Errors().size(), 1u) << AllErrors(r);
  EXPECT_EQ(r.status.Errors()[0].server_ids, std::vector<std::string>{"a-e1"});
  EXPECT_NE(r.status.Errors()[0].description.find("ECONNREFUSED"), std::string::npos) << AllErrors(r);
  EXPECT_GT(f.bed.metrics.Counter(fm::kRetries), 3);
}

TEST(TransferFaultsCommand, ASilentServerEndsInEcdnWithTheTimeout) {
  FaultyBed f;
  f.faulty->Silence(f.Of("a-e2"), true);
  const std::string id = f.bed.Gateway("cdn-a").Submit("cp-news", "r1", ManyUrls(100));
  f.bed.runtime.RunFor(300 * kSecond);
  const CommandRecord& r = f.bed.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kProcessed) << AllErrors(r);
  ASSERT_EQ(r.status.Errors().size(), 1u) << AllErrors(r);
  EXPECT_EQ(r.status.Errors()[0].server_ids, std::vector<std::string>{"a-e2"});
  EXPECT_NE(r.status.Errors()[0].description.find("no acknowledgement from"), std::string::npos) << AllErrors(r);
}

TEST(TransferFaultsCommand, AFullSendQueueIsRetriedOrReportedNeverLost) {
  TransferLimits limits;
  limits.max_outbound_messages = 2;  // per sending node: the gateway's fan-out overflows it
  FaultyBed f(limits);
  const std::string id = f.bed.Gateway("cdn-a").Submit("cp-news", "r1", ManyUrls(300));
  f.bed.runtime.RunFor(600 * kSecond);
  const CommandRecord& r = f.bed.Record("cdn-a", id);
  EXPECT_TRUE(r.status.Final()) << "never left active";
  EXPECT_GT(f.bed.metrics.Counter(fm::kDeliveryFailures), 0) << "sends met a full queue";
  if (r.status.Status() != TriggerStatus::kComplete) {
    EXPECT_NE(AllErrors(r).find("send queue full"), std::string::npos) << AllErrors(r);
  } else {
    EXPECT_EQ(r.TargetedServers(), r.AcknowledgedServers());
  }
}

}  // namespace
}  // namespace cdnlab
