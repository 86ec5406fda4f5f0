#include "models/routing/group_prefix_index.h"

#include <gtest/gtest.h>

#include "models/core/seeded_random_source.h"

namespace cdnlab {
namespace {

Ipv4Prefix P(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint8_t len) {
  return Ipv4Prefix::Of(Ipv4Address{(a << 24) | (b << 16) | (c << 8)}, len);
}

RoutingCatalog Catalog(const std::vector<Ipv4Prefix>& prefixes) {
  RoutingCatalog catalog;
  for (std::size_t i = 0; i < prefixes.size(); ++i) {
    ClientGroupInfo g;
    g.id = "g" + std::to_string(i);
    g.prefix = prefixes[i];
    catalog.groups.push_back(g);
  }
  return catalog;
}

TEST(GroupPrefixIndex, LongestPrefixWins) {
  const RoutingCatalog catalog = Catalog({P(10, 1, 0, 16), P(10, 1, 7, 24), P(10, 2, 0, 24)});
  const GroupPrefixIndex index(catalog);
  EXPECT_EQ(index.GroupOf(Ipv4Address{(10u << 24) | (1u << 16) | (7u << 8) | 9}), 1u);
  EXPECT_EQ(index.GroupOf(Ipv4Address{(10u << 24) | (1u << 16) | (8u << 8) | 9}), 0u);
  EXPECT_EQ(index.GroupOf(Ipv4Address{(10u << 24) | (2u << 16) | 1}), 2u);
  EXPECT_FALSE(index.GroupOf(Ipv4Address{(10u << 24) | (3u << 16) | 1}).has_value());
}

TEST(GroupPrefixIndex, AgreesWithTheCatalogScanOnRandomAddresses) {
  std::vector<Ipv4Prefix> prefixes;
  for (std::uint32_t i = 0; i < 300; ++i) prefixes.push_back(P(10, i / 256, i % 256, 24));
  prefixes.push_back(P(10, 0, 0, 20));
  prefixes.push_back(P(11, 0, 0, 8));
  prefixes.push_back(P(10, 0, 5, 24));  // a duplicate of group 5: the first listed wins
  const RoutingCatalog catalog = Catalog(prefixes);
  const GroupPrefixIndex index(catalog);
  SeededRandomSource random(3);
  for (int i = 0; i < 20000; ++i) {
    const Ipv4Address a{static_cast<std::uint32_t>((10u << 24) + random.UniformIndex(2u << 24))};
    EXPECT_EQ(index.GroupOf(a), catalog.GroupOfAddress(a)) << a.ToString();
  }
}

}  // namespace
}  // namespace cdnlab
