#include "models/routing/resolver_cache.h"

#include <gtest/gtest.h>

#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using testing::Addr;
using std::chrono::seconds;

DnsAnswer AnswerWith(Ipv4Address a, int ttl_s) {
  DnsAnswer d;
  d.addresses = {a};
  d.ttl = seconds(ttl_s);
  return d;
}

TEST(ResolverCache, ScopedAnswersServeOnlyTheirSubnet) {
  ResolverCache c;
  c.Insert("cdn.example.net", Ipv4Prefix{Addr(10, 1, 0, 0), 24}, AnswerWith(Addr(1, 1, 1, 1), 20), seconds(0));
  EXPECT_TRUE(c.Lookup("cdn.example.net", Addr(10, 1, 0, 9), seconds(1)).has_value());
  EXPECT_FALSE(c.Lookup("cdn.example.net", Addr(10, 2, 0, 9), seconds(1)).has_value());
  EXPECT_EQ(c.Hits(), 1u);
  EXPECT_EQ(c.Misses(), 1u);
}

// Scope aggregation (issue 14): one answer scoped to a /18 serves every /24 inside it, so the
// resolver asks once for all of them.
TEST(ResolverCache, AWideScopeServesEverySubnetInsideIt) {
  ResolverCache c;
  c.Insert("cdn.example.net", Ipv4Prefix{Addr(10, 2, 0, 0), 18}, AnswerWith(Addr(1, 1, 1, 1), 20), seconds(0));
  for (std::uint8_t third = 0; third < 64; ++third) {
    EXPECT_TRUE(c.Lookup("cdn.example.net", Addr(10, 2, third, 1), seconds(1)).has_value()) << int(third);
  }
  EXPECT_FALSE(c.Lookup("cdn.example.net", Addr(10, 2, 64, 1), seconds(1)).has_value());
  EXPECT_EQ(c.Size(), 1u);
}

TEST(ResolverCache, MostSpecificEntryWins) {
  ResolverCache c;
  c.Insert("cdn.example.net", std::nullopt, AnswerWith(Addr(9, 9, 9, 9), 20), seconds(0));
  c.Insert("cdn.example.net", Ipv4Prefix{Addr(10, 1, 0, 0), 24}, AnswerWith(Addr(1, 1, 1, 1), 20), seconds(0));
  EXPECT_EQ(c.Lookup("cdn.example.net", Addr(10, 1, 0, 9), seconds(1))->answer.addresses[0], Addr(1, 1, 1, 1));
  EXPECT_EQ(c.Lookup("cdn.example.net", Addr(10, 2, 0, 9), seconds(1))->answer.addresses[0], Addr(9, 9, 9, 9));
}

TEST(ResolverCache, EntriesExpireAfterTheirTtl) {
  ResolverCache c;
  c.Insert("CDN.example.net.", std::nullopt, AnswerWith(Addr(1, 1, 1, 1), 20), seconds(10));
  const auto hit = c.Lookup("cdn.example.net", Addr(10, 1, 0, 1), seconds(25));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->remaining_ttl, seconds(5));
  EXPECT_FALSE(c.Lookup("cdn.example.net", Addr(10, 1, 0, 1), seconds(30)).has_value());
  EXPECT_EQ(c.PurgeExpired(seconds(30)), 1u);
  EXPECT_EQ(c.Size(), 0u);
}

TEST(ResolverCache, CanonicalNames) {
  EXPECT_EQ(CanonicalDnsName("CDN.Example.net."), "cdn.example.net");
  EXPECT_EQ(CanonicalDnsName("a"), "a");
}

TEST(ResolverCache, IPv6ScopesServeOnlyIPv6ClientsInside) {
  using testing::Addr6;
  ResolverCache cache;
  const SimTime t0{0};
  DnsAnswer six = AnswerWith(Addr(100, 64, 0, 1), 20);
  six.addresses6 = {Addr6({0x2001, 0xdb8, 0xcd00}, 1)};
  cache.Insert("cdn.example.net", IpPrefix(Ipv6Prefix::Of(Addr6({0x2001, 0xdb8, 1, 0x4217}), 56)), six, t0, 28);
  EXPECT_TRUE(cache.Lookup("cdn.example.net", Addr6({0x2001, 0xdb8, 1, 0x42ff}, 7), t0, 28).has_value());
  EXPECT_FALSE(cache.Lookup("cdn.example.net", Addr6({0x2001, 0xdb8, 1, 0x4300}, 7), t0, 28).has_value());
  EXPECT_FALSE(cache.Lookup("cdn.example.net", Addr(10, 1, 0, 1), t0, 28).has_value()) << "another family";
}

TEST(ResolverCache, AAndAaaaAreCachedApart) {
  ResolverCache cache;
  const SimTime t0{0};
  cache.Insert("cdn.example.net", std::nullopt, AnswerWith(Addr(100, 64, 0, 1), 20), t0);  // A, for everyone
  EXPECT_TRUE(cache.Lookup("cdn.example.net", Addr(10, 1, 0, 1), t0).has_value());
  EXPECT_FALSE(cache.Lookup("cdn.example.net", Addr(10, 1, 0, 1), t0, 28).has_value()) << "A does not answer AAAA";
  EXPECT_EQ(cache.Size(), 1u);
}

}  // namespace
}  // namespace cdnlab
