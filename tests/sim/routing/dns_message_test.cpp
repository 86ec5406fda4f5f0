#include "sim/routing/dns_message.h"

#include <gtest/gtest.h>

#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using testing::Addr;

TEST(SimDnsMessage, QueryAndResponseRoundTrip) {
  SimDnsQuery q;
  q.id = 77;
  q.question.qname = "cdn.example.net";
  q.question.client_subnet = Ipv4Prefix{Addr(10, 1, 0, 0), 24};
  const auto back = DecodeSimMessage(EncodeSimMessage(q));
  ASSERT_TRUE(back && std::holds_alternative<SimDnsQuery>(*back));
  const auto& bq = std::get<SimDnsQuery>(*back);
  EXPECT_EQ(bq.id, 77);
  EXPECT_EQ(bq.question.qname, "cdn.example.net");
  EXPECT_EQ(bq.question.client_subnet, q.question.client_subnet);

  SimDnsResponse r;
  r.id = 9;
  r.answer.addresses = {Addr(1, 2, 3, 4), Addr(5, 6, 7, 8)};
  r.answer.ttl = std::chrono::seconds(20);
  r.answer.scope_prefix_length = 24;
  r.answer.pop = 3;
  const auto rb = DecodeSimMessage(EncodeSimMessage(r));
  ASSERT_TRUE(rb && std::holds_alternative<SimDnsResponse>(*rb));
  const auto& a = std::get<SimDnsResponse>(*rb).answer;
  EXPECT_EQ(a.addresses, r.answer.addresses);
  EXPECT_EQ(a.ttl, r.answer.ttl);
  EXPECT_EQ(a.scope_prefix_length, r.answer.scope_prefix_length);
  EXPECT_EQ(a.pop, r.answer.pop);
}

TEST(SimDnsMessage, MalformedInputIsRejectedNotTrusted) {
  SimDnsQuery q;
  q.question.qname = "cdn.example.net";
  const Bytes good = EncodeSimMessage(q);
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_FALSE(DecodeSimMessage(Bytes(good.begin(), good.begin() + static_cast<long>(cut))).has_value()) << cut;
  }
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_FALSE(DecodeSimMessage(trailing).has_value());
  EXPECT_FALSE(DecodeSimMessage(Bytes{99, 1, 2}).has_value());
  EXPECT_FALSE(DecodeSimMessage(Bytes{}).has_value());
  Bytes huge_name = good;
  huge_name[11] = 0xFF;  // qname length far beyond the datagram
  EXPECT_FALSE(DecodeSimMessage(huge_name).has_value());
}

TEST(SimDnsMessage, DiffsSplitIntoBoundedChunksAndReassemble) {
  MappingDiff diff;
  diff.from_version = 4;
  diff.to_version = 5;
  for (std::uint32_t i = 0; i < 400; ++i) {
    diff.upserts.push_back({Ipv4Prefix{Ipv4Address{(10u << 24) | (i << 8)}, 24}, {1, 2, 3}});
  }
  diff.removals.push_back(Ipv4Prefix{Addr(11, 0, 0, 0), 8});
  const auto chunks = SplitDiff(diff, 1200);
  ASSERT_GT(chunks.size(), 1u);
  MappingDiff rebuilt;
  for (const auto& c : chunks) {
    const Bytes bytes = EncodeSimMessage(c);
    EXPECT_LE(bytes.size(), 1200u);
    const auto back = DecodeSimMessage(bytes);
    ASSERT_TRUE(back && std::holds_alternative<MappingDiffChunk>(*back));
    const auto& bc = std::get<MappingDiffChunk>(*back);
    EXPECT_EQ(bc.count, chunks.size());
    EXPECT_EQ(bc.from_version, 4u);
    rebuilt.upserts.insert(rebuilt.upserts.end(), bc.upserts.begin(), bc.upserts.end());
    rebuilt.removals.insert(rebuilt.removals.end(), bc.removals.begin(), bc.removals.end());
  }
  EXPECT_EQ(rebuilt.upserts, diff.upserts);
  EXPECT_EQ(rebuilt.removals, diff.removals);
}

// IPv6 client subnets, AAAA records and IPv6 rows travel too; IPv4 messages keep the sizes
// they had before IPv6 (packet-mode timings of IPv4-only scenarios depend on them).
TEST(SimDnsMessage, IPv6FieldsRoundTripAndIPv4SizesStay) {
  using testing::Addr6;
  SimDnsQuery q;
  q.id = 5;
  q.question.qname = "cdn.example.net";
  q.question.qtype = 28;
  q.question.client_subnet = Ipv6Prefix::Of(Addr6({0x2001, 0xdb8, 1, 0x4200}), 56);
  const auto back = DecodeSimMessage(EncodeSimMessage(q));
  ASSERT_TRUE(back && std::holds_alternative<SimDnsQuery>(*back));
  EXPECT_EQ(std::get<SimDnsQuery>(*back).question.client_subnet, q.question.client_subnet);
  EXPECT_EQ(std::get<SimDnsQuery>(*back).question.qtype, 28);

  SimDnsResponse r;
  r.answer.addresses = {Addr(1, 2, 3, 4)};
  r.answer.addresses6 = {Addr6({0x2001, 0xdb8, 0xcd00}, 1)};
  r.answer.scope_prefix_length = 48;
  const auto rb = DecodeSimMessage(EncodeSimMessage(r));
  ASSERT_TRUE(rb && std::holds_alternative<SimDnsResponse>(*rb));
  EXPECT_EQ(std::get<SimDnsResponse>(*rb).answer.addresses, r.answer.addresses);
  EXPECT_EQ(std::get<SimDnsResponse>(*rb).answer.addresses6, r.answer.addresses6);

  MappingDiff diff;
  diff.to_version = 1;
  diff.upserts = {{Ipv4Prefix{Addr(10, 1, 0, 0), 24}, {0}}, {Ipv6Prefix::Of(Addr6({0x2001, 0xdb8, 1}), 48), {1, 2}}};
  diff.removals = {Ipv6Prefix::Of(Addr6({0x2001, 0xdb8, 2}), 48), Ipv4Prefix{Addr(10, 2, 0, 0), 24}};
  const auto chunks = SplitDiff(diff, 1400);
  ASSERT_EQ(chunks.size(), 1u);
  const auto cb = DecodeSimMessage(EncodeSimMessage(chunks[0]));
  ASSERT_TRUE(cb && std::holds_alternative<MappingDiffChunk>(*cb));
  EXPECT_EQ(std::get<MappingDiffChunk>(*cb).upserts, diff.upserts);
  EXPECT_EQ(std::get<MappingDiffChunk>(*cb).removals, diff.removals);

  // The IPv4 sizes of before: query 1+2+2+(1+4+1)+(2+15), response 1+2+1+4+1+1+1+4+1+4.
  SimDnsQuery v4;
  v4.question.qname = "cdn.example.net";
  v4.question.client_subnet = Ipv4Prefix{Addr(10, 1, 0, 0), 24};
  EXPECT_EQ(EncodeSimMessage(v4).size(), 28u);
  SimDnsResponse v4r;
  v4r.answer.addresses = {Addr(1, 2, 3, 4)};
  EXPECT_EQ(EncodeSimMessage(v4r).size(), 20u);
  // An IPv6 prefix with host bits set is not something a sender wrote.
  Bytes bad = EncodeSimMessage(chunks[0]);
  bad[bad.size() - 1 - 5] |= 1;  // the last byte of the IPv6 removal's address (before the IPv4 one)
  EXPECT_FALSE(DecodeSimMessage(bad).has_value());
}

}  // namespace
}  // namespace cdnlab
