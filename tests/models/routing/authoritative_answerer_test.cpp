#include "models/routing/authoritative_answerer.h"

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
  const DnsAnswer wide = answerer_.Answer(Question("cdn.example.net", Ipv4Prefix{Addr(10, 7, 0, 0), 24}, Addr(192, 0, 2, 1)));
  EXPECT_EQ(wide.pop, std::optional<PopIndex>(1));
  EXPECT_EQ(wide.scope_prefix_length, std::optional<std::uint8_t>(8));
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

}  // namespace
}  // namespace cdnlab
