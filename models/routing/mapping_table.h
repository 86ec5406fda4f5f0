#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "models/routing/mapping_diff.h"

namespace cdnlab {

// Client prefix -> ranked PoPs, versioned. The controller owns the master copy and
// replaces its contents each recomputation; DNS nodes keep replicas fed by diffs.
// Lookups touch no mutable state, so any number of threads may read one table at once
// (realnet's DNS workers each read a published copy).
class MappingTable {
 public:
  MappingTable() = default;
  MappingTable(const MappingTable& other);
  MappingTable& operator=(const MappingTable& other);
  MappingTable(MappingTable&&) = default;
  MappingTable& operator=(MappingTable&&) = default;

  std::uint64_t Version() const { return version_; }
  std::size_t Size() const { return rows_.size(); }

  // Replaces the whole table with `entries`. Returns the diff from the previous version;
  // the version advances only when something changed (an empty diff keeps the version).
  MappingDiff Replace(const std::vector<MappingEntry>& entries);

  // Applies a diff produced by another table. Returns false (and changes nothing) when
  // the diff does not start at this table's version.
  bool Apply(const MappingDiff& diff);

  // Longest-prefix match; nullptr when no row covers the address. One hash probe per prefix
  // length in use. Pointers stay valid until the table changes.
  const MappingEntry* Lookup(Ipv4Address address) const;
  const MappingEntry* Find(const Ipv4Prefix& prefix) const;
  std::vector<MappingEntry> Entries() const;  // ordered by prefix
  // Calls visit(const MappingEntry&) for every row, ordered by prefix (network, then length:
  // a prefix comes before the prefixes nested in it), without copying them.
  template <typename Visit>
  void ForEachRow(Visit&& visit) const {
    for (const auto& entry : rows_) visit(entry.second);
  }

 private:
  void Index(const MappingEntry& row);
  void Unindex(const Ipv4Prefix& prefix);
  void RebuildIndex();

  std::map<Ipv4Prefix, MappingEntry> rows_;
  // Per prefix length, network -> row; and the lengths in use, longest first.
  std::array<std::unordered_map<std::uint32_t, const MappingEntry*>, 33> by_length_;
  std::vector<std::uint8_t> lengths_in_use_;
  std::uint64_t version_ = 0;
};

}  // namespace cdnlab
