#include "models/routing/beacon_codec.h"

#include <string>

#include <gtest/gtest.h>

#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using testing::Addr;

const Ipv4Address kClient = Addr(10, 1, 0, 7);

std::string WithTiming(const std::string& timing) {
  return R"({"v":1,"pv":"pv-1","t":1700000000.5,"m":[)" + timing + "]}";
}

BeaconDecodeError ErrorOf(std::string_view body, const BeaconDecodeLimits& limits = {}) {
  auto result = DecodeBeacon(body, kClient, limits);
  if (!std::holds_alternative<BeaconDecodeError>(result)) {
    ADD_FAILURE() << "decoded although it should not: " << body;
    return {};
  }
  return std::get<BeaconDecodeError>(result);
}

void ExpectMalformed(std::string_view body, const std::string& reason_part, const BeaconDecodeLimits& limits = {}) {
  const BeaconDecodeError e = ErrorOf(body, limits);
  EXPECT_EQ(e.kind, BeaconDecodeError::Kind::kMalformed) << body;
  EXPECT_NE(e.reason.find(reason_part), std::string::npos) << "reason '" << e.reason << "' lacks '" << reason_part
                                                           << "' for " << body;
}

TEST(RumBeaconCodec, DecodesAGoodBeaconAndTakesTheClientFromTheTransport) {
  const std::string body =
      R"({"v":1,"pv":"a1B2-c3_d.4","t":1700000000.25,"m":[)"
      R"({"pop":"pop-fra","ok":true,"rtt_ms":12.5,"dur_ms":30.25,"bytes":10000},)"
      R"({"pop":"pop-lon","ok":false,"rtt_ms":null,"bytes":0}]})";
  auto result = DecodeBeacon(body, kClient);
  ASSERT_TRUE(std::holds_alternative<Beacon>(result)) << std::get<BeaconDecodeError>(result).reason;
  const Beacon& b = std::get<Beacon>(result);
  EXPECT_EQ(b.page_view_id, "a1B2-c3_d.4");
  EXPECT_EQ(b.client, kClient);
  EXPECT_DOUBLE_EQ(b.page_time_s, 1700000000.25);
  ASSERT_EQ(b.timings.size(), 2u);
  EXPECT_EQ(b.timings[0].pop, "pop-fra");
  EXPECT_TRUE(b.timings[0].ok);
  EXPECT_DOUBLE_EQ(*b.timings[0].rtt_ms, 12.5);
  EXPECT_DOUBLE_EQ(*b.timings[0].duration_ms, 30.25);
  EXPECT_EQ(b.timings[0].bytes, 10000u);
  EXPECT_FALSE(b.timings[1].ok);
  EXPECT_FALSE(b.timings[1].rtt_ms.has_value());
  EXPECT_FALSE(b.timings[1].duration_ms.has_value());
}

TEST(RumBeaconCodec, EncodeDecodeRoundTrips) {
  Beacon b;
  b.page_view_id = "pv42";
  b.client = kClient;
  b.page_time_s = 12.75;
  b.timings = {{"nyc", true, 3.5, 9.0, 10000}, {"lon", false, std::nullopt, std::nullopt, 0}};
  auto result = DecodeBeacon(EncodeBeacon(b), kClient);
  ASSERT_TRUE(std::holds_alternative<Beacon>(result)) << std::get<BeaconDecodeError>(result).reason;
  const Beacon& d = std::get<Beacon>(result);
  EXPECT_EQ(d.page_view_id, b.page_view_id);
  EXPECT_DOUBLE_EQ(d.page_time_s, b.page_time_s);
  ASSERT_EQ(d.timings.size(), 2u);
  EXPECT_EQ(d.timings[0].pop, "nyc");
  EXPECT_DOUBLE_EQ(*d.timings[0].rtt_ms, 3.5);
  EXPECT_DOUBLE_EQ(*d.timings[0].duration_ms, 9.0);
  EXPECT_EQ(d.timings[0].bytes, 10000u);
  EXPECT_FALSE(d.timings[1].rtt_ms.has_value());
  EXPECT_EQ(EncodeBeacon(d), EncodeBeacon(b));
}

TEST(RumBeaconCodec, RefusesAnOversizedBodyBeforeParsing) {
  BeaconDecodeLimits limits;
  limits.max_body_bytes = 64;
  const std::string body = WithTiming(R"({"pop":"nyc","ok":true,"rtt_ms":1,"dur_ms":2,"bytes":1})");
  ASSERT_GT(body.size(), 64u);
  const BeaconDecodeError e = ErrorOf(body, limits);
  EXPECT_EQ(e.kind, BeaconDecodeError::Kind::kOversized);
  EXPECT_NE(e.reason.find("limit of 64"), std::string::npos) << e.reason;
  // Even garbage is "oversized" first: the size is checked before anything is parsed.
  EXPECT_EQ(ErrorOf(std::string(65, '{'), limits).kind, BeaconDecodeError::Kind::kOversized);
  // Exactly at the limit is fine.
  limits.max_body_bytes = body.size();
  EXPECT_TRUE(std::holds_alternative<Beacon>(DecodeBeacon(body, kClient, limits)));
}

TEST(RumBeaconCodec, RefusesMalformedJson) {
  for (const char* body : {"", "{", "not json", R"({"v":1,"pv":"a",})", "[1,2", "\xff\xfe", R"({"v":1} trailing)",
                           "{\"v\":1,\"pv\":\"\xc3\x28\"}"}) {
    ExpectMalformed(body, "not valid JSON");
  }
}

TEST(RumBeaconCodec, RefusesWrongTopLevelShapes) {
  ExpectMalformed("[]", "(root)': expected an object");
  ExpectMalformed("42", "expected an object");
  ExpectMalformed("null", "expected an object");
  ExpectMalformed(R"({"pv":"a","t":1,"m":[]})", "'v': missing");
  ExpectMalformed(R"({"v":2,"pv":"a","t":1,"m":[]})", "'v': unsupported version");
  ExpectMalformed(R"({"v":"1","pv":"a","t":1,"m":[]})", "'v': unsupported version");
  ExpectMalformed(R"({"v":1,"t":1,"m":[]})", "'pv': missing");
  ExpectMalformed(R"({"v":1,"pv":"a","m":[]})", "'t': missing");
  ExpectMalformed(R"({"v":1,"pv":"a","t":1})", "'m': missing");
}

TEST(RumBeaconCodec, RefusesUnknownMembers) {
  ExpectMalformed(R"({"v":1,"pv":"a","t":1,"m":[],"client":"1.2.3.4"})", "'client': unknown member");
  ExpectMalformed(WithTiming(R"({"pop":"nyc","ok":true,"rtt_ms":1,"dur_ms":2,"bytes":1,"x":0})"),
                  "'m[0].x': unknown member");
}

TEST(RumBeaconCodec, RefusesWrongTypes) {
  ExpectMalformed(R"({"v":1,"pv":7,"t":1,"m":[]})", "'pv': expected a string");
  ExpectMalformed(R"({"v":1,"pv":"a","t":"now","m":[]})", "'t': expected a number");
  ExpectMalformed(R"({"v":1,"pv":"a","t":1,"m":{}})", "'m': expected an array");
  ExpectMalformed(WithTiming("3"), "'m[0]': expected an object");
  ExpectMalformed(WithTiming(R"({"pop":1,"ok":true,"bytes":1})"), "'m[0].pop': expected a string");
  ExpectMalformed(WithTiming(R"({"pop":"nyc","ok":1,"bytes":1})"), "'m[0].ok': expected a boolean");
  ExpectMalformed(WithTiming(R"({"pop":"nyc","ok":true,"rtt_ms":"5","bytes":1})"), "'m[0].rtt_ms': expected a number");
  ExpectMalformed(WithTiming(R"({"pop":"nyc","ok":true,"dur_ms":[],"bytes":1})"), "'m[0].dur_ms': expected a number");
  ExpectMalformed(WithTiming(R"({"pop":"nyc","ok":true,"bytes":1.5})"), "'m[0].bytes': expected a non-negative integer");
  ExpectMalformed(WithTiming(R"({"pop":"nyc","ok":true})"), "'m[0].bytes': missing");
  ExpectMalformed(WithTiming(R"({"ok":true,"bytes":1})"), "'m[0].pop': missing");
}

TEST(RumBeaconCodec, RefusesNegativeNonFiniteAndHugeNumbers) {
  ExpectMalformed(R"({"v":1,"pv":"a","t":-1,"m":[]})", "'t': negative");
  // Literals beyond double range are refused by the parser itself.
  ExpectMalformed(R"({"v":1,"pv":"a","t":1e999,"m":[]})", "not valid JSON");
  ExpectMalformed(R"({"v":1,"pv":"a","t":NaN,"m":[]})", "not valid JSON");
  ExpectMalformed(R"({"v":1,"pv":"a","t":Infinity,"m":[]})", "not valid JSON");
  ExpectMalformed(WithTiming(R"({"pop":"nyc","ok":true,"rtt_ms":-0.5,"bytes":1})"), "'m[0].rtt_ms': negative");
  ExpectMalformed(WithTiming(R"({"pop":"nyc","ok":true,"dur_ms":-3,"bytes":1})"), "'m[0].dur_ms': negative");
  ExpectMalformed(WithTiming(R"({"pop":"nyc","ok":true,"rtt_ms":1e400,"bytes":1})"), "not valid JSON");
  // Huge but finite values decode; judging their range is the collector's job (out_of_range).
  auto huge = DecodeBeacon(WithTiming(R"({"pop":"nyc","ok":true,"rtt_ms":1e300,"dur_ms":1e301,"bytes":1})"), kClient);
  ASSERT_TRUE(std::holds_alternative<Beacon>(huge));
  EXPECT_DOUBLE_EQ(*std::get<Beacon>(huge).timings[0].rtt_ms, 1e300);
  ExpectMalformed(WithTiming(R"({"pop":"nyc","ok":true,"bytes":-1})"), "'m[0].bytes': expected a non-negative integer");
  ExpectMalformed(WithTiming(R"({"pop":"nyc","ok":true,"bytes":123456789012345678901234567890})"),
                  "'m[0].bytes': expected a non-negative integer");
}

TEST(RumBeaconCodec, RefusesTooManyTooFewAndDuplicateTimings) {
  BeaconDecodeLimits limits;
  limits.max_timings = 2;
  const std::string t = R"({"pop":"p%","ok":false,"bytes":0})";
  std::string three;
  for (int i = 0; i < 3; ++i) {
    std::string one = t;
    one.replace(one.find('%'), 1, std::to_string(i));
    three += (i ? "," : "") + one;
  }
  ExpectMalformed(WithTiming(three), "'m': more than 2 timings", limits);
  ExpectMalformed(R"({"v":1,"pv":"a","t":1,"m":[]})", "'m': expected at least one timing");
  ExpectMalformed(WithTiming(R"({"pop":"nyc","ok":false,"bytes":0},{"pop":"nyc","ok":false,"bytes":0})"),
                  "'m[1].pop': PoP 'nyc' appears twice");
}

TEST(RumBeaconCodec, RefusesLongEmptyOrOddIdentifiers) {
  BeaconDecodeLimits limits;
  limits.max_id_chars = 8;
  ExpectMalformed(R"({"v":1,"pv":"123456789","t":1,"m":[]})", "'pv': longer than 8 characters", limits);
  ExpectMalformed(WithTiming(R"({"pop":"a-very-long-pop","ok":false,"bytes":0})"), "'m[0].pop': longer than 8",
                  limits);
  ExpectMalformed(R"({"v":1,"pv":"","t":1,"m":[]})", "'pv': expected a non-empty string");
  ExpectMalformed(R"({"v":1,"pv":"a b","t":1,"m":[]})", "'pv': only letters");
  ExpectMalformed(R"({"v":1,"pv":"<script>","t":1,"m":[]})", "'pv': only letters");
  ExpectMalformed(R"({"v":1,"pv":"caf\u00e9","t":1,"m":[]})", "'pv': only letters");
  // Exactly at the limit is fine.
  EXPECT_TRUE(std::holds_alternative<Beacon>(
      DecodeBeacon(R"({"v":1,"pv":"12345678","t":1,"m":[{"pop":"nyc","ok":false,"bytes":0}]})", kClient, limits)));
}

TEST(RumBeaconCodec, SurvivesDeepNestingAndBinaryGarbage) {
  std::string deep(4000, '[');
  EXPECT_EQ(ErrorOf(deep).kind, BeaconDecodeError::Kind::kMalformed);
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 131 + 7) & 0xff));
  EXPECT_EQ(ErrorOf(garbage).kind, BeaconDecodeError::Kind::kMalformed);
}

}  // namespace
}  // namespace cdnlab
