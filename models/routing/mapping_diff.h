#pragma once
#include <cstdint>
#include <vector>

#include "models/net/ip_address.h"
#include "models/routing/catalog.h"

namespace cdnlab {

// One row of the mapping: who asks from this prefix is answered with these PoPs, best first.
// Rows of both families live in one table; an address only ever matches rows of its own family.
struct MappingEntry {
  IpPrefix prefix;
  std::vector<PopIndex> ranked_pops;

  friend bool operator==(const MappingEntry& a, const MappingEntry& b) {
    return a.prefix == b.prefix && a.ranked_pops == b.ranked_pops;
  }
};

// The change between two versions of a MappingTable; what is pushed to DNS.
struct MappingDiff {
  std::uint64_t from_version = 0;
  std::uint64_t to_version = 0;
  std::vector<MappingEntry> upserts;   // new or changed rows, ordered by prefix
  std::vector<IpPrefix> removals;      // rows that no longer exist, ordered

  bool Empty() const { return upserts.empty() && removals.empty(); }
};

}  // namespace cdnlab
