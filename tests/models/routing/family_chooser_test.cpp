// FamilyChooser: a dual-stack group's requests go over IPv6 for its share, drawn from the
// given stream only when the share is strictly between 0 and 1 (IPv4-only groups never draw,
// so scenarios without IPv6 keep their random sequences).
#include "models/routing/family_chooser.h"

#include <gtest/gtest.h>

#include "models/core/seeded_random_source.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

class CountingRandom final : public RandomSource {
 public:
  std::uint64_t NextU64() override {
    ++draws;
    return inner.NextU64();
  }
  SeededRandomSource inner{5};
  int draws = 0;
};

Ipv6Prefix Prefix6(std::uint8_t third) {
  Ipv6Address a;
  a.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, third};
  return Ipv6Prefix{a, 48};
}

TEST(FamilyChooser, SharesOfZeroAndOneAndIpv4OnlyGroupsDrawNothing) {
  RoutingCatalog c = testing::ThreePopCatalog();
  c.groups[0].prefix6 = Prefix6(1);  // share 1.0 by default
  c.groups[1].prefix6 = Prefix6(2);
  c.groups[1].ipv6_share = 0;
  c.groups[2].ipv6_share = 0.5;  // ignored: no prefix6
  CountingRandom random;
  FamilyChooser chooser(c, random);
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(chooser.Choose(0), IpFamily::kV6);
    EXPECT_EQ(chooser.Choose(1), IpFamily::kV4);
    EXPECT_EQ(chooser.Choose(2), IpFamily::kV4);
  }
  EXPECT_EQ(random.draws, 0);
}

TEST(FamilyChooser, APartialShareDrawsOncePerRequest) {
  RoutingCatalog c = testing::ThreePopCatalog();
  c.groups[0].prefix6 = Prefix6(1);
  c.groups[0].ipv6_share = 0.3;
  CountingRandom random;
  FamilyChooser chooser(c, random);
  int v6 = 0;
  for (int i = 0; i < 10000; ++i) v6 += chooser.Choose(0) == IpFamily::kV6;
  EXPECT_EQ(random.draws, 10000);
  EXPECT_NEAR(v6 / 10000.0, 0.3, 0.02);
}

TEST(FamilyChooser, ClientAddressIsTheRepresentativeOfTheFamily) {
  RoutingCatalog c = testing::ThreePopCatalog();
  c.groups[0].prefix6 = Prefix6(1);
  EXPECT_EQ(FamilyChooser::ClientAddress(c.groups[0], IpFamily::kV4), IpAddress(c.groups[0].representative));
  EXPECT_EQ(FamilyChooser::ClientAddress(c.groups[0], IpFamily::kV6).ToString(), "2001:db8:1::1");
  EXPECT_THROW(FamilyChooser::ClientAddress(c.groups[1], IpFamily::kV6), std::invalid_argument);
}

}  // namespace
}  // namespace cdnlab
