#include "models/routing/mapping_table.h"

#include <memory>

#include <gtest/gtest.h>

#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using testing::Addr;

const Ipv4Prefix kA{Addr(10, 1, 0, 0), 24};
const Ipv4Prefix kB{Addr(10, 2, 0, 0), 24};
const Ipv4Prefix kWide{Addr(10, 0, 0, 0), 8};
const Ipv4Prefix kDefault{Ipv4Address{0}, 0};

TEST(MappingTable, ReplaceReportsAddsChangesAndRemovalsInPrefixOrder) {
  MappingTable t;
  MappingDiff d1 = t.Replace({{kB, {1, 0}}, {kA, {0, 1}}});
  EXPECT_EQ(d1.from_version, 0u);
  EXPECT_EQ(d1.to_version, 1u);
  ASSERT_EQ(d1.upserts.size(), 2u);
  EXPECT_EQ(d1.upserts[0].prefix, kA);  // ordered by prefix
  EXPECT_TRUE(d1.removals.empty());

  MappingDiff d2 = t.Replace({{kA, {1, 0}}});
  EXPECT_EQ(d2.from_version, 1u);
  EXPECT_EQ(d2.to_version, 2u);
  ASSERT_EQ(d2.upserts.size(), 1u);
  EXPECT_EQ(d2.upserts[0].ranked_pops, (std::vector<PopIndex>{1, 0}));
  ASSERT_EQ(d2.removals.size(), 1u);
  EXPECT_EQ(d2.removals[0], kB);
}

TEST(MappingTable, UnchangedContentKeepsTheVersion) {
  MappingTable t;
  t.Replace({{kA, {0}}});
  const MappingDiff same = t.Replace({{kA, {0}}});
  EXPECT_TRUE(same.Empty());
  EXPECT_EQ(t.Version(), 1u);
  EXPECT_EQ(same.to_version, 1u);
}

TEST(MappingTable, ReplicaFollowsDiffsInOrderOnly) {
  MappingTable master, replica;
  const MappingDiff d1 = master.Replace({{kA, {0}}, {kB, {1}}});
  const MappingDiff d2 = master.Replace({{kA, {2}}});
  EXPECT_FALSE(replica.Apply(d2)) << "a diff from version 1 cannot apply to version 0";
  EXPECT_EQ(replica.Version(), 0u);
  EXPECT_TRUE(replica.Apply(d1));
  EXPECT_TRUE(replica.Apply(d2));
  EXPECT_EQ(replica.Entries(), master.Entries());
  EXPECT_FALSE(replica.Apply(d2)) << "re-applying an old diff is refused";
}

TEST(MappingTable, LookupIsLongestPrefixMatch) {
  MappingTable t;
  t.Replace({{kA, {0}}, {kWide, {1}}, {kDefault, {2}}});
  EXPECT_EQ(t.Lookup(Addr(10, 1, 0, 77))->ranked_pops, (std::vector<PopIndex>{0}));
  EXPECT_EQ(t.Lookup(Addr(10, 9, 9, 9))->ranked_pops, (std::vector<PopIndex>{1}));
  EXPECT_EQ(t.Lookup(Addr(192, 0, 2, 1))->ranked_pops, (std::vector<PopIndex>{2}));
  MappingTable empty;
  EXPECT_EQ(empty.Lookup(Addr(10, 1, 0, 1)), nullptr);
}

// A copy answers on its own: the lookup index points into the copy's rows, so changing or
// destroying the original leaves it intact (realnet's DNS workers read such copies).
TEST(MappingTable, CopiesLookUpIndependentlyOfTheOriginal) {
  auto original = std::make_unique<MappingTable>();
  original->Replace({{kA, {0}}, {kWide, {1}}, {kDefault, {2}}});
  const MappingTable copy = *original;
  original->Replace({{kA, {2}}});
  original.reset();
  ASSERT_NE(copy.Lookup(Addr(10, 1, 0, 9)), nullptr);
  EXPECT_EQ(copy.Lookup(Addr(10, 1, 0, 9))->ranked_pops, (std::vector<PopIndex>{0}));
  EXPECT_EQ(copy.Lookup(Addr(10, 9, 0, 1))->ranked_pops, (std::vector<PopIndex>{1}));
  EXPECT_EQ(copy.Lookup(Addr(192, 0, 2, 1))->ranked_pops, (std::vector<PopIndex>{2}));
  EXPECT_EQ(copy.Version(), 1u);
}

// Removing the only row of a prefix length stops lookups probing that length; re-adding works.
TEST(MappingTable, RemovedLengthsAreNotMatchedAndComeBack) {
  MappingTable t;
  MappingTable replica;
  replica.Apply(t.Replace({{kA, {0}}, {kDefault, {1}}}));
  replica.Apply(t.Replace({{kDefault, {1}}}));
  EXPECT_EQ(replica.Lookup(Addr(10, 1, 0, 1))->ranked_pops, (std::vector<PopIndex>{1}));
  replica.Apply(t.Replace({{kA, {2}}, {kDefault, {1}}}));
  EXPECT_EQ(replica.Lookup(Addr(10, 1, 0, 1))->ranked_pops, (std::vector<PopIndex>{2}));
  replica.Apply(t.Replace({{kA, {0}}, {kDefault, {1}}}));  // an existing row changed in place
  EXPECT_EQ(replica.Lookup(Addr(10, 1, 0, 1))->ranked_pops, (std::vector<PopIndex>{0}));
  EXPECT_EQ(replica.Entries(), t.Entries());
}

// IPv6 rows live beside IPv4 ones; an address matches only rows of its own family, so
// 0.0.0.0/0 never answers an IPv6 address and ::/0 never an IPv4 one.
TEST(MappingTable, RowsOfBothFamiliesMatchOnlyTheirOwn) {
  using testing::Addr6;
  const Ipv6Prefix site = Ipv6Prefix::Of(Addr6({0x2001, 0xdb8, 1}), 48);
  const Ipv6Prefix subnet = Ipv6Prefix::Of(Addr6({0x2001, 0xdb8, 1, 0x4200}), 56);
  MappingTable t;
  t.Replace({{kDefault, {2}}, {site, {1}}, {subnet, {0}}, {kA, {0}}});
  EXPECT_EQ(t.Lookup(IpAddress(Addr6({0x2001, 0xdb8, 1, 0x4217}, 9)))->prefix, IpPrefix(subnet));
  EXPECT_EQ(t.Lookup(IpAddress(Addr6({0x2001, 0xdb8, 1, 0x9900})))->prefix, IpPrefix(site));
  EXPECT_EQ(t.Lookup(IpAddress(Addr6({0x2001, 0xdb8, 2}))), nullptr) << "no IPv6 default row";
  EXPECT_EQ(t.Lookup(IpAddress(Addr(10, 1, 0, 1)))->prefix, IpPrefix(kA));
  EXPECT_EQ(t.Lookup(IpAddress(Addr(192, 0, 2, 1)))->prefix, IpPrefix(kDefault));
  t.Replace({{kDefault, {2}}, {Ipv6Prefix{}, {1}}});
  EXPECT_EQ(t.Lookup(IpAddress(Addr6({0x2001, 0xdb8, 2})))->ranked_pops, (std::vector<PopIndex>{1}));
  EXPECT_EQ(t.Lookup(Addr(10, 1, 0, 1))->ranked_pops, (std::vector<PopIndex>{2}));
  // Entries: IPv4 rows first, then IPv6.
  EXPECT_TRUE(t.Entries().front().prefix.IsV4());
  EXPECT_TRUE(t.Entries().back().prefix.IsV6());
}

TEST(MappingTable, IPv6RowsTravelInDiffsToReplicas) {
  using testing::Addr6;
  const Ipv6Prefix a = Ipv6Prefix::Of(Addr6({0x2001, 0xdb8, 1}), 48);
  const Ipv6Prefix b = Ipv6Prefix::Of(Addr6({0x2001, 0xdb8, 2}), 48);
  MappingTable master;
  MappingTable replica;
  ASSERT_TRUE(replica.Apply(master.Replace({{a, {0}}, {b, {1}}, {kA, {2}}})));
  const MappingDiff d = master.Replace({{b, {2}}, {kA, {2}}});
  ASSERT_EQ(d.removals, (std::vector<IpPrefix>{a}));
  ASSERT_EQ(d.upserts.size(), 1u);
  EXPECT_EQ(d.upserts[0].prefix, IpPrefix(b));
  ASSERT_TRUE(replica.Apply(d));
  EXPECT_EQ(replica.Lookup(IpAddress(Addr6({0x2001, 0xdb8, 1}, 1))), nullptr);
  EXPECT_EQ(replica.Lookup(IpAddress(Addr6({0x2001, 0xdb8, 2}, 1)))->ranked_pops, (std::vector<PopIndex>{2}));
  EXPECT_EQ(replica.Entries(), master.Entries());
  const MappingTable copy = replica;
  EXPECT_EQ(copy.Lookup(IpAddress(Addr6({0x2001, 0xdb8, 2}, 1)))->ranked_pops, (std::vector<PopIndex>{2}));
}

}  // namespace
}  // namespace cdnlab
