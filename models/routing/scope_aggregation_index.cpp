#include "models/routing/scope_aggregation_index.h"

#include <algorithm>

namespace cdnlab {
namespace {

constexpr std::uint64_t kLastAddress = 0xFFFFFFFFull;

std::uint64_t LastOf(const Ipv4Prefix& p) {
  return static_cast<std::uint64_t>(p.network.value) | (~Ipv4Prefix::MaskFor(p.length) & 0xFFFFFFFFu);
}

}  // namespace

void ScopeAggregationIndex::Append(std::uint64_t first, std::uint64_t last, PopIndex pop) {
  if (first > last) return;
  if (!runs_.empty() && runs_.back().pop == pop && runs_.back().last + std::uint64_t{1} == first) {
    runs_.back().last = static_cast<std::uint32_t>(last);  // adjacent, same answer: one run
    return;
  }
  runs_.push_back(Run{static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(last), pop});
}

void ScopeAggregationIndex::Rebuild(const MappingTable& table) {
  runs_.clear();
  // Prefixes are nested or disjoint, and rows come outer before inner, left to right: a sweep
  // with a stack of the open (enclosing) rows emits every address once, under the innermost
  // row that holds it, i.e. its longest match.
  struct Open {
    std::uint64_t last;
    PopIndex pop;
  };
  std::vector<Open> open;
  std::uint64_t cursor = 0;  // the first address not emitted yet
  auto close_before = [&](std::uint64_t first) {
    while (!open.empty() && open.back().last < first) {
      Append(cursor, open.back().last, open.back().pop);
      cursor = open.back().last + 1;
      open.pop_back();
    }
  };
  table.ForEachRow([&](const MappingEntry& row) {
    const std::uint64_t first = row.prefix.network.value;
    close_before(first);
    if (first > cursor) {  // the gap before this row belongs to the row enclosing it, if any
      Append(cursor, first - 1, open.empty() ? kNoPop : open.back().pop);
      cursor = first;
    }
    // The default row answers by resolver, not by subnet: it aggregates with nothing.
    const bool by_subnet = row.prefix.length > 0 && !row.ranked_pops.empty();
    open.push_back(Open{LastOf(row.prefix), by_subnet ? row.ranked_pops.front() : kNoPop});
  });
  close_before(kLastAddress + 1);
  Append(cursor, kLastAddress, kNoPop);
}

std::optional<Ipv4Prefix> ScopeAggregationIndex::WidestScope(Ipv4Address address) const {
  auto it = std::upper_bound(runs_.begin(), runs_.end(), address.value,
                             [](std::uint32_t a, const Run& run) { return a < run.first; });
  if (it == runs_.begin()) return std::nullopt;
  const Run& run = *std::prev(it);
  if (run.pop == kNoPop || address.value > run.last) return std::nullopt;
  // Prefixes around the address, widest first: the first one inside the run is the answer
  // (length 32, the address alone, always is).
  for (std::uint8_t len = 0; len <= 32; ++len) {
    const Ipv4Prefix p = Ipv4Prefix::Of(address, len);
    if (p.network.value >= run.first && LastOf(p) <= run.last) return p;
  }
  return std::nullopt;
}

}  // namespace cdnlab
