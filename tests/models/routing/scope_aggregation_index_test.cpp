#include "models/routing/scope_aggregation_index.h"

#include <random>

#include <gtest/gtest.h>

#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using testing::Addr;

constexpr Ipv4Prefix kDefault{Ipv4Address{0}, 0};

ScopeAggregationIndex IndexOf(const std::vector<MappingEntry>& rows) {
  MappingTable table;
  table.Replace(rows);
  ScopeAggregationIndex index;
  index.Rebuild(table);
  return index;
}

Ipv4Prefix P(Ipv4Address a, std::uint8_t len) { return Ipv4Prefix{a, len}; }

TEST(ScopeAggregationIndex, AdjacentRowsWithOnePopShareTheWidestAlignedPrefix) {
  // 10.1.0.0/24 .. 10.1.3.0/24 -> PoP 0 (a /22), then 10.1.4.0/24 -> PoP 0 as well.
  std::vector<MappingEntry> rows{{kDefault, {0}}};
  for (std::uint8_t c = 0; c < 5; ++c) rows.push_back({P(Addr(10, 1, c, 0), 24), {0, 1}});
  const auto index = IndexOf(rows);
  EXPECT_EQ(index.WidestScope(Addr(10, 1, 2, 0)), P(Addr(10, 1, 0, 0), 22));
  EXPECT_EQ(index.WidestScope(Addr(10, 1, 3, 77)), P(Addr(10, 1, 0, 0), 22));
  // 10.1.5.0/24 has no row (the default answers it by resolver): 10.1.4.0 stays a /24.
  EXPECT_EQ(index.WidestScope(Addr(10, 1, 4, 0)), P(Addr(10, 1, 4, 0), 24));
  EXPECT_EQ(index.WidestScope(Addr(10, 1, 5, 0)), std::nullopt) << "only the default row covers it";
  EXPECT_EQ(index.WidestScope(Addr(192, 0, 2, 1)), std::nullopt);
}

TEST(ScopeAggregationIndex, OnlyTheFirstPopCounts) {
  // Same first PoP, different fallbacks: the answer (one server of the first PoP) is the same.
  const auto index = IndexOf({{P(Addr(10, 1, 0, 0), 24), {0, 1}}, {P(Addr(10, 1, 1, 0), 24), {0, 2}}});
  EXPECT_EQ(index.WidestScope(Addr(10, 1, 1, 0)), P(Addr(10, 1, 0, 0), 23));
}

TEST(ScopeAggregationIndex, ANestedRowWithAnotherPopBreaksTheWiderRow) {
  // 10/8 -> lon, with 10.1.0.0/24 -> nyc inside it: 10.7.0.0 may not be scoped to 10/8.
  const auto index =
      IndexOf({{kDefault, {1}}, {P(Addr(10, 0, 0, 0), 8), {1}}, {P(Addr(10, 1, 0, 0), 24), {0}}});
  EXPECT_EQ(index.WidestScope(Addr(10, 7, 0, 0)), P(Addr(10, 4, 0, 0), 14));
  EXPECT_EQ(index.WidestScope(Addr(10, 200, 0, 0)), P(Addr(10, 128, 0, 0), 9));
  EXPECT_EQ(index.WidestScope(Addr(10, 1, 0, 9)), P(Addr(10, 1, 0, 0), 24));
  EXPECT_EQ(index.WidestScope(Addr(10, 1, 1, 0)), P(Addr(10, 1, 1, 0), 24));
  EXPECT_EQ(index.WidestScope(Addr(10, 0, 0, 0)), P(Addr(10, 0, 0, 0), 16));
  // The default row has the same PoP as 10/8 but answers by resolver: 10/8 stops at its edge.
  EXPECT_EQ(IndexOf({{kDefault, {1}}, {P(Addr(10, 0, 0, 0), 8), {1}}}).WidestScope(Addr(10, 9, 9, 9)),
            P(Addr(10, 0, 0, 0), 8));
}

TEST(ScopeAggregationIndex, AResolverRowInsideASubnetSplitsIt) {
  const auto index = IndexOf({{P(Addr(10, 1, 0, 0), 24), {0}}, {P(Addr(10, 1, 0, 53), 32), {2}}});
  EXPECT_EQ(index.WidestScope(Addr(10, 1, 0, 0)), P(Addr(10, 1, 0, 0), 27)) << "10.1.0.0-31 holds no .53";
  EXPECT_EQ(index.WidestScope(Addr(10, 1, 0, 53)), P(Addr(10, 1, 0, 53), 32));
  EXPECT_EQ(index.WidestScope(Addr(10, 1, 0, 200)), P(Addr(10, 1, 0, 128), 25));
  // The same PoP inside does not split anything.
  EXPECT_EQ(IndexOf({{P(Addr(10, 1, 0, 0), 24), {0}}, {P(Addr(10, 1, 0, 53), 32), {0}}}).WidestScope(Addr(10, 1, 0, 0)),
            P(Addr(10, 1, 0, 0), 24));
}

TEST(ScopeAggregationIndex, RowsWithoutPopsAndEmptyTablesAggregateNothing) {
  EXPECT_EQ(IndexOf({}).WidestScope(Addr(10, 1, 0, 0)), std::nullopt);
  EXPECT_EQ(IndexOf({{kDefault, {0}}}).WidestScope(Addr(10, 1, 0, 0)), std::nullopt);
  const auto index = IndexOf({{P(Addr(10, 1, 0, 0), 24), {}}, {P(Addr(10, 1, 1, 0), 24), {0}}});
  EXPECT_EQ(index.WidestScope(Addr(10, 1, 0, 0)), std::nullopt);
  EXPECT_EQ(index.WidestScope(Addr(10, 1, 1, 0)), P(Addr(10, 1, 1, 0), 24));
}

TEST(ScopeAggregationIndex, CoveringTheWholeSpaceWithoutTheDefaultRowGivesScopeZero) {
  const auto index = IndexOf({{P(Addr(0, 0, 0, 0), 1), {2}}, {P(Addr(128, 0, 0, 0), 1), {2}}});
  EXPECT_EQ(index.WidestScope(Addr(255, 255, 255, 255)), kDefault);
  EXPECT_EQ(index.WidestScope(Addr(0, 0, 0, 0)), kDefault);
  EXPECT_EQ(index.Runs(), 2u) << "one run per family: all of IPv4 answers PoP 2, IPv6 has no row";
}

// The property: for random tables and every address of their universe (10.0.0.0/16), the
// scope is true (every address inside it has a non-default longest match with the same first
// PoP) and widest (one bit wider would take in an address that answers otherwise). The oracle
// paints rows outer to inner over an array, independently of the index's sweep.
TEST(ScopeAggregationIndex, RandomTablesScopeIsTrueAndWidest) {
  constexpr std::uint32_t kBase = (10u << 24);
  constexpr std::uint32_t kSize = 1u << 16;
  constexpr std::size_t kDefaultAnswer = 100;  // the default row's (by resolver), and no row
  std::mt19937 random(14);
  for (int round = 0; round < 40; ++round) {
    std::vector<MappingEntry> rows;
    if (round % 4 != 0) rows.push_back({kDefault, {static_cast<PopIndex>(random() % 3)}});
    const int count = 1 + static_cast<int>(random() % 60);
    for (int i = 0; i < count; ++i) {
      // Mostly /20../24 client rows, some wider and some /32 resolver rows; few PoPs, so
      // neighbours often agree; now and then a row without PoPs.
      const std::uint32_t kind = random() % 10;
      const auto len = static_cast<std::uint8_t>(kind < 7 ? 20 + random() % 5 : kind < 9 ? 16 + random() % 4 : 32);
      const Ipv4Prefix prefix = Ipv4Prefix::Of(Ipv4Address{kBase + static_cast<std::uint32_t>(random() % kSize)}, len);
      std::vector<PopIndex> pops;
      if (random() % 25 != 0) pops = {static_cast<PopIndex>(random() % 3), 3};
      rows.push_back({prefix, pops});
    }
    MappingTable table;
    table.Replace(rows);
    ScopeAggregationIndex index;
    index.Rebuild(table);

    std::vector<std::size_t> answer(kSize, kDefaultAnswer);
    std::vector<MappingEntry> by_length = table.Entries();
    std::stable_sort(by_length.begin(), by_length.end(),
                     [](const MappingEntry& a, const MappingEntry& b) { return a.prefix.Length() < b.prefix.Length(); });
    for (const auto& row : by_length) {
      if (row.prefix.Length() == 0) continue;
      const std::uint32_t first = row.prefix.V4().network.value - kBase;
      const std::uint32_t size = 1u << (32 - row.prefix.Length());
      for (std::uint32_t a = first; a < first + size; ++a) {
        answer[a] = row.ranked_pops.empty() ? kDefaultAnswer : row.ranked_pops.front();
      }
    }
    // run_last[a]: the last address of the run of equal answers starting at or before a.
    std::vector<std::uint32_t> run_last(kSize);
    for (std::uint32_t a = kSize; a-- > 0;) {
      run_last[a] = (a + 1 < kSize && answer[a + 1] == answer[a]) ? run_last[a + 1] : a;
    }
    auto uniform = [&](const Ipv4Prefix& p, std::size_t expected) {
      if (p.length < 16) return false;  // reaches outside the universe: default-only space
      const std::uint32_t first = p.network.value - kBase;
      const std::uint32_t last = first + ((1u << (32 - p.length)) - 1);
      return answer[first] == expected && run_last[first] >= last;
    };
    for (std::uint32_t a = 0; a < kSize; ++a) {
      const Ipv4Address address{kBase + a};
      const std::optional<IpPrefix> found = index.WidestScope(address);
      const std::optional<Ipv4Prefix> scope = found ? std::optional<Ipv4Prefix>(found->V4()) : std::nullopt;
      if (answer[a] == kDefaultAnswer) {
        ASSERT_EQ(scope, std::nullopt) << "round " << round << " " << address.ToString();
        continue;
      }
      ASSERT_TRUE(scope.has_value()) << "round " << round << " " << address.ToString();
      ASSERT_TRUE(scope->Contains(address));
      ASSERT_TRUE(uniform(*scope, answer[a])) << "round " << round << " " << address.ToString() << " scope "
                                              << scope->ToString() << " is not true";
      if (scope->length > 0) {
        const Ipv4Prefix wider = Ipv4Prefix::Of(address, static_cast<std::uint8_t>(scope->length - 1));
        ASSERT_FALSE(uniform(wider, answer[a])) << "round " << round << " " << address.ToString() << " scope "
                                                << scope->ToString() << " is not the widest";
      }
    }
  }
}

}  // namespace
}  // namespace cdnlab
