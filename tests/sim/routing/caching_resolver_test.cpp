// CachingResolver with an IPv6 address: IPv6 clients ask AAAA there, it forwards ECS family 2
// (a /56 of the client) over IPv4 to the authoritative, replies from its IPv6 endpoint and
// caches per qtype and IPv6 scope; IPv4 clients are served as before.
#include "sim/routing/caching_resolver.h"

#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "models/ports/metrics_sink.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using std::chrono::milliseconds;
using testing::Addr;

Ipv6Address V6(std::uint8_t subnet, std::uint8_t host) {
  Ipv6Address a;
  a.bytes = {0x3f, 0xff, 0, 1, 0, 0, subnet};
  a.bytes[15] = host;
  return a;
}

class CachingResolverIpv6Test : public ::testing::Test {
 protected:
  // The authoritative: answers every question with one A and one AAAA, scope 48 for IPv6
  // subnets and 24 for IPv4 ones, and remembers what it was asked and by whom.
  void StartAuthoritative() {
    runtime_.Bind(kAuthoritative, [this](const Endpoint& from, const Bytes& payload) {
      const auto message = DecodeSimMessage(payload);
      const auto& query = std::get<SimDnsQuery>(*message);
      asked_.push_back(query.question);
      askers_.push_back(from);
      SimDnsResponse r{query.id, {}};
      r.answer.addresses = {Addr(100, 64, 0, 1)};
      r.answer.addresses6 = {V6(0xcd, 1)};
      r.answer.ttl = std::chrono::seconds(20);
      if (query.question.client_subnet) r.answer.scope_prefix_length = query.question.client_subnet->IsV6() ? 48 : 24;
      r.answer.pop = 0;
      runtime_.Send(kAuthoritative, from, EncodeSimMessage(r));
    });
  }

  // Sends one query from `client` to `resolver` and returns the response it got, if any.
  std::optional<SimDnsResponse> Ask(const Endpoint& client, const Endpoint& resolver, DnsType type) {
    std::optional<SimDnsResponse> got;
    std::optional<Endpoint> from;
    runtime_.Bind(client, [&](const Endpoint& sender, const Bytes& p) {
      from = sender;
      got = std::get<SimDnsResponse>(*DecodeSimMessage(p));
    });
    SimDnsQuery q;
    q.id = 7;
    q.question.qname = "cdn.example.net";
    q.question.qtype = static_cast<std::uint16_t>(type);
    runtime_.Send(client, resolver, EncodeSimMessage(q));
    runtime_.RunFor(milliseconds(500));
    runtime_.Unbind(client);
    if (got) EXPECT_EQ(*from, resolver) << "the reply comes from the address asked";
    return got;
  }

  const Endpoint kAuthoritative{Addr(100, 64, 9, 1), 53};
  const Ipv4Address kResolver4 = Addr(100, 64, 8, 1);
  const Ipv6Address kResolver6 = V6(0xff, 2);
  testing::ManualRuntime runtime_;
  NullMetricsSink metrics_;
  std::vector<DnsQuestion> asked_;
  std::vector<Endpoint> askers_;
};

TEST_F(CachingResolverIpv6Test, ForwardsAaaaWithAnIpv6ClientSubnetAndCachesItByScope) {
  StartAuthoritative();
  CachingResolver resolver(kResolver4, kAuthoritative, true, runtime_, runtime_, runtime_, metrics_, kResolver6);
  resolver.Start();
  const auto answer = Ask({V6(0x10, 1), 5353}, {kResolver6, 53}, DnsType::kAaaa);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->answer.addresses6, std::vector<Ipv6Address>{V6(0xcd, 1)});
  ASSERT_EQ(asked_.size(), 1u);
  EXPECT_EQ(askers_[0].address, IpAddress(kResolver4)) << "upstream over IPv4, so resolver rows match";
  EXPECT_EQ(asked_[0].qtype, static_cast<std::uint16_t>(DnsType::kAaaa));
  ASSERT_TRUE(asked_[0].client_subnet && asked_[0].client_subnet->IsV6());
  EXPECT_EQ(asked_[0].client_subnet->ToString(), "3fff:1:0:1000::/56");

  // Another host of the same /48 scope: from the cache.
  ASSERT_TRUE(Ask({V6(0x20, 9), 5353}, {kResolver6, 53}, DnsType::kAaaa));
  EXPECT_EQ(asked_.size(), 1u);
  EXPECT_TRUE(resolver.CachedAnswer("cdn.example.net", V6(0x30, 1), runtime_.Now(), 28));
  EXPECT_FALSE(resolver.CachedAnswer("cdn.example.net", V6(0x30, 1), runtime_.Now(), 1)) << "cached per qtype";

  // An IPv4 client at the IPv4 address: its own question and /24.
  ASSERT_TRUE(Ask({Addr(10, 1, 0, 1), 5353}, {kResolver4, 53}, DnsType::kA));
  ASSERT_EQ(asked_.size(), 2u);
  EXPECT_EQ(asked_[1].client_subnet->ToString(), "10.1.0.0/24");
}

TEST_F(CachingResolverIpv6Test, WithoutEcsAaaaQueriesCarryNoSubnet) {
  StartAuthoritative();
  CachingResolver resolver(kResolver4, kAuthoritative, false, runtime_, runtime_, runtime_, metrics_, kResolver6);
  resolver.Start();
  ASSERT_TRUE(Ask({V6(0x10, 1), 5353}, {kResolver6, 53}, DnsType::kAaaa));
  ASSERT_EQ(asked_.size(), 1u);
  EXPECT_FALSE(asked_[0].client_subnet);
  EXPECT_EQ(asked_[0].qtype, static_cast<std::uint16_t>(DnsType::kAaaa));
}

}  // namespace
}  // namespace cdnlab
