#include "realnet/routing/probe_report_codec.h"

#include <gtest/gtest.h>

#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using Status = DecodedProbeReport::Status;

Bytes Text(const std::string& s) { return Bytes(s.begin(), s.end()); }

ProbeReport Sample() {
  ProbeReport r;
  r.outcome.pop = 2;
  r.outcome.group = 1;
  r.outcome.rtt_ms = 12.5;
  r.outcome.loss = 0.2;
  r.outcome.sent = 5;
  r.outcome.received = 4;
  r.sequence = 7;
  r.sent_at_ms = 1765000000000;
  return r;
}

const std::string kSignature(128, 'a');

TEST(ProbeReportCodec, RoundTripsByIds) {
  const RoutingCatalog c = testing::ThreePopCatalog();
  const std::string body = EncodeProbeReportBody(c, Sample());
  EXPECT_EQ(body, R"({"pop":"tyo","group":"paris","rtt_ms":12.5,"loss":0.2,"sent":5,"received":4,)"
                  R"("seq":7,"sent_at_ms":1765000000000})");
  const auto frame = DecodeProbeReportFrame(EncodeProbeReportFrame({body, kSignature}));
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->body, body);
  EXPECT_EQ(frame->signature_hex, kSignature);
  const DecodedProbeReport back = DecodeProbeReportBody(c, frame->body);
  ASSERT_EQ(back.status, Status::kOk);
  EXPECT_EQ(back.pop_id, "tyo");
  EXPECT_EQ(back.report.outcome.pop, 2u);
  EXPECT_EQ(back.report.outcome.group, 1u);
  EXPECT_EQ(back.report.outcome.rtt_ms, std::optional<double>(12.5));
  EXPECT_EQ(back.report.outcome.sent, 5);
  EXPECT_EQ(back.report.outcome.received, 4);
  EXPECT_EQ(back.report.sequence, 7u);
  EXPECT_EQ(back.report.sent_at_ms, 1765000000000);
  const auto lost = DecodeProbeReportBody(
      c, R"({"pop":"nyc","group":"osaka","loss":1,"sent":5,"received":0,"seq":1,"sent_at_ms":5})");
  ASSERT_EQ(lost.status, Status::kOk);
  EXPECT_FALSE(lost.report.outcome.rtt_ms.has_value());
}

TEST(ProbeReportCodec, AnUnsignedFrameIsTheBodyAlone) {
  const auto frame = DecodeProbeReportFrame(EncodeProbeReportFrame({"{}", ""}));
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->body, "{}");
  EXPECT_TRUE(frame->signature_hex.empty());
}

// Every strict prefix of a signed report is refused by the codec, or at best is an unsigned
// report (cut exactly at the line feed), which is not the signed one.
TEST(ProbeReportCodec, EveryTruncationIsRefused) {
  const RoutingCatalog c = testing::ThreePopCatalog();
  const Bytes wire = EncodeProbeReportFrame({EncodeProbeReportBody(c, Sample()), kSignature});
  for (std::size_t n = 0; n < wire.size(); ++n) {
    const auto frame = DecodeProbeReportFrame(Bytes(wire.begin(), wire.begin() + static_cast<long>(n)));
    if (!frame) continue;
    const bool decodes = DecodeProbeReportBody(c, frame->body).status == Status::kOk;
    EXPECT_TRUE(!decodes || frame->signature_hex.empty()) << "prefix of " << n << " bytes";
  }
}

TEST(ProbeReportCodec, RefusesBadFramesAndMalformedBodies) {
  const RoutingCatalog c = testing::ThreePopCatalog();
  EXPECT_FALSE(DecodeProbeReportFrame(Bytes(5000, '{')).has_value()) << "oversized";
  EXPECT_FALSE(DecodeProbeReportFrame(Text("{}\nabc")).has_value()) << "short signature";
  EXPECT_FALSE(DecodeProbeReportFrame(Text("{}\n" + std::string(128, 'g'))).has_value()) << "not hex";
  EXPECT_FALSE(DecodeProbeReportFrame(Text("{}\n" + kSignature + "\n")).has_value()) << "trailing line";
  const std::string tail = R"(,"seq":1,"sent_at_ms":5})";
  for (const std::string& bad : {
           std::string(""), std::string("not json"), std::string("[]"), std::string("{}"),
           std::string(R"({"pop":"nyc"})"),
           R"({"pop":"nyc","group":"xxx","loss":0,"sent":5,"received":5)" + tail,
           R"({"pop":"nyc","group":"paris","loss":1.5,"sent":5,"received":5)" + tail,
           R"({"pop":"nyc","group":"paris","loss":0,"sent":5,"received":6)" + tail,
           R"({"pop":"nyc","group":"paris","loss":0,"sent":-1,"received":0)" + tail,
           R"({"pop":"nyc","group":"paris","rtt_ms":-3,"loss":0,"sent":5,"received":5)" + tail,
           R"({"pop":"nyc","group":"paris","rtt_ms":"fast","loss":0,"sent":5,"received":5)" + tail,
           R"({"pop":7,"group":"paris","loss":0,"sent":5,"received":5)" + tail,
           std::string(R"({"pop":"nyc","group":"paris","loss":0,"sent":5,"received":5,"sent_at_ms":5})"),
           std::string(R"({"pop":"nyc","group":"paris","loss":0,"sent":5,"received":5,"seq":1})"),
           std::string(R"({"pop":"nyc","group":"paris","loss":0,"sent":5,"received":5,"seq":-1,"sent_at_ms":5})"),
           std::string(R"({"pop":"nyc","group":"paris","loss":0,"sent":5,"received":5,"seq":1,"sent_at_ms":"x"})"),
       }) {
    EXPECT_EQ(DecodeProbeReportBody(c, bad).status, Status::kMalformed) << bad;
  }
  const auto unknown = DecodeProbeReportBody(c, R"({"pop":"xxx","group":"paris","loss":0,"sent":5,"received":5)" + tail);
  EXPECT_EQ(unknown.status, Status::kUnknownPop);
  EXPECT_EQ(unknown.pop_id, "xxx");
}

}  // namespace
}  // namespace cdnlab
