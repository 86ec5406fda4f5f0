// cdnlab's DNS codec against well-formed and hostile packets: every malformed input gets
// FORMERR (header readable) or is dropped, never a crash or a guess.
#include "realnet/dns/wire_codec.h"

#include <gtest/gtest.h>

#include "models/routing/authoritative_answerer.h"

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

// The zone as every server sees it (apex defaults filled in).
AuthoritativeConfig Zone() {
  return WithApexDefaults(AuthoritativeConfig{"example.net", "cdn.example.net", std::chrono::seconds(30)});
}

// Where the OPT record starts in a reply (the last record), or 0 without one.
std::size_t OptAt(const Bytes& reply) {
  for (std::size_t i = reply.size(); i-- > 12;) {
    if (i + 11 <= reply.size() && reply[i] == 0 && reply[i + 1] == 0 && reply[i + 2] == 41) {
      const std::size_t rdlen = (reply[i + 9] << 8) | reply[i + 10];
      if (i + 11 + rdlen == reply.size()) return i;
    }
  }
  return 0;
}

void ExpectFormErr(const Bytes& b, const std::string& what) {
  const ParsedQuery p = Parse(b);
  EXPECT_EQ(p.verdict, QueryVerdict::kError) << what << ": " << p.why;
  EXPECT_EQ(p.error_rcode, static_cast<std::uint16_t>(DnsRcode::kFormErr)) << what;
  const Bytes reply = BuildDnsError(p);
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
  EXPECT_EQ(p.query.question.qname, "cdn.example.net");
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
  EXPECT_TRUE(v6.query.client_subnet.has_value());
  ASSERT_TRUE(v6.query.question.client_subnet.has_value()) << "IPv6 subnets are mapped by IPv6 rows";
  EXPECT_EQ(v6.query.question.client_subnet->ToString(), "2001:db8:1::/48");
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
  EXPECT_EQ(update.error_rcode, static_cast<std::uint16_t>(DnsRcode::kNotImp));
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
  const AuthoritativeConfig zone = Zone();
  const Bytes reply = BuildDnsResponse(p.query, answer, zone, 7, true);
  ASSERT_GT(reply.size(), 12u);
  EXPECT_EQ(reply[0], 0x12);
  EXPECT_EQ(reply[7], 1) << "one answer";
  // The echoed option ends with family 1, source 24, scope 16, 10.1.0.
  const Bytes tail(reply.end() - 7, reply.end());
  EXPECT_EQ(tail, (Bytes{0, 1, 24, 16, 10, 1, 0}));

  DnsAnswer nx;
  nx.rcode = DnsRcode::kNxDomain;
  const Bytes negative = BuildDnsResponse(p.query, nx, zone, 7, true);
  EXPECT_EQ(negative[3] & 0x0F, 3);
  EXPECT_EQ(negative[9], 1) << "SOA in the authority section";
}

TEST(DnsWireCodec, OversizeUdpAnswersAreTruncated) {
  const ParsedQuery p = Parse(Query());  // no EDNS: 512 bytes at most over UDP
  DnsAnswer many;
  for (std::uint32_t i = 0; i < 60; ++i) many.addresses.push_back(Ipv4Address{0xC0000200 + i});
  many.ttl = std::chrono::seconds(30);
  const AuthoritativeConfig zone = Zone();
  const Bytes udp = BuildDnsResponse(p.query, many, zone, 1, true);
  EXPECT_LE(udp.size(), 512u);
  EXPECT_TRUE(udp[2] & 0x02) << "TC set";
  const Bytes tcp = BuildDnsResponse(p.query, many, zone, 1, false);
  EXPECT_GT(tcp.size(), 512u);
  EXPECT_FALSE(tcp[2] & 0x02);
}

// RFC 6891 6.1.3: a version this server does not implement gets BADVERS (extended rcode 16:
// 0 in the header, 1 in the OPT's upper byte) with an OPT of version 0, and no answer.
TEST(DnsWireCodec, UnknownEdnsVersionIsBadVersWithAnOptOfVersionZero) {
  Bytes opt = Opt(Ecs(1, 24, 0, {10, 1, 0}));
  opt[6] = 1;  // TTL byte 2: version 1
  const ParsedQuery p = Parse(Query(kName, 1, opt, 1));
  ASSERT_EQ(p.verdict, QueryVerdict::kError) << p.why;
  EXPECT_EQ(p.error_rcode, kRcodeBadVers);
  const Bytes reply = BuildDnsError(p);
  EXPECT_EQ(reply[3] & 0x0F, 0) << "low bits of 16";
  EXPECT_EQ(reply[7], 0) << "no answer";
  const std::size_t at = OptAt(reply);
  ASSERT_GT(at, 0u) << "an OPT in the reply";
  EXPECT_EQ(reply[at + 5], 1) << "extended rcode 16 >> 4";
  EXPECT_EQ(reply[at + 6], 0) << "version 0";
}

// RFC 6891 6.1.1: more than one OPT is FORMERR, and the second OPT's ECS is never used.
TEST(DnsWireCodec, TwoOptRecordsAreFormErrAndNeitherSubnetIsUsed) {
  Bytes two = Opt(Ecs(1, 24, 0, {10, 1, 0}));
  const Bytes second = Opt(Ecs(1, 24, 0, {10, 2, 0}));
  two.insert(two.end(), second.begin(), second.end());
  const ParsedQuery p = Parse(Query(kName, 1, two, 2));
  ExpectFormErr(Query(kName, 1, two, 2), "two OPT records");
  EXPECT_FALSE(p.query.question.client_subnet.has_value());
  EXPECT_GT(OptAt(BuildDnsError(p)), 0u) << "the FORMERR still carries one OPT";
}

// RFC 6891 7: replies to EDNS queries carry an OPT, errors included; and the OPT owner is root.
TEST(DnsWireCodec, ErrorsToEdnsQueriesCarryAnOpt) {
  const ParsedQuery bad_ecs = Parse(Query(kName, 1, Opt(Ecs(1, 24, 8, {10, 1, 0})), 1));
  ASSERT_EQ(bad_ecs.verdict, QueryVerdict::kError);
  const Bytes formerr = BuildDnsError(bad_ecs);
  EXPECT_EQ(formerr[3] & 0x0F, 1);
  EXPECT_GT(OptAt(formerr), 0u);
  EXPECT_EQ(formerr[5], 1) << "the question is echoed";

  Bytes chaos = Query(kName, 16, Opt({}), 1);
  chaos[12 + kName.size() + 3] = 3;  // class CH
  const ParsedQuery refused = Parse(chaos);
  ASSERT_EQ(refused.verdict, QueryVerdict::kError);
  EXPECT_EQ(refused.error_rcode, 5);
  EXPECT_GT(OptAt(BuildDnsError(refused)), 0u);

  Bytes owned = Opt({});
  owned.insert(owned.begin(), {1, 'x'});  // owner "x." instead of the root
  ExpectFormErr(Query(kName, 1, owned, 1), "OPT owner not the root");
  Bytes trailing = Query();
  trailing.push_back(0);
  ExpectFormErr(trailing, "a byte after the last record");
}

// Truncated replies keep the OPT (RFC 6891 7), DO is echoed (RFC 3225), and the question is
// echoed in the case it was asked (resolvers check 0x20 randomisation).
TEST(DnsWireCodec, TruncationKeepsOptAndCaseAndDoAreEchoed) {
  Bytes mixed = kName;
  mixed[1] = 'C';
  mixed[5] = 'E';
  Bytes opt = Opt({}, 512);
  opt[7] = 0x80;  // DO
  const ParsedQuery p = Parse(Query(mixed, 1, opt, 1));
  ASSERT_EQ(p.verdict, QueryVerdict::kAnswer) << p.why;
  EXPECT_EQ(p.query.question.qname, "cdn.example.net");
  DnsAnswer many;
  for (std::uint32_t i = 0; i < 60; ++i) many.addresses.push_back(Ipv4Address{0xC0000200 + i});
  const Bytes udp = BuildDnsResponse(p.query, many, Zone(), 1, true);
  EXPECT_TRUE(udp[2] & 0x02);
  const std::size_t at = OptAt(udp);
  ASSERT_GT(at, 0u);
  EXPECT_EQ(udp[at + 7] & 0x80, 0x80) << "DO echoed";
  EXPECT_EQ(udp[13], 'C');
  EXPECT_EQ(udp[17], 'E');
}

// The apex: SOA with the mapping version as serial, NS with glue for in-zone servers.
TEST(DnsWireCodec, ApexSoaAndNsRecords) {
  RoutingCatalog catalog;
  AuthoritativeConfig config{"example.net", "cdn.example.net", std::chrono::seconds(30)};
  config.apex.name_servers = {{"ns1.example.net", {Ipv4Address{0x7F000001}}}, {"ns.other.org", {}}};
  AuthoritativeAnswerer answerer(catalog, config);
  const Bytes apex = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'n', 'e', 't', 0};
  ParsedQuery soa = Parse(Query(apex, 6));
  ASSERT_EQ(soa.verdict, QueryVerdict::kAnswer);
  const DnsAnswer soa_answer = answerer.Answer(soa.query.question);
  EXPECT_EQ(soa_answer.data, DnsAnswerData::kApexSoa);
  const Bytes soa_reply = BuildDnsResponse(soa.query, soa_answer, answerer.Config(), 42, false);
  EXPECT_EQ(soa_reply[7], 1) << "one SOA";
  // The serial follows the two names (ns1.example.net, hostmaster.example.net).
  const std::size_t serial_at = soa_reply.size() - 20;
  EXPECT_EQ((soa_reply[serial_at + 2] << 8) | soa_reply[serial_at + 3], 42);

  ParsedQuery ns = Parse(Query(apex, 2));
  const DnsAnswer ns_answer = answerer.Answer(ns.query.question);
  EXPECT_EQ(ns_answer.data, DnsAnswerData::kApexNs);
  const Bytes ns_reply = BuildDnsResponse(ns.query, ns_answer, answerer.Config(), 42, false);
  EXPECT_EQ(ns_reply[7], 2) << "two NS";
  EXPECT_EQ(ns_reply[11], 1) << "glue for the in-zone one only";

  ParsedQuery txt = Parse(Query(apex, 16));
  const DnsAnswer nodata = answerer.Answer(txt.query.question);
  EXPECT_EQ(nodata.rcode, DnsRcode::kNoError);
  const Bytes nodata_reply = BuildDnsResponse(txt.query, nodata, answerer.Config(), 42, false);
  EXPECT_EQ(nodata_reply[7], 0);
  EXPECT_EQ(nodata_reply[9], 1) << "SOA in authority";
}

}  // namespace
}  // namespace cdnlab
