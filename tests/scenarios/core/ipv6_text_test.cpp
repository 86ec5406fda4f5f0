// IPv6 text in and out: RFC 4291 2.2 forms are read, RFC 5952 form is written, and prefixes
// with host bits or impossible lengths are refused with a reason.
#include "scenarios/core/ipv6_text.h"

#include <random>

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

TEST(Ipv6Text, ReadsEveryTextFormAndWritesTheCanonicalOne) {
  const std::pair<const char*, const char*> cases[] = {
      {"2001:DB8:0:0:8:800:200C:417A", "2001:db8::8:800:200c:417a"},
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},  // RFC 5952 4.2.3: the first of equal runs
      {"0:0:0:0:0:0:0:1", "::1"},
      {"::", "::"},
      {"2001:db8::", "2001:db8::"},
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},  // RFC 5952 4.2.2: one zero group stays
      {"::ffff:192.0.2.128", "::ffff:192.0.2.128"},  // RFC 5952 5
      {"::FFFF:C000:0280", "::ffff:192.0.2.128"},
      {"fe80:0:0:0:0:0:0:0", "fe80::"},
  };
  for (const auto& [in, out] : cases) {
    const auto a = ParseIpv6Address(in);
    ASSERT_TRUE(a.has_value()) << in;
    EXPECT_EQ(a->ToString(), out) << in;
    EXPECT_EQ(ParseIpv6Address(a->ToString()), a) << "round trip of " << in;
  }
  for (const char* bad : {"", "1::2::3", "12345::", "2001:db8::g", "::1%eth0", "[::1]", "1.2.3.4", "1:2:3:4:5:6:7:8:9"}) {
    EXPECT_FALSE(ParseIpv6Address(bad).has_value()) << bad;
  }
}

TEST(Ipv6Text, PrefixesNeedAValidLengthAndNoHostBits) {
  const auto p = ParseIpv6Prefix("2001:db8:1200::/40");
  ASSERT_TRUE(std::holds_alternative<Ipv6Prefix>(p));
  EXPECT_EQ(std::get<Ipv6Prefix>(p).ToString(), "2001:db8:1200::/40");
  EXPECT_TRUE(std::get<Ipv6Prefix>(p).Contains(*ParseIpv6Address("2001:db8:12ff::1")));
  EXPECT_FALSE(std::get<Ipv6Prefix>(p).Contains(*ParseIpv6Address("2001:db8:1300::1")));
  EXPECT_NE(std::get<std::string>(ParseIpv6Prefix("2001:db8:1201::/40")).find("host bits set; the network is 2001:db8:1200::/40"),
            std::string::npos);
  EXPECT_NE(std::get<std::string>(ParseIpv6Prefix("2001:db8::/129")).find("outside 0..128"), std::string::npos);
  EXPECT_NE(std::get<std::string>(ParseIpv6Prefix("2001:db8::/48", 0, 32)).find("outside 0..32"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<std::string>(ParseIpv6Prefix("2001:db8::")));
  EXPECT_TRUE(std::holds_alternative<std::string>(ParseIpv6Prefix("2001:db8::/x")));
  EXPECT_EQ(std::get<Ipv6Prefix>(ParseIpv6Prefix("::/0")).ToString(), "::/0");
}

// Property: Of() keeps exactly the first `length` bits, at every length.
TEST(Ipv6Prefix, OfClearsExactlyTheHostBits) {
  std::mt19937 random(5);
  for (int i = 0; i < 500; ++i) {
    Ipv6Address a;
    for (auto& b : a.bytes) b = static_cast<std::uint8_t>(random());
    const auto length = static_cast<std::uint8_t>(random() % 129);
    const Ipv6Prefix p = Ipv6Prefix::Of(a, length);
    for (int bit = 0; bit < 128; ++bit) {
      const bool in = (a.bytes[bit / 8] >> (7 - bit % 8)) & 1;
      const bool out = (p.network.bytes[bit / 8] >> (7 - bit % 8)) & 1;
      EXPECT_EQ(out, bit < length ? in : false) << "bit " << bit << " of /" << int(length);
    }
    EXPECT_TRUE(p.Contains(a));
    EXPECT_TRUE(p.Overlaps(Ipv6Prefix::Of(a, 128)));
  }
}

}  // namespace
}  // namespace cdnlab
