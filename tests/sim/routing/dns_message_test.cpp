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

}  // namespace
}  // namespace cdnlab
