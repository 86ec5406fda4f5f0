#include "models/net/ip_address.h"

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

Ipv6Address V6(std::initializer_list<std::uint16_t> groups) {
  Ipv6Address a;
  std::size_t i = 0;
  for (std::uint16_t g : groups) {
    a.bytes[i++] = static_cast<std::uint8_t>(g >> 8);
    a.bytes[i++] = static_cast<std::uint8_t>(g & 0xFF);
  }
  return a;
}

TEST(IpAddress, KnowsItsFamilyAndRoundTripsThroughBits) {
  const IpAddress v4 = Ipv4Address{0x0A010203};
  const IpAddress v6 = V6({0x2001, 0x0db8, 0, 0, 0, 0, 0, 1});
  EXPECT_TRUE(v4.IsV4());
  EXPECT_EQ(v4.Family(), IpFamily::kV4);
  EXPECT_EQ(v4.Width(), 32);
  EXPECT_EQ(v6.Family(), IpFamily::kV6);
  EXPECT_EQ(v6.Width(), 128);
  EXPECT_EQ(IpAddress::FromBits(IpFamily::kV4, v4.Bits()), v4);
  EXPECT_EQ(IpAddress::FromBits(IpFamily::kV6, v6.Bits()), v6);
  EXPECT_EQ(v4.ToString(), "10.1.2.3");
  EXPECT_EQ(v6.ToString(), "2001:db8::1");
  EXPECT_LT(IpAddress(Ipv4Address{0xFFFFFFFF}), IpAddress(Ipv6Address{})) << "IPv4 orders before IPv6";
  EXPECT_THROW(v4.V6(), std::bad_variant_access);
}

TEST(IpPrefix, ClearsHostBitsAndCapsTheLength) {
  EXPECT_EQ(IpPrefix::Of(Ipv4Address{0x0A0102FF}, 24).ToString(), "10.1.2.0/24");
  EXPECT_EQ(IpPrefix::Of(V6({0x2001, 0x0db8, 0x1234, 0x5678, 0, 0, 0, 1}), 36).ToString(), "2001:db8:1000::/36");
  EXPECT_EQ(IpPrefix::Of(Ipv4Address{1}, 200).Length(), 32);
  EXPECT_EQ(IpPrefix::Of(V6({1}), 200).Length(), 128);
  EXPECT_EQ(IpPrefix::Of(V6({0xffff}), 0).ToString(), "::/0");
}

TEST(IpPrefix, ContainsAndOverlapsOnlyWithinItsFamily) {
  const IpPrefix v4{Ipv4Prefix{Ipv4Address{0}, 0}};
  const IpPrefix v6{Ipv6Prefix::Of(V6({0x2001, 0x0db8, 1}), 48)};
  EXPECT_TRUE(v4.Contains(Ipv4Address{0x7F000001}));
  EXPECT_FALSE(v4.Contains(V6({0x2001, 0x0db8, 1}))) << "0.0.0.0/0 holds no IPv6 address";
  EXPECT_TRUE(v6.Contains(V6({0x2001, 0x0db8, 1, 0xabcd, 0, 0, 0, 9})));
  EXPECT_FALSE(v6.Contains(V6({0x2001, 0x0db8, 2})));
  EXPECT_FALSE(v6.Contains(Ipv4Address{0x20010db8}));
  EXPECT_TRUE(v6.Overlaps(IpPrefix::Of(V6({0x2001, 0x0db8}), 32)));
  EXPECT_FALSE(v6.Overlaps(v4));
  EXPECT_FALSE(IpPrefix(Ipv6Prefix{}).Overlaps(v4));
}

TEST(IpPrefix, FirstAndLastAddressAsBits) {
  const IpPrefix v4 = IpPrefix::Of(Ipv4Address{0x0A010200}, 23);
  EXPECT_EQ(v4.FirstBits(), AddressBits{0x0A010200});
  EXPECT_EQ(v4.LastBits(), AddressBits{0x0A0103FF});
  EXPECT_EQ(IpPrefix(Ipv4Prefix{}).LastBits(), AddressBits{0xFFFFFFFF});
  EXPECT_EQ(IpPrefix(Ipv6Prefix{}).LastBits(), ~AddressBits{0});
  const IpPrefix v6 = IpPrefix::Of(V6({0x2001, 0x0db8, 1}), 48);
  EXPECT_EQ(IpAddress::FromBits(IpFamily::kV6, v6.LastBits()).ToString(), "2001:db8:1:ffff:ffff:ffff:ffff:ffff");
  EXPECT_EQ(IpPrefix::Of(V6({1}), 128).FirstBits(), IpPrefix::Of(V6({1}), 128).LastBits());
}

TEST(IpPrefix, OrdersByFamilyThenNetworkThenLength) {
  const IpPrefix a = IpPrefix::Of(Ipv4Address{0x0A000000}, 8);
  const IpPrefix b = IpPrefix::Of(Ipv4Address{0x0A000000}, 16);
  const IpPrefix c = IpPrefix::Of(Ipv4Address{0x0B000000}, 8);
  const IpPrefix d = IpPrefix(Ipv6Prefix{});
  const IpPrefix e = IpPrefix::Of(V6({0x2001, 0x0db8}), 32);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_LT(c, d);
  EXPECT_LT(d, e);
  EXPECT_NE(IpPrefix(Ipv4Prefix{}), IpPrefix(Ipv6Prefix{}));
}

}  // namespace
}  // namespace cdnlab
