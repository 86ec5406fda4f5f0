// cdnlab's DNS codec against well-formed and hostile packets: every malformed input gets
// FORMERR (header readable) or is dropped, never a crash or a guess.
#include "realnet/dns/wire_codec.h"

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

const Bytes kName = {3, 'c', 'd', 'n', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0};

// A query: header (id 0x1234, RD), one question, then `additional` as the additional section.
Bytes Query(const Bytes& name = kName, std::uint16_t qtype = 1, const Bytes& additional = {}, int arcount = 0,
            std::uint8_t flags_hi = 0x01, std::uint16_t qdcount = 1) {
  Bytes q = {0x12, 0x34, flags_hi, 0x00, static_cast<std::uint8_t>(qdcount >> 8), static_cast<std::uint8_t>(qdcount),
             0, 0, 0, 0, 0, static_cast<std::uint8_t>(arcount)};
  q.insert(q.end(), name.begin(), name.end());
  q.insert(q.end(), {static_cast<std::uint8_t>(qtype >> 8), static_cast<std::uint8_t>(qtype), 0, 1});
  q.insert(q.end(), additional.begin(), additional.end());
  return q;
}

// An OPT record (RFC 6891) with the given options and UDP payload size.
Bytes Opt(const Bytes& options, std::uint16_t udp_size = 1232, int rdlen_adjust = 0) {
  const int rdlen = static_cast<int>(options.size()) + rdlen_adjust;
  Bytes o = {0, 0, 41, static_cast<std::uint8_t>(udp_size >> 8), static_cast<std::uint8_t>(udp_size), 0, 0, 0, 0,
             static_cast<std::uint8_t>(rdlen >> 8), static_cast<std::uint8_t>(rdlen)};
  o.insert(o.end(), options.begin(), options.end());
  return o;
}

// An EDNS Client Subnet option (code 8).
Bytes Ecs(std::uint16_t family, std::uint8_t source, std::uint8_t scope, const Bytes& address) {
  const std::size_t len = 4 + address.size();
  Bytes e = {0, 8, static_cast<std::uint8_t>(len >> 8), static_cast<std::uint8_t>(len),
             static_cast<std::uint8_t>(family >> 8), static_cast<std::uint8_t>(family), source, scope};
  e.insert(e.end(), address.begin(), address.end());
  return e;
}

ParsedQuery Parse(const Bytes& b) { return ParseDnsQuery(b.data(), b.size()); }

void ExpectFormErr(const Bytes& b, const std::string& what) {
  const ParsedQuery p = Parse(b);
  EXPECT_EQ(p.verdict, QueryVerdict::kError) << what << ": " << p.why;
  EXPECT_EQ(p.error_rcode, DnsRcode::kFormErr) << what;
  const Bytes reply = BuildDnsError(b.data(), b.size(), p.error_rcode);
  ASSERT_GE(reply.size(), 12u) << what;
  EXPECT_EQ(reply[0], 0x12);
  EXPECT_EQ(reply[1], 0x34);
  EXPECT_TRUE(reply[2] & 0x80) << "QR set";
  EXPECT_EQ(reply[3] & 0x0F, 1) << "FORMERR";
}

TEST(DnsWireCodec, ParsesAPlainQuery) {
  const ParsedQuery p = Parse(Query());
  ASSERT_EQ(p.verdict, QueryVerdict::kAnswer) << p.why;
  EXPECT_EQ(p.query.id, 0x1234);
  EXPECT_EQ(p.query.question.qname, "cdn.example.net.");
  EXPECT_EQ(p.query.question.qtype, 1);
  EXPECT_TRUE(p.query.recursion_desired);
  EXPECT_FALSE(p.query.has_edns);
  EXPECT_FALSE(p.query.question.client_subnet.has_value());
}

TEST(DnsWireCodec, ReadsClientSubnet) {
  const ParsedQuery p = Parse(Query(kName, 1, Opt(Ecs(1, 24, 0, {10, 1, 0})), 1));
  ASSERT_EQ(p.verdict, QueryVerdict::kAnswer) << p.why;
  EXPECT_TRUE(p.query.has_edns);
  EXPECT_EQ(p.query.udp_payload_size, 1232);
  ASSERT_TRUE(p.query.question.client_subnet.has_value());
  EXPECT_EQ(p.query.question.client_subnet->ToString(), "10.1.0.0/24");
  const ParsedQuery odd = Parse(Query(kName, 1, Opt(Ecs(1, 20, 0, {10, 1, 0x10})), 1));
  ASSERT_EQ(odd.verdict, QueryVerdict::kAnswer) << odd.why;
  EXPECT_EQ(odd.query.question.client_subnet->ToString(), "10.1.16.0/20");
  const ParsedQuery v6 = Parse(Query(kName, 1, Opt(Ecs(2, 48, 0, {0x20, 1, 0xd, 0xb8, 0, 1})), 1));
  ASSERT_EQ(v6.verdict, QueryVerdict::kAnswer) << v6.why;
  EXPECT_FALSE(v6.query.question.client_subnet.has_value()) << "IPv6 subnets are echoed, not mapped";
  EXPECT_TRUE(v6.query.client_subnet.has_value());
}

TEST(DnsWireCodec, TruncatedPacketsNeverParse) {
  const Bytes full = Query(kName, 1, Opt(Ecs(1, 24, 0, {10, 1, 0})), 1);
  for (std::size_t n = 0; n < full.size(); ++n) {
    const Bytes cut(full.begin(), full.begin() + static_cast<long>(n));
    const ParsedQuery p = Parse(cut);
    EXPECT_NE(p.verdict, QueryVerdict::kAnswer) << "cut at " << n;
    if (n < 12) {
      EXPECT_EQ(p.verdict, QueryVerdict::kDrop) << "no header to echo at " << n;
    }
  }
}

TEST(DnsWireCodec, BadLabelLengthsAreFormErr) {
  Bytes reserved = kName;
  reserved[0] = 0x50;  // 01xxxxxx: a reserved label type
  ExpectFormErr(Query(reserved), "reserved label type");
  Bytes overrun = kName;
  overrun[4] = 60;  // runs past the end of the packet
  ExpectFormErr(Query(overrun), "label past the end");
}

TEST(DnsWireCodec, CompressionLoopsAreFormErr) {
  ExpectFormErr(Query(Bytes{0xC0, 0x0C}), "pointer to itself");
  ExpectFormErr(Query(Bytes{3, 'c', 'd', 'n', 0xC0, 0x0C}), "pointer back to its own start");
  ExpectFormErr(Query(Bytes{0xC0, 0xFF}), "pointer past the end");
}

TEST(DnsWireCodec, OversizeOrBrokenEdnsIsFormErr) {
  ExpectFormErr(Query(kName, 1, Opt(Ecs(1, 24, 0, {10, 1, 0}), 1232, 200), 1), "OPT rdata longer than the packet");
  // A huge advertised UDP size and a big unknown option are legal: answered, size capped.
  const ParsedQuery big = Parse(Query(kName, 1, Opt(Bytes(4000, 0), 65535), 1));
  EXPECT_NE(big.verdict, QueryVerdict::kDrop);
}

TEST(DnsWireCodec, InvalidClientSubnetIsFormErr) {
  ExpectFormErr(Query(kName, 1, Opt(Ecs(1, 24, 8, {10, 1, 0})), 1), "scope set in a query");
  ExpectFormErr(Query(kName, 1, Opt(Ecs(1, 24, 0, {10, 1})), 1), "address shorter than the prefix");
  ExpectFormErr(Query(kName, 1, Opt(Ecs(1, 20, 0, {10, 1, 0x1F})), 1), "bits beyond the prefix");
  ExpectFormErr(Query(kName, 1, Opt(Ecs(1, 40, 0, {10, 1, 0, 0, 0})), 1), "IPv4 prefix longer than 32");
  ExpectFormErr(Query(kName, 1, Opt(Ecs(3, 8, 0, {10})), 1), "unknown family");
  Bytes two = Ecs(1, 24, 0, {10, 1, 0});
  const Bytes second = Ecs(1, 24, 0, {10, 2, 0});
  two.insert(two.end(), second.begin(), second.end());
  ExpectFormErr(Query(kName, 1, Opt(two), 1), "two client subnet options");
}

TEST(DnsWireCodec, WrongShapesOfMessage) {
  EXPECT_EQ(Parse(Query(kName, 1, {}, 0, 0x81)).verdict, QueryVerdict::kDrop) << "a response (QR set)";
  const ParsedQuery update = Parse(Query(kName, 6, {}, 0, 0x28));  // opcode 5 = UPDATE
  EXPECT_EQ(update.verdict, QueryVerdict::kError);
  EXPECT_EQ(update.error_rcode, DnsRcode::kNotImp);
  ExpectFormErr(Query(kName, 1, {}, 0, 0x01, 0), "no question");
  Bytes two_questions = Query(kName, 1, {}, 0, 0x01, 2);
  two_questions.insert(two_questions.end(), kName.begin(), kName.end());
  two_questions.insert(two_questions.end(), {0, 1, 0, 1});
  ExpectFormErr(two_questions, "two questions");
}

TEST(DnsWireCodec, ResponseEchoesSubnetWithScopeAndCarriesSoaWhenNegative) {
  const ParsedQuery p = Parse(Query(kName, 1, Opt(Ecs(1, 24, 0, {10, 1, 0})), 1));
  ASSERT_EQ(p.verdict, QueryVerdict::kAnswer);
  DnsAnswer answer;
  answer.addresses = {Ipv4Address{0xC000020A}};
  answer.ttl = std::chrono::seconds(30);
  answer.scope_prefix_length = 16;
  const ZoneInfo zone{"example.net", "cdn.example.net", 7, 30};
  const Bytes reply = BuildDnsResponse(p.query, answer, zone, true);
  ASSERT_GT(reply.size(), 12u);
  EXPECT_EQ(reply[0], 0x12);
  EXPECT_EQ(reply[7], 1) << "one answer";
  // The echoed option ends with family 1, source 24, scope 16, 10.1.0.
  const Bytes tail(reply.end() - 7, reply.end());
  EXPECT_EQ(tail, (Bytes{0, 1, 24, 16, 10, 1, 0}));

  DnsAnswer nx;
  nx.rcode = DnsRcode::kNxDomain;
  const Bytes negative = BuildDnsResponse(p.query, nx, zone, true);
  EXPECT_EQ(negative[3] & 0x0F, 3);
  EXPECT_EQ(negative[9], 1) << "SOA in the authority section";
}

TEST(DnsWireCodec, OversizeUdpAnswersAreTruncated) {
  const ParsedQuery p = Parse(Query());  // no EDNS: 512 bytes at most over UDP
  DnsAnswer many;
  for (std::uint32_t i = 0; i < 60; ++i) many.addresses.push_back(Ipv4Address{0xC0000200 + i});
  many.ttl = std::chrono::seconds(30);
  const ZoneInfo zone{"example.net", "cdn.example.net", 1, 30};
  const Bytes udp = BuildDnsResponse(p.query, many, zone, true);
  EXPECT_LE(udp.size(), 512u);
  EXPECT_TRUE(udp[2] & 0x02) << "TC set";
  const Bytes tcp = BuildDnsResponse(p.query, many, zone, false);
  EXPECT_GT(tcp.size(), 512u);
  EXPECT_FALSE(tcp[2] & 0x02);
}

}  // namespace
}  // namespace cdnlab
