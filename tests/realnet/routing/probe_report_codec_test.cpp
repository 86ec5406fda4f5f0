#include "realnet/routing/probe_report_codec.h"

#include <gtest/gtest.h>

#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

Bytes Text(const std::string& s) { return Bytes(s.begin(), s.end()); }

TEST(ProbeReportCodec, RoundTripsByIds) {
  const RoutingCatalog c = testing::ThreePopCatalog();
  ProbeOutcome o;
  o.pop = 2;
  o.group = 1;
  o.rtt_ms = 12.5;
  o.loss = 0.2;
  o.sent = 5;
  o.received = 4;
  const Bytes wire = EncodeProbeReport(c, o);
  EXPECT_EQ(std::string(wire.begin(), wire.end()),
            R"({"pop":"tyo","group":"paris","rtt_ms":12.5,"loss":0.2,"sent":5,"received":4})");
  const auto back = DecodeProbeReport(c, wire);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->pop, 2u);
  EXPECT_EQ(back->group, 1u);
  EXPECT_EQ(back->rtt_ms, std::optional<double>(12.5));
  const auto lost = DecodeProbeReport(c, Text(R"({"pop":"nyc","group":"osaka","loss":1,"sent":5,"received":0})"));
  ASSERT_TRUE(lost.has_value());
  EXPECT_FALSE(lost->rtt_ms.has_value());
}

TEST(ProbeReportCodec, RejectsMalformedOrUnknownReports) {
  const RoutingCatalog c = testing::ThreePopCatalog();
  for (const char* bad : {
           "", "not json", "[]", "{}", R"({"pop":"nyc"})",
           R"({"pop":"xxx","group":"paris","loss":0,"sent":5,"received":5})",
           R"({"pop":"nyc","group":"xxx","loss":0,"sent":5,"received":5})",
           R"({"pop":"nyc","group":"paris","loss":1.5,"sent":5,"received":5})",
           R"({"pop":"nyc","group":"paris","loss":0,"sent":5,"received":6})",
           R"({"pop":"nyc","group":"paris","loss":0,"sent":-1,"received":0})",
           R"({"pop":"nyc","group":"paris","rtt_ms":-3,"loss":0,"sent":5,"received":5})",
           R"({"pop":"nyc","group":"paris","rtt_ms":"fast","loss":0,"sent":5,"received":5})",
           R"({"pop":7,"group":"paris","loss":0,"sent":5,"received":5})",
       }) {
    EXPECT_FALSE(DecodeProbeReport(c, Text(bad)).has_value()) << bad;
  }
  EXPECT_FALSE(DecodeProbeReport(c, Bytes(5000, '{')).has_value()) << "oversized";
}

}  // namespace
}  // namespace cdnlab
