#include "models/routing/mapping_table.h"

namespace cdnlab {

MappingDiff MappingTable::Replace(const std::vector<MappingEntry>& entries) {
  std::map<Ipv4Prefix, std::vector<PopIndex>> next;
  for (const auto& e : entries) next[e.prefix] = e.ranked_pops;

  MappingDiff diff;
  diff.from_version = version_;
  for (const auto& [prefix, pops] : next) {
    auto it = rows_.find(prefix);
    if (it == rows_.end() || it->second != pops) diff.upserts.push_back({prefix, pops});
  }
  for (const auto& [prefix, pops] : rows_) {
    if (next.count(prefix) == 0) diff.removals.push_back(prefix);
  }
  if (!diff.Empty()) {
    rows_ = std::move(next);
    ++version_;
  }
  diff.to_version = version_;
  return diff;
}

bool MappingTable::Apply(const MappingDiff& diff) {
  if (diff.from_version != version_ || diff.to_version < diff.from_version) return false;
  for (const auto& prefix : diff.removals) rows_.erase(prefix);
  for (const auto& e : diff.upserts) rows_[e.prefix] = e.ranked_pops;
  version_ = diff.to_version;
  return true;
}

const MappingEntry* MappingTable::Lookup(Ipv4Address address) const {
  // Longest match first: try every prefix length from /32 down; the map is ordered by
  // (network, length), so each probe is one O(log n) find. Cached entry gives a stable pointer.
  for (int len = 32; len >= 0; --len) {
    const auto prefix = Ipv4Prefix::Of(address, static_cast<std::uint8_t>(len));
    if (const MappingEntry* e = Find(prefix)) return e;
  }
  return nullptr;
}

const MappingEntry* MappingTable::Find(const Ipv4Prefix& prefix) const {
  auto it = rows_.find(prefix);
  if (it == rows_.end()) return nullptr;
  lookup_cache_ = MappingEntry{it->first, it->second};
  return &lookup_cache_;
}

std::vector<MappingEntry> MappingTable::Entries() const {
  std::vector<MappingEntry> out;
  out.reserve(rows_.size());
  for (const auto& [prefix, pops] : rows_) out.push_back({prefix, pops});
  return out;
}

}  // namespace cdnlab
