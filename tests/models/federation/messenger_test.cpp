// Signed federation messages over the test runtime's datagrams: a valid message is delivered
// with its sending node; forged, misaddressed, unknown, oversized or garbage messages are
// dropped and counted by reason, never handed to the model. Messages travel as fragments of
// the reliable channel (reliable_channel_test.cpp covers the channel itself).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/core/seeded_random_source.h"
#include "models/federation/codec.h"
#include "models/federation/fragment.h"
#include "models/federation/messenger.h"
#include "models/federation/metric_names.h"
#include "tests/support/manual_runtime.h"

namespace cdnlab {
namespace {

namespace fm = federation_metrics;
using testing::ManualRuntime;

// Counters keyed by name and labels ("federation.rejected_messages{reason=bad_signature}").
class LabelledSink final : public MetricsSink {
 public:
  void Count(std::string_view name, double delta, const MetricLabels& labels) override {
    std::string key(name);
    if (!labels.empty()) {
      key += "{";
      for (std::size_t i = 0; i < labels.size(); ++i) key += (i ? "," : "") + labels[i].first + "=" + labels[i].second;
      key += "}";
    }
    counters[key] += delta;
  }
  void Sample(std::string_view, SimTime, double, const MetricLabels&) override {}
  double Get(const std::string& key) const {
    auto it = counters.find(key);
    return it == counters.end() ? 0 : it->second;
  }
  double Rejected(const std::string& reason) const {
    return Get(std::string(fm::kRejectedMessages) + "{reason=" + reason + "}");
  }
  double TotalRejected() const {
    double total = 0;
    for (const auto& [key, value] : counters) {
      if (key.rfind(fm::kRejectedMessages, 0) == 0) total += value;
    }
    return total;
  }
  std::map<std::string, double> counters;
};

Endpoint At(std::uint32_t host, std::uint16_t port = 7000) { return Endpoint{Ipv4Address{0x0A000000u + host}, port}; }

struct Received {
  std::string from_node;
  FederationMessage message;
};

class FederationMessengerTest : public ::testing::Test {
 protected:
  FederationMessengerTest() {
    all_.AddParticipant("cdn-a", "secret-of-cdn-a-0123456789");
    all_.AddParticipant("cdn-b", "secret-of-cdn-b-0123456789");
    a_ = all_.OnlyPrivateKeyOf("cdn-a");
    b_ = all_.OnlyPrivateKeyOf("cdn-b");
    directory_.Add("a-gw", At(1), "cdn-a");
    directory_.Add("b-gw", At(2), "cdn-b");
    directory_.Add("b-agent", At(3), "cdn-b");
    directory_.Add("x-gw", At(4), "cdn-x");  // a participant nobody holds a key for
    b_messenger_.Listen("b-gw", [this](const std::string& from, const FederationMessage& m) {
      received_.push_back({from, m});
    });
  }

  // Sends `text` to b-gw as one whole message (a single fragment), as if from `from`.
  void Inject(const std::string& text, Endpoint from = At(1)) {
    DataFragment f;
    f.message_id = next_injected_id_++;
    f.message_bytes = static_cast<std::uint32_t>(text.size());
    f.fragment_bytes = std::max<std::uint32_t>(f.message_bytes, 1);
    f.payload.assign(text.begin(), text.end());
    runtime_.Send(from, At(2), EncodeTransferDatagram(f));
    runtime_.RunFor(std::chrono::seconds(1));
  }

  // A correctly formed envelope, signed by `signer` from `identity` over exactly these fields.
  static std::string Envelope(const FederationIdentity& identity, const std::string& signer, const std::string& from,
                              const std::string& node, const std::string& to, const std::string& body) {
    nlohmann::ordered_json e;
    e["from"] = from;
    e["node"] = node;
    e["to"] = to;
    e["body"] = body;
    e["sig"] = identity.Sign(signer, from + "\n" + node + "\n" + to + "\n" + body).value_or("");
    return e.dump();
  }

  ManualRuntime runtime_;
  FederationIdentity all_, a_, b_;
  FederationDirectory directory_;
  LabelledSink metrics_;
  SeededRandomSource a_random_{1}, b_random_{2};
  FederationMessenger a_messenger_{runtime_, runtime_, runtime_, a_random_, a_, directory_, metrics_};
  FederationMessenger b_messenger_{runtime_, runtime_, runtime_, b_random_, b_, directory_, metrics_};
  std::uint64_t next_injected_id_ = 1;
  std::vector<Received> received_;
  const std::string cancel_body_ = EncodeFederationMessage(CancelTrigger{"cdn-a/1>cdn-b"});
};

TEST_F(FederationMessengerTest, ValidMessageIsDeliveredWithItsNode) {
  TriggerCommand command;
  command.trigger.type = TriggerType::kPurge;
  command.trigger.content_urls = {"https://www.cp1.example/a"};
  command.cdn_path = {"cdn-a"};
  ASSERT_TRUE(a_messenger_.Send("a-gw", "b-gw", SubmitTrigger{"cdn-a/1>cdn-b", command}));
  EXPECT_TRUE(received_.empty()) << "delivery takes the link's delay";
  runtime_.RunFor(std::chrono::seconds(1));
  ASSERT_EQ(received_.size(), 1u);
  EXPECT_EQ(received_[0].from_node, "a-gw");
  const auto& submit = std::get<SubmitTrigger>(received_[0].message);
  EXPECT_EQ(submit.request_id, "cdn-a/1>cdn-b");
  EXPECT_EQ(submit.command.trigger.content_urls, command.trigger.content_urls);
  EXPECT_EQ(metrics_.Get(std::string(fm::kMessagesSent) + "{kind=submit}"), 1);
  EXPECT_EQ(metrics_.Get(std::string(fm::kMessagesReceived) + "{kind=submit}"), 1);
  EXPECT_EQ(metrics_.TotalRejected(), 0);
}

TEST_F(FederationMessengerTest, EnvelopeHasTheDocumentedShape) {
  Bytes captured;
  runtime_.SetDropRule([&](const Endpoint&, const Endpoint&, const Bytes& p) {
    if (captured.empty()) captured = std::get<DataFragment>(*DecodeTransferDatagram(p)).payload;
    return false;
  });
  ASSERT_TRUE(a_messenger_.Send("a-gw", "b-gw", CancelTrigger{"cdn-a/1>cdn-b"}));
  const auto envelope = nlohmann::json::parse(captured.begin(), captured.end());
  EXPECT_EQ(envelope["from"], "cdn-a");
  EXPECT_EQ(envelope["node"], "a-gw");
  EXPECT_EQ(envelope["to"], "b-gw");
  EXPECT_EQ(envelope["body"], cancel_body_);
  EXPECT_TRUE(all_.Verify("cdn-a", "cdn-a\na-gw\nb-gw\n" + cancel_body_, envelope["sig"].get<std::string>()));
  EXPECT_EQ(std::string(captured.begin(), captured.end()),
            Envelope(all_, "cdn-a", "cdn-a", "a-gw", "b-gw", cancel_body_));
}

TEST_F(FederationMessengerTest, ValidInjectedEnvelopeIsAccepted) {
  Inject(Envelope(all_, "cdn-a", "cdn-a", "a-gw", "b-gw", cancel_body_));
  ASSERT_EQ(received_.size(), 1u) << "the test's own envelope builder matches the messenger";
  EXPECT_EQ(std::get<CancelTrigger>(received_[0].message).request_id, "cdn-a/1>cdn-b");
}

TEST_F(FederationMessengerTest, ForgedSignaturesAreDropped) {
  // Body changed after signing.
  std::string e = Envelope(all_, "cdn-a", "cdn-a", "a-gw", "b-gw", cancel_body_);
  e.replace(e.find("cdn-a/1"), 7, "cdn-a/2");
  Inject(e);
  // Signed by cdn-b's key while claiming to be cdn-a.
  Inject(Envelope(all_, "cdn-b", "cdn-a", "a-gw", "b-gw", cancel_body_));
  // A signature that is not hex at all.
  nlohmann::json garbage_sig = nlohmann::json::parse(Envelope(all_, "cdn-a", "cdn-a", "a-gw", "b-gw", cancel_body_));
  garbage_sig["sig"] = "not-hex";
  Inject(garbage_sig.dump());
  // A valid signature moved onto a different destination node.
  nlohmann::json moved = nlohmann::json::parse(Envelope(all_, "cdn-a", "cdn-a", "a-gw", "b-agent", cancel_body_));
  moved["to"] = "b-gw";
  Inject(moved.dump());
  EXPECT_TRUE(received_.empty());
  EXPECT_EQ(metrics_.Rejected("bad_signature"), 4);
}

TEST_F(FederationMessengerTest, ParticipantMustSpeakForTheSendingNode) {
  // cdn-a, with its own valid key, claims to send from cdn-b's node.
  Inject(Envelope(all_, "cdn-a", "cdn-a", "b-agent", "b-gw", cancel_body_));
  EXPECT_EQ(metrics_.Rejected("wrong_participant"), 1);
  // And a process holding only cdn-a's key cannot sign for a cdn-b node at all.
  EXPECT_FALSE(a_messenger_.Send("b-agent", "b-gw", CancelTrigger{"r"}));
  EXPECT_EQ(metrics_.Get(fm::kSendFailures), 1);
  runtime_.RunFor(std::chrono::seconds(1));
  EXPECT_TRUE(received_.empty());
}

TEST_F(FederationMessengerTest, WrongDestinationNodeIsDropped) {
  Inject(Envelope(all_, "cdn-a", "cdn-a", "a-gw", "b-agent", cancel_body_));
  EXPECT_TRUE(received_.empty());
  EXPECT_EQ(metrics_.Rejected("wrong_destination"), 1);
}

TEST_F(FederationMessengerTest, UnknownNodeOrParticipantIsDropped) {
  FederationIdentity rogue;
  rogue.AddParticipant("cdn-x", "secret-of-cdn-x-0123456789");
  Inject(Envelope(rogue, "cdn-x", "cdn-x", "x-gw", "b-gw", cancel_body_), At(4));
  EXPECT_EQ(metrics_.Rejected("unknown_participant"), 1);
  Inject(Envelope(rogue, "cdn-x", "cdn-x", "nowhere", "b-gw", cancel_body_), At(9));
  EXPECT_EQ(metrics_.Rejected("unknown_node"), 1);
  EXPECT_TRUE(received_.empty());
  // Sending to or from a node the directory does not know fails up front.
  EXPECT_FALSE(a_messenger_.Send("a-gw", "nowhere", CancelTrigger{"r"}));
  EXPECT_FALSE(a_messenger_.Send("nowhere", "b-gw", CancelTrigger{"r"}));
  EXPECT_EQ(metrics_.Get(fm::kSendFailures), 2);
}

TEST_F(FederationMessengerTest, LargeMessagesTravelInFragmentsAndOversizedAreRefused) {
  a_messenger_.Listen("a-gw", [](const std::string&, const FederationMessage&) {});  // to hear acks
  ApplyToServer big;
  big.command_id = "cdn-b/1";
  big.trigger.type = TriggerType::kPurge;
  for (int i = 0; i < 2000; ++i) {
    big.trigger.content_urls.push_back("https://www.cp1.example/object/" + std::to_string(i));
  }
  std::vector<DeliveryOutcome> outcomes;
  ASSERT_TRUE(a_messenger_.Send("a-gw", "b-gw", big, [&](const DeliveryOutcome& o) { outcomes.push_back(o); }));
  runtime_.RunFor(std::chrono::seconds(2));
  ASSERT_EQ(received_.size(), 1u) << "a message of about 80 KB, over one datagram's limit, arrives whole";
  EXPECT_EQ(std::get<ApplyToServer>(received_[0].message).trigger.content_urls, big.trigger.content_urls);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_TRUE(outcomes[0].Delivered());
  EXPECT_GT(runtime_.DatagramsSent(), 60u) << "fragments of at most 1200 bytes, and their acks";

  // Over the channel's message limit: not sent, and the sender is told why.
  TransferLimits small;
  small.max_message_bytes = 10000;
  SeededRandomSource random{3};
  FederationMessenger limited(runtime_, runtime_, runtime_, random, a_, directory_, metrics_, small);
  outcomes.clear();
  const auto sent_before = runtime_.DatagramsSent();
  ASSERT_TRUE(limited.Send("a-gw", "b-gw", big, [&](const DeliveryOutcome& o) { outcomes.push_back(o); }));
  EXPECT_TRUE(outcomes.empty()) << "outcomes never arrive inside Send()";
  runtime_.RunFor(std::chrono::seconds(1));
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].failure, DeliveryFailure::kMessageTooLarge);
  EXPECT_FALSE(outcomes[0].Retryable());
  EXPECT_EQ(runtime_.DatagramsSent(), sent_before);
  EXPECT_EQ(metrics_.Get(std::string(fm::kDeliveryFailures) + "{kind=apply,reason=message_too_large}"), 1);
}

TEST_F(FederationMessengerTest, GarbageIsDropped) {
  const std::vector<std::string> garbage = {
      "",
      "\x01\x02\xff\xfe",
      "not json",
      "[]",
      "{}",
      std::string(100000, '['),
      R"({"from":"cdn-a","node":"a-gw","to":"b-gw","body":"{}"})",
      R"({"from":"cdn-a","node":"a-gw","to":"b-gw","body":"{}","sig":5})",
      R"({"from":"cdn-a","node":"a-gw","to":"b-gw","body":{},"sig":"00"})",
      R"({"from":"cdn-a","node":"a-gw","to":"b-gw","body":"{}","sig":"00","extra":1})",
      R"({"from":"cdn-a\nx","node":"a-gw","to":"b-gw","body":"{}","sig":"00"})",
  };
  for (const auto& g : garbage) Inject(g);
  EXPECT_EQ(metrics_.Rejected("malformed"), static_cast<double>(garbage.size()));
  // Signed correctly, but the body is not a message.
  Inject(Envelope(all_, "cdn-a", "cdn-a", "a-gw", "b-gw", R"({"kind":"explode"})"));
  Inject(Envelope(all_, "cdn-a", "cdn-a", "a-gw", "b-gw", "not json"));
  EXPECT_EQ(metrics_.Rejected("bad_body"), 2);
  // Datagrams that are not fragments at all.
  for (const std::string raw : {"", "CDFT", "CDFTD", R"({"from":"cdn-a"})"}) {
    runtime_.Send(At(1), At(2), Bytes(raw.begin(), raw.end()));
  }
  runtime_.RunFor(std::chrono::seconds(1));
  EXPECT_EQ(metrics_.Rejected("malformed_fragment"), 4);
  EXPECT_TRUE(received_.empty());
}

TEST_F(FederationMessengerTest, StopListeningAndListenAgain) {
  b_messenger_.StopListening("b-gw");
  ASSERT_TRUE(a_messenger_.Send("a-gw", "b-gw", CancelTrigger{"r1"}));
  runtime_.RunFor(std::chrono::seconds(1));
  EXPECT_TRUE(received_.empty());
  int calls = 0;
  b_messenger_.Listen("b-gw", [&](const std::string&, const FederationMessage&) { ++calls; });
  b_messenger_.Listen("b-gw", [&](const std::string&, const FederationMessage&) { calls += 10; });
  ASSERT_TRUE(a_messenger_.Send("a-gw", "b-gw", CancelTrigger{"r2"}));
  runtime_.RunFor(std::chrono::seconds(1));
  // r1 was retransmitted until b listened again; both reach the replacing handler only.
  EXPECT_EQ(calls, 20) << "listening again replaces the handler";
  EXPECT_THROW(b_messenger_.Listen("nowhere", [](const std::string&, const FederationMessage&) {}),
               std::invalid_argument);
}

TEST_F(FederationMessengerTest, EveryKindIsCountedByName) {
  a_messenger_.Listen("a-gw", [](const std::string&, const FederationMessage&) {});
  ServerResult result;
  result.command_id = "cdn-b/1";
  result.server = "b-e1";
  ASSERT_TRUE(b_messenger_.Send("b-gw", "a-gw", TriggerProgress{"r", TriggerStatus::kActive, {}, {}, {}, {}}));
  ASSERT_TRUE(b_messenger_.Send("b-agent", "b-gw", result));
  ASSERT_TRUE(a_messenger_.Send("a-gw", "b-gw", ProgressAck{"r", TriggerStatus::kComplete}));
  runtime_.RunFor(std::chrono::seconds(1));
  EXPECT_EQ(metrics_.Get(std::string(fm::kMessagesReceived) + "{kind=progress}"), 1);
  EXPECT_EQ(metrics_.Get(std::string(fm::kMessagesReceived) + "{kind=result}"), 1);
  EXPECT_EQ(metrics_.Get(std::string(fm::kMessagesReceived) + "{kind=progress_ack}"), 1);
  ASSERT_EQ(received_.size(), 2u);
  EXPECT_EQ(received_[0].from_node, "b-agent");
}

}  // namespace
}  // namespace cdnlab
