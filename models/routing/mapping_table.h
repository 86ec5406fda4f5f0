#pragma once
#include <cstdint>
#include <map>
#include <vector>

#include "models/routing/mapping_diff.h"

namespace cdnlab {

// Client prefix -> ranked PoPs, versioned. The controller owns the master copy and
// replaces its contents each recomputation; DNS nodes keep replicas fed by diffs.
class MappingTable {
 public:
  std::uint64_t Version() const { return version_; }
  std::size_t Size() const { return rows_.size(); }

  // Replaces the whole table with `entries`. Returns the diff from the previous version;
  // the version advances only when something changed (an empty diff keeps the version).
  MappingDiff Replace(const std::vector<MappingEntry>& entries);

  // Applies a diff produced by another table. Returns false (and changes nothing) when
  // the diff does not start at this table's version.
  bool Apply(const MappingDiff& diff);

  // Longest-prefix match; nullptr when no row covers the address.
  // The returned pointer is valid until the next Lookup/Find or change of the table.
  const MappingEntry* Lookup(Ipv4Address address) const;
  const MappingEntry* Find(const Ipv4Prefix& prefix) const;
  std::vector<MappingEntry> Entries() const;  // ordered by prefix

 private:
  std::map<Ipv4Prefix, std::vector<PopIndex>> rows_;
  std::uint64_t version_ = 0;
  mutable MappingEntry lookup_cache_;  // what Lookup/Find point at
};

}  // namespace cdnlab
