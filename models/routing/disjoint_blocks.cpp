#include "models/routing/disjoint_blocks.h"

#include <algorithm>

namespace cdnlab {
namespace {

using Rows = std::vector<MappingEntry>;

Rows::const_iterator LowerBound(const Rows& rows, const Ipv4Prefix& p) {
  return std::lower_bound(rows.begin(), rows.end(), p,
                          [](const MappingEntry& e, const Ipv4Prefix& key) { return e.prefix < key; });
}

const MappingEntry* Find(const Rows& rows, const Ipv4Prefix& p) {
  const auto it = LowerBound(rows, p);
  return it != rows.end() && it->prefix == p ? &*it : nullptr;
}

// Rows are ordered by (network, length), so the first row after (p.network, p.length) is the
// only candidate needed: some row lies inside p exactly when that one's network does.
bool HasRowInside(const Rows& rows, const Ipv4Prefix& p) {
  if (p.length == 32) return false;
  const auto it = LowerBound(rows, Ipv4Prefix{p.network, static_cast<std::uint8_t>(p.length + 1)});
  return it != rows.end() && p.Contains(it->prefix.network);
}

// Emits `p` whole when no row lies strictly inside it, else splits it in halves; a half that is
// itself a row takes over from `owner`. Depth is at most 32, work O(32 log n) per row.
void Split(const Rows& rows, const Ipv4Prefix& p, const MappingEntry* owner, std::vector<MappingBlock>& out) {
  if (!HasRowInside(rows, p)) {
    if (owner != nullptr) out.push_back({p, *owner});
    return;
  }
  const auto length = static_cast<std::uint8_t>(p.length + 1);
  for (std::uint32_t half = 0; half < 2; ++half) {
    const Ipv4Prefix h{Ipv4Address{p.network.value | (half << (32 - length))}, length};
    const MappingEntry* exact = Find(rows, h);
    Split(rows, h, exact != nullptr ? exact : owner, out);
  }
}

}  // namespace

std::vector<MappingBlock> DisjointBlocks(const std::vector<MappingEntry>& rows) {
  const Ipv4Prefix everything{Ipv4Address{0}, 0};
  std::vector<MappingBlock> out;
  Split(rows, everything, Find(rows, everything), out);
  return out;
}

}  // namespace cdnlab
