#include "models/routing/disjoint_blocks.h"

#include <algorithm>

namespace cdnlab {
namespace {

using Rows = std::vector<MappingEntry>;

Rows::const_iterator LowerBound(const Rows& rows, const IpPrefix& p) {
  return std::lower_bound(rows.begin(), rows.end(), p,
                          [](const MappingEntry& e, const IpPrefix& key) { return e.prefix < key; });
}

const MappingEntry* Find(const Rows& rows, const IpPrefix& p) {
  const auto it = LowerBound(rows, p);
  return it != rows.end() && it->prefix == p ? &*it : nullptr;
}

// Rows are ordered by (network, length), so the first row after (p.network, p.length) is the
// only candidate needed: some row lies inside p exactly when that one's network does.
bool HasRowInside(const Rows& rows, const IpPrefix& p) {
  if (p.Length() == p.Network().Width()) return false;
  const auto it = LowerBound(rows, IpPrefix::Of(p.Network(), static_cast<std::uint8_t>(p.Length() + 1)));
  return it != rows.end() && p.Contains(it->prefix.Network());
}

// Emits `p` whole when no row lies strictly inside it, else splits it in halves; a half that is
// itself a row takes over from `owner`. Depth is at most the address width (32 or 128), work
// O(width log n) per row.
void Split(const Rows& rows, const IpPrefix& p, const MappingEntry* owner, std::vector<MappingBlock>& out) {
  if (!HasRowInside(rows, p)) {
    if (owner != nullptr) out.push_back({p, *owner});
    return;
  }
  const auto length = static_cast<std::uint8_t>(p.Length() + 1);
  const std::uint8_t width = p.Network().Width();
  for (unsigned half = 0; half < 2; ++half) {
    const AddressBits network = p.FirstBits() | (AddressBits{half} << (width - length));
    const IpPrefix h = IpPrefix::Of(IpAddress::FromBits(p.Family(), network), length);
    const MappingEntry* exact = Find(rows, h);
    Split(rows, h, exact != nullptr ? exact : owner, out);
  }
}

}  // namespace

std::vector<MappingBlock> DisjointBlocks(const std::vector<MappingEntry>& rows) {
  std::vector<MappingBlock> out;
  for (const IpPrefix everything : {IpPrefix(Ipv4Prefix{}), IpPrefix(Ipv6Prefix{})}) {
    Split(rows, everything, Find(rows, everything), out);
  }
  return out;
}

}  // namespace cdnlab
