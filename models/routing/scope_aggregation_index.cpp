#include "models/routing/scope_aggregation_index.h"

#include <algorithm>

namespace cdnlab {

void ScopeAggregationIndex::Append(RunList& runs, AddressBits first, AddressBits last, PopIndex pop) {
  if (first > last) return;
  if (!runs.empty() && runs.back().pop == pop && runs.back().last + 1 == first) {
    runs.back().last = last;  // adjacent, same answer: one run
    return;
  }
  runs.push_back(Run{first, last, pop});
}

// Prefixes are nested or disjoint, and rows come outer before inner, left to right: a sweep
// with a stack of the open (enclosing) rows emits every address once, under the innermost
// row that holds it, i.e. its longest match.
void ScopeAggregationIndex::Sweep(const std::vector<const MappingEntry*>& rows, std::uint8_t width, RunList& runs) {
  const AddressBits all = PrefixMaskBits(width, width);  // the family's last address
  struct Open {
    AddressBits last;
    PopIndex pop;
  };
  std::vector<Open> open;
  AddressBits cursor = 0;    // the first address not emitted yet
  bool finished = false;     // the last address of the family has been emitted
  auto close_one = [&] {
    Append(runs, cursor, open.back().last, open.back().pop);
    if (open.back().last == all) finished = true;
    cursor = open.back().last + 1;
    open.pop_back();
  };
  for (const MappingEntry* row : rows) {
    const AddressBits first = row->prefix.FirstBits();
    while (!open.empty() && open.back().last < first) close_one();
    if (first > cursor) {  // the gap before this row belongs to the row enclosing it, if any
      Append(runs, cursor, first - 1, open.empty() ? kNoPop : open.back().pop);
      cursor = first;
    }
    // The default row answers by resolver, not by subnet: it aggregates with nothing.
    const bool by_subnet = row->prefix.Length() > 0 && !row->ranked_pops.empty();
    open.push_back(Open{row->prefix.LastBits(), by_subnet ? row->ranked_pops.front() : kNoPop});
  }
  while (!open.empty()) close_one();
  if (!finished) Append(runs, cursor, all, kNoPop);
}

void ScopeAggregationIndex::Rebuild(const MappingTable& table) {
  std::vector<const MappingEntry*> v4;
  std::vector<const MappingEntry*> v6;
  table.ForEachRow([&](const MappingEntry& row) { (row.prefix.IsV4() ? v4 : v6).push_back(&row); });
  v4_.clear();
  v6_.clear();
  Sweep(v4, 32, v4_);
  Sweep(v6, 128, v6_);
}

std::optional<IpPrefix> ScopeAggregationIndex::WidestScope(const IpAddress& address) const {
  const RunList& runs = address.IsV4() ? v4_ : v6_;
  const AddressBits bits = address.Bits();
  auto it = std::upper_bound(runs.begin(), runs.end(), bits, [](AddressBits a, const Run& run) { return a < run.first; });
  if (it == runs.begin()) return std::nullopt;
  const Run& run = *std::prev(it);
  if (run.pop == kNoPop || bits > run.last) return std::nullopt;
  // Prefixes around the address, widest first: the first one inside the run is the answer
  // (the address alone, at full length, always is). Plain integer arithmetic: this runs for
  // every subnet query.
  const std::uint8_t width = address.Width();
  const AddressBits all = PrefixMaskBits(width, width);
  for (std::uint8_t len = 0; len <= width; ++len) {
    const AddressBits mask = PrefixMaskBits(width, len);
    const AddressBits first = bits & mask;
    if (first >= run.first && (first | (all & ~mask)) <= run.last) return IpPrefix::Of(address, len);
  }
  return std::nullopt;
}

}  // namespace cdnlab
