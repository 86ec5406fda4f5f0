#include "models/routing/disjoint_blocks.h"

#include <gtest/gtest.h>

#include <random>

#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using testing::Addr;

const Ipv4Prefix kDefault{Ipv4Address{0}, 0};

std::uint64_t Size(const Ipv4Prefix& p) { return std::uint64_t{1} << (32 - p.length); }
Ipv4Address Last(const Ipv4Prefix& p) { return Ipv4Address{static_cast<std::uint32_t>(p.network.value + Size(p) - 1)}; }

// The blocks are in address order, do not overlap, and every address in a block has that
// block's row as its longest match (checked at both ends: a block lies inside one row and
// inside no more specific one, so its ends decide).
void ExpectExact(const MappingTable& table, const std::vector<MappingBlock>& blocks) {
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const auto& b = blocks[i];
    ASSERT_TRUE(b.block.IsV4());
    const Ipv4Prefix block = b.block.V4();
    EXPECT_EQ(block, Ipv4Prefix::Of(block.network, block.length)) << "host bits are zero";
    for (Ipv4Address a : {block.network, Last(block)}) {
      const MappingEntry* match = table.Lookup(a);
      ASSERT_NE(match, nullptr) << b.block.ToString();
      EXPECT_EQ(match->prefix, b.row.prefix) << a.ToString() << " in " << b.block.ToString();
      EXPECT_EQ(match->ranked_pops, b.row.ranked_pops);
    }
    if (i > 0) {
      EXPECT_LT(Last(blocks[i - 1].block.V4()).value, block.network.value) << "ordered, disjoint";
    }
  }
}

TEST(DisjointBlocks, NoRowsNoBlocks) { EXPECT_TRUE(DisjointBlocks({}).empty()); }

TEST(DisjointBlocks, ALoneDefaultRowIsOneBlock) {
  const auto blocks = DisjointBlocks({{kDefault, {1}}});
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].block, kDefault);
  EXPECT_EQ(blocks[0].row.ranked_pops, std::vector<PopIndex>{1});
}

TEST(DisjointBlocks, AnInnerRowCutsTheDefaultIntoItsSiblings) {
  MappingTable table;
  table.Replace({{kDefault, {1}}, {Ipv4Prefix{Addr(10, 1, 0, 0), 24}, {0}}});
  const auto blocks = DisjointBlocks(table.Entries());
  ASSERT_EQ(blocks.size(), 25u);  // one sibling per level from /1 to /24, and the row itself
  ExpectExact(table, blocks);
  // 10.0.0.0/16 and 10.1.1.0/24 are siblings on the way down; 10.1.0.0/24 is the row.
  bool sibling16 = false, row = false, sibling24 = false;
  for (const auto& b : blocks) {
    sibling16 = sibling16 || (b.block == Ipv4Prefix{Addr(10, 0, 0, 0), 16} && b.row.prefix == kDefault);
    row = row || (b.block == Ipv4Prefix{Addr(10, 1, 0, 0), 24} && b.row.ranked_pops == std::vector<PopIndex>{0});
    sibling24 = sibling24 || (b.block == Ipv4Prefix{Addr(10, 1, 1, 0), 24} && b.row.prefix == kDefault);
  }
  EXPECT_TRUE(sibling16 && row && sibling24);
}

TEST(DisjointBlocks, NestedRowsWithoutDefaultCoverOnlyTheRows) {
  MappingTable table;
  table.Replace({{Ipv4Prefix{Addr(10, 0, 0, 0), 8}, {0}},
                 {Ipv4Prefix{Addr(10, 1, 0, 0), 16}, {1}},
                 {Ipv4Prefix{Addr(10, 1, 2, 0), 24}, {2}},
                 {Ipv4Prefix{Addr(192, 168, 0, 0), 16}, {1}}});
  const auto blocks = DisjointBlocks(table.Entries());
  ExpectExact(table, blocks);
  std::uint64_t covered = 0;
  for (const auto& b : blocks) covered += Size(b.block.V4());
  EXPECT_EQ(covered, Size({Addr(10, 0, 0, 0), 8}) + Size({Addr(192, 168, 0, 0), 16})) << "exactly the rows";
  EXPECT_EQ(blocks.back().block, (Ipv4Prefix{Addr(192, 168, 0, 0), 16}));
}

TEST(DisjointBlocks, RandomMappingsAreCoveredExactly) {
  std::mt19937 random(7);
  for (int round = 0; round < 20; ++round) {
    std::vector<MappingEntry> rows{{kDefault, {0}}};
    for (int i = 0; i < 40; ++i) {
      // Lengths 8..28 around a few /8s, so rows nest and touch often.
      const Ipv4Address a{static_cast<std::uint32_t>((10 + random() % 3) << 24 | (random() & 0x00FFFFFFu))};
      const auto length = static_cast<std::uint8_t>(8 + random() % 21);
      rows.push_back({Ipv4Prefix::Of(a, length), {static_cast<PopIndex>(random() % 3)}});
    }
    MappingTable table;
    table.Replace(rows);
    const auto blocks = DisjointBlocks(table.Entries());
    ExpectExact(table, blocks);
    std::uint64_t covered = 0;
    for (const auto& b : blocks) covered += Size(b.block.V4());
    EXPECT_EQ(covered, Size(kDefault)) << "the default row leaves no hole";
    EXPECT_LE(blocks.size(), 32 * table.Size() + 1);
  }
}

TEST(DisjointBlocks, IPv6RowsAreSplitLikeIPv4OnesAfterThem) {
  using testing::Addr6;
  const Ipv6Prefix site = Ipv6Prefix::Of(Addr6({0x2001, 0xdb8, 1}), 48);
  const Ipv6Prefix inner = Ipv6Prefix::Of(Addr6({0x2001, 0xdb8, 1, 0x4200}), 56);
  MappingTable table;
  table.Replace({{kDefault, {0}}, {site, {1}}, {inner, {2}}});
  const auto blocks = DisjointBlocks(table.Entries());
  ASSERT_FALSE(blocks.empty());
  EXPECT_EQ(blocks.front().block, IpPrefix(kDefault)) << "no IPv4 row inside the default";
  std::vector<MappingBlock> six;
  for (const auto& b : blocks) {
    if (b.block.IsV6()) six.push_back(b);
  }
  ASSERT_EQ(six.size(), 8u + 1u) << "the /48 minus a /56: 8 blocks, then the /56";
  AddressBits covered = 0;
  for (std::size_t i = 0; i < six.size(); ++i) {
    const MappingEntry* match = table.Lookup(six[i].block.Network());
    ASSERT_NE(match, nullptr);
    EXPECT_EQ(match->prefix, six[i].row.prefix);
    EXPECT_EQ(table.Lookup(IpAddress::FromBits(IpFamily::kV6, six[i].block.LastBits()))->prefix, six[i].row.prefix);
    if (i > 0) EXPECT_LT(six[i - 1].block.LastBits(), six[i].block.FirstBits()) << "ordered, disjoint";
    covered += six[i].block.LastBits() - six[i].block.FirstBits() + 1;
  }
  EXPECT_EQ(covered, IpPrefix(site).LastBits() - IpPrefix(site).FirstBits() + 1) << "exactly the /48";
}

}  // namespace
}  // namespace cdnlab
