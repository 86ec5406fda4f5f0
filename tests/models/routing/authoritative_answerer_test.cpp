#include "models/routing/authoritative_answerer.h"

#include <random>
#include <set>

#include <gtest/gtest.h>

#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using testing::Addr;
using std::chrono::seconds;

class AnswererTest : public ::testing::Test {
 protected:
  AnswererTest() : catalog_(testing::ThreePopCatalog()), answerer_(catalog_, {"example.net", "cdn.example.net", seconds(20)}) {
    MappingTable master;
    EXPECT_TRUE(answerer_.ApplyDiff(master.Replace({
        {Ipv4Prefix{Addr(10, 1, 0, 0), 24}, {0, 1}},            // boston -> nyc
        {Ipv4Prefix{Addr(10, 0, 0, 0), 8}, {1}},                // the rest of 10/8 -> lon
        {Ipv4Prefix::Of(catalog_.resolvers[1].address, 32), {2}},  // resolver r1 -> tyo
        {Ipv4Prefix{Ipv4Address{0}, 0}, {1}},                   // default -> lon
    })));
  }
  DnsQuestion Question(const std::string& name, std::optional<Ipv4Prefix> ecs, Ipv4Address source) {
    DnsQuestion q;
    q.qname = name;
    q.client_subnet = ecs;
    q.source = source;
    return q;
  }

  RoutingCatalog catalog_;
  AuthoritativeAnswerer answerer_;
};

TEST_F(AnswererTest, ClientSubnetSelectsTheRowAndSetsScope) {
  const DnsAnswer a = answerer_.Answer(Question("cdn.example.net", Ipv4Prefix{Addr(10, 1, 0, 0), 24}, Addr(192, 0, 2, 1)));
  EXPECT_EQ(a.rcode, DnsRcode::kNoError);
  EXPECT_EQ(a.pop, std::optional<PopIndex>(0));
  ASSERT_EQ(a.addresses.size(), 1u);
  EXPECT_TRUE(a.addresses[0] == catalog_.pops[0].servers[0] || a.addresses[0] == catalog_.pops[0].servers[1]);
  EXPECT_EQ(a.scope_prefix_length, std::optional<std::uint8_t>(24));
  EXPECT_EQ(a.ttl, seconds(20));
  // 10.7.0.0/24 matches 10/8 (lon), but 10/8 holds boston's /24 (nyc): the widest true scope is
  // 10.4.0.0/14, not /8 (a /8 would let the resolver hand lon to boston's clients).
  const DnsAnswer wide = answerer_.Answer(Question("cdn.example.net", Ipv4Prefix{Addr(10, 7, 0, 0), 24}, Addr(192, 0, 2, 1)));
  EXPECT_EQ(wide.pop, std::optional<PopIndex>(1));
  EXPECT_EQ(wide.scope_prefix_length, std::optional<std::uint8_t>(14));
}

TEST_F(AnswererTest, WithoutScopeAggregationTheScopeIsTheRowsPrefix) {
  AuthoritativeConfig config{"example.net", "cdn.example.net", seconds(20)};
  EXPECT_TRUE(config.scope_aggregation) << "aggregation is on by default";
  config.scope_aggregation = false;
  AuthoritativeAnswerer plain(catalog_, config);
  ASSERT_TRUE(plain.ApplyDiff(MappingDiff{0, 1, answerer_.Table().Entries(), {}}));
  const DnsAnswer wide = plain.Answer(Question("cdn.example.net", Ipv4Prefix{Addr(10, 7, 0, 0), 24}, Addr(192, 0, 2, 1)));
  EXPECT_EQ(wide.pop, std::optional<PopIndex>(1));
  EXPECT_EQ(wide.scope_prefix_length, std::optional<std::uint8_t>(8));
}

// Four adjacent /24s on one PoP: each is answered with the /22 and with the same server (hashed
// from the /22, not from each /24), so a resolver may truly reuse the answer for all four.
TEST_F(AnswererTest, AdjacentSubnetsOnOnePopShareScopeAndServer) {
  std::vector<MappingEntry> rows = answerer_.Table().Entries();
  for (std::uint8_t c = 0; c < 4; ++c) rows.push_back({Ipv4Prefix{Addr(10, 20, c, 0), 24}, {2, 0}});
  for (const bool aggregate : {true, false}) {
    AuthoritativeConfig config{"example.net", "cdn.example.net", seconds(20)};
    config.scope_aggregation = aggregate;
    AuthoritativeAnswerer answerer(catalog_, config);
    MappingTable master;
    ASSERT_TRUE(answerer.ApplyDiff(master.Replace(rows)));
    std::set<std::uint32_t> servers;
    for (std::uint8_t c = 0; c < 4; ++c) {
      const DnsAnswer a =
          answerer.Answer(Question("cdn.example.net", Ipv4Prefix{Addr(10, 20, c, 0), 24}, Addr(192, 0, 2, 1)));
      EXPECT_EQ(a.pop, std::optional<PopIndex>(2));
      EXPECT_EQ(a.scope_prefix_length, std::optional<std::uint8_t>(aggregate ? 22 : 24));
      servers.insert(a.addresses.at(0).value);
    }
    // Aggregated: one answer for the whole scope; per subnet, hashing spreads the /24s over both servers.
    EXPECT_EQ(servers.size(), aggregate ? 1u : 2u);
  }
}

TEST_F(AnswererTest, WithoutClientSubnetTheResolverAddressDecides) {
  const DnsAnswer a = answerer_.Answer(Question("cdn.example.net", std::nullopt, catalog_.resolvers[1].address));
  EXPECT_EQ(a.pop, std::optional<PopIndex>(2));
  EXPECT_FALSE(a.scope_prefix_length.has_value());
  const DnsAnswer other = answerer_.Answer(Question("cdn.example.net", std::nullopt, Addr(198, 51, 100, 1)));
  EXPECT_EQ(other.pop, std::optional<PopIndex>(1)) << "the default row";
}

// The answer still depends on the subnet (other subnets have rows of their own), so its scope
// is the query's source prefix: with scope 0 the resolver would reuse it for every client.
TEST_F(AnswererTest, UnmappedSubnetFallsBackToTheResolverScopedToThatSubnet) {
  const DnsAnswer a =
      answerer_.Answer(Question("cdn.example.net", Ipv4Prefix{Addr(172, 16, 0, 0), 24}, catalog_.resolvers[1].address));
  EXPECT_EQ(a.pop, std::optional<PopIndex>(2));
  EXPECT_EQ(a.scope_prefix_length, std::optional<std::uint8_t>(24));
}

TEST_F(AnswererTest, NamesAreCaseInsensitiveAndMayEndInADot) {
  EXPECT_EQ(answerer_.Answer(Question("CDN.Example.NET.", std::nullopt, Addr(1, 1, 1, 1))).rcode, DnsRcode::kNoError);
}

TEST_F(AnswererTest, OtherNamesAndTypesGetTheRightRcode) {
  EXPECT_EQ(answerer_.Answer(Question("www.example.net", std::nullopt, Addr(1, 1, 1, 1))).rcode, DnsRcode::kNxDomain);
  EXPECT_EQ(answerer_.Answer(Question("cdn.example.org", std::nullopt, Addr(1, 1, 1, 1))).rcode, DnsRcode::kRefused);
  EXPECT_EQ(answerer_.Answer(Question("notexample.net", std::nullopt, Addr(1, 1, 1, 1))).rcode, DnsRcode::kRefused);
  DnsQuestion aaaa = Question("cdn.example.net", std::nullopt, Addr(1, 1, 1, 1));
  aaaa.qtype = static_cast<std::uint16_t>(DnsType::kAaaa);
  const DnsAnswer nodata = answerer_.Answer(aaaa);
  EXPECT_EQ(nodata.rcode, DnsRcode::kNoError);
  EXPECT_TRUE(nodata.addresses.empty());
}

TEST_F(AnswererTest, NoMappingIsServfail) {
  AuthoritativeAnswerer empty(catalog_, {"example.net", "cdn.example.net", seconds(20)});
  EXPECT_EQ(empty.Answer(Question("cdn.example.net", std::nullopt, Addr(1, 1, 1, 1))).rcode, DnsRcode::kServFail);
}

TEST_F(AnswererTest, OneClientKeepsHittingOneServer) {
  const auto q = Question("cdn.example.net", Ipv4Prefix{Addr(10, 1, 0, 0), 24}, Addr(192, 0, 2, 1));
  EXPECT_EQ(answerer_.Answer(q).addresses, answerer_.Answer(q).addresses);
}


TEST_F(AnswererTest, MappingByResolverIgnoresTheClientSubnetAndAnswersWithScopeZero) {
  AuthoritativeConfig config{"example.net", "cdn.example.net", seconds(20)};
  EXPECT_TRUE(config.use_client_subnet) << "client subnet is honoured by default";
  config.use_client_subnet = false;
  AuthoritativeAnswerer by_resolver(catalog_, config);
  ASSERT_TRUE(by_resolver.ApplyDiff(MappingDiff{0, 1, answerer_.Table().Entries(), {}}));
  // Boston's subnet has its own row (nyc), but the query comes through r1, whose row says tyo.
  const auto q = Question("cdn.example.net", Ipv4Prefix{Addr(10, 1, 0, 0), 24}, catalog_.resolvers[1].address);
  EXPECT_EQ(answerer_.Answer(q).pop, std::optional<PopIndex>(0)) << "the default answerer uses the subnet";
  const DnsAnswer a = by_resolver.Answer(q);
  EXPECT_EQ(a.rcode, DnsRcode::kNoError);
  EXPECT_EQ(a.pop, std::optional<PopIndex>(2));
  EXPECT_EQ(a.scope_prefix_length, std::optional<std::uint8_t>(0)) << "RFC 7871 7.2.1: no subnet bits were used";
  const DnsAnswer other = by_resolver.Answer(Question("cdn.example.net", Ipv4Prefix{Addr(10, 1, 0, 0), 24}, Addr(198, 51, 100, 1)));
  EXPECT_EQ(other.pop, std::optional<PopIndex>(1)) << "an unknown resolver gets the default row";
  const DnsAnswer plain = by_resolver.Answer(Question("cdn.example.net", std::nullopt, catalog_.resolvers[1].address));
  EXPECT_EQ(plain.pop, std::optional<PopIndex>(2));
  EXPECT_FALSE(plain.scope_prefix_length.has_value()) << "no subnet asked, no scope returned";
}

// The property scope aggregation must keep (issue 14): for random tables (client rows, resolver
// /32s, the default row) and random client subnets, every address inside the returned scope is
// answered the same (PoP, server, scope) when it asks itself, and its own longest-matching row
// is a subnet row with that PoP. A scope wider than that would make resolvers hand wrong answers
// to other subnets from their caches.
TEST_F(AnswererTest, RandomTablesEveryAddressInsideTheScopeGetsTheSameAnswer) {
  constexpr std::uint32_t kBase = (10u << 24);  // rows live in 10.0.0.0/16
  constexpr std::uint32_t kSize = 1u << 16;
  std::mt19937 random(7871);
  auto ask = [](const AuthoritativeAnswerer& answerer, Ipv4Prefix subnet, Ipv4Address resolver) {
    DnsQuestion q;
    q.qname = "cdn.example.net";
    q.client_subnet = subnet;
    q.source = resolver;
    return answerer.Answer(q);
  };
  int checked = 0;
  for (int round = 0; round < 60; ++round) {
    std::vector<MappingEntry> rows{{Ipv4Prefix{Ipv4Address{0}, 0}, {static_cast<PopIndex>(random() % 3)}}};
    for (const auto& r : catalog_.resolvers) rows.push_back({Ipv4Prefix::Of(r.address, 32), {random() % 3}});
    const int count = 1 + static_cast<int>(random() % 40);
    for (int i = 0; i < count; ++i) {
      const std::uint32_t kind = random() % 10;
      const auto len = static_cast<std::uint8_t>(kind < 7 ? 22 + random() % 3 : kind < 9 ? 16 + random() % 6 : 32);
      rows.push_back({Ipv4Prefix::Of(Ipv4Address{kBase + static_cast<std::uint32_t>(random() % kSize)}, len), {random() % 3, 0}});
    }
    AuthoritativeAnswerer answerer(catalog_, {"example.net", "cdn.example.net", seconds(20)});
    MappingTable master;
    ASSERT_TRUE(answerer.ApplyDiff(master.Replace(rows)));
    auto longest_match = [&](Ipv4Address a) {
      const MappingEntry* best = nullptr;
      for (const auto& row : rows) {
        // ">=": of rows with one prefix, the table keeps the last
        if (row.prefix.Contains(a) && (best == nullptr || row.prefix.Length() >= best->prefix.Length())) best = &row;
      }
      return best;
    };
    for (int q = 0; q < 40; ++q) {
      const Ipv4Address resolver = catalog_.resolvers[random() % 2].address;
      const Ipv4Prefix subnet = Ipv4Prefix::Of(Ipv4Address{kBase + static_cast<std::uint32_t>(random() % kSize)}, 24);
      const DnsAnswer answer = ask(answerer, subnet, resolver);
      ASSERT_EQ(answer.rcode, DnsRcode::kNoError);
      ASSERT_TRUE(answer.scope_prefix_length.has_value());
      const Ipv4Prefix scope = Ipv4Prefix::Of(subnet.network, *answer.scope_prefix_length);
      if (longest_match(subnet.network)->prefix.Length() == 0) {
        EXPECT_EQ(scope.length, 24) << "answered by resolver: valid for this subnet alone";
        continue;
      }
      // The scope's ends, then random addresses inside it.
      const std::uint32_t size_minus_one = ~Ipv4Prefix::MaskFor(scope.length);
      std::vector<Ipv4Address> inside{scope.network, Ipv4Address{scope.network.value + size_minus_one}};
      for (int i = 0; i < 50; ++i) inside.push_back(Ipv4Address{scope.network.value + (static_cast<std::uint32_t>(random()) & size_minus_one)});
      for (const Ipv4Address a : inside) {
        const MappingEntry* row = longest_match(a);
        ASSERT_TRUE(row != nullptr && row->prefix.Length() > 0) << a.ToString() << " in " << scope.ToString();
        ASSERT_EQ(row->ranked_pops.front(), answer.pop) << a.ToString() << " in " << scope.ToString();
        for (const std::uint8_t source : {std::uint8_t{32}, std::uint8_t{24}}) {
          if (source < scope.length) continue;  // that subnet would reach outside the scope
          const DnsAnswer other = ask(answerer, Ipv4Prefix::Of(a, source), resolver);
          ASSERT_EQ(other.pop, answer.pop) << a.ToString() << " in " << scope.ToString();
          ASSERT_EQ(other.addresses, answer.addresses) << a.ToString() << " in " << scope.ToString();
          ASSERT_EQ(other.scope_prefix_length, answer.scope_prefix_length) << a.ToString();
        }
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 10000);
}

// AAAA comes from the same row and PoP as A; a PoP of one family only answers the other
// family with NODATA (never SERVFAIL: it has servers), and one with none at all is SERVFAIL.
TEST(AnswererFamilies, AaaaFollowsTheSameRankingAndMissingFamiliesAreNodata) {
  RoutingCatalog catalog;
  Ipv6Address v6;
  v6.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
  catalog.pops = {{"dual", {}, {Addr(192, 0, 2, 10)}, 0, {v6}}, {"v6-only", {}, {}, 0, {v6}}, {"none", {}, {}, 0}};
  AuthoritativeAnswerer answerer(catalog, AuthoritativeConfig{"example.net", "cdn.example.net"});
  MappingTable master;
  answerer.ApplyDiff(master.Replace({{Ipv4Prefix{Addr(10, 1, 0, 0), 24}, {0}},
                                     {Ipv4Prefix{Addr(10, 2, 0, 0), 24}, {1}},
                                     {Ipv4Prefix{Addr(10, 3, 0, 0), 24}, {2}}}));
  auto ask = [&](std::uint16_t qtype, Ipv4Address subnet) {
    DnsQuestion q;
    q.qname = "cdn.example.net";
    q.qtype = qtype;
    q.client_subnet = Ipv4Prefix{subnet, 24};
    return answerer.Answer(q);
  };
  const DnsAnswer dual6 = ask(28, Addr(10, 1, 0, 0));
  ASSERT_EQ(dual6.addresses6.size(), 1u);
  EXPECT_EQ(dual6.addresses6[0], v6);
  EXPECT_TRUE(dual6.addresses.empty());
  EXPECT_EQ(ask(1, Addr(10, 1, 0, 0)).addresses.size(), 1u);
  const DnsAnswer only6_a = ask(1, Addr(10, 2, 0, 0));
  EXPECT_EQ(only6_a.rcode, DnsRcode::kNoError);
  EXPECT_TRUE(only6_a.addresses.empty()) << "NODATA";
  EXPECT_EQ(only6_a.scope_prefix_length, std::optional<std::uint8_t>(24)) << "the NODATA depends on the subnet";
  EXPECT_EQ(ask(28, Addr(10, 2, 0, 0)).addresses6.size(), 1u);
  EXPECT_EQ(ask(28, Addr(10, 3, 0, 0)).rcode, DnsRcode::kServFail);
}

}  // namespace
}  // namespace cdnlab
