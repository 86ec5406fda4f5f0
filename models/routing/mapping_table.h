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
// Rows may be IPv4 or IPv6; a lookup matches only rows of the address's own family.
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

  // Replaces the whole table with `entries` at `version`: a restarted controller continuing its
  // numbering. The diff runs from the current version to `version` (throws std::invalid_argument
  // when `version` is below the current one: versions never go back).
  MappingDiff Restore(const std::vector<MappingEntry>& entries, std::uint64_t version);

  // Applies a diff produced by another table. Returns false (and changes nothing) when
  // the diff does not start at this table's version.
  bool Apply(const MappingDiff& diff);

  // Longest-prefix match among the rows of the address's family; nullptr when none covers it.
  // One hash probe per prefix length in use. Pointers stay valid until the table changes.
  const MappingEntry* Lookup(Ipv4Address address) const;
  const MappingEntry* Lookup(const IpAddress& address) const;
  const MappingEntry* Find(const IpPrefix& prefix) const;
  std::vector<MappingEntry> Entries() const;  // ordered by prefix: IPv4 rows, then IPv6
  // Calls visit(const MappingEntry&) for every row, ordered by prefix (IPv4 first; then
  // network, then length: a prefix comes before the prefixes nested in it), without copying.
  template <typename Visit>
  void ForEachRow(Visit&& visit) const {
    for (const auto& entry : rows_) visit(entry.second);
  }

 private:
  // One family's rows by prefix length: network -> row, and the lengths in use, longest first.
  template <typename Key, std::size_t kLengths>
  struct LengthIndex {
    struct KeyHash {
      std::size_t operator()(Key k) const {
        if constexpr (sizeof(Key) > sizeof(std::uint64_t)) {
          return std::hash<std::uint64_t>{}(static_cast<std::uint64_t>(k) ^ static_cast<std::uint64_t>(k >> 64) * 31);
        } else {
          return std::hash<Key>{}(k);
        }
      }
    };
    std::array<std::unordered_map<Key, const MappingEntry*, KeyHash>, kLengths> by_length;
    std::vector<std::uint8_t> lengths_in_use;

    void Add(std::uint8_t length, Key network, const MappingEntry* row);
    void Remove(std::uint8_t length, Key network);
    void Clear();
  };

  void Index(const MappingEntry& row);
  void Unindex(const IpPrefix& prefix);
  void RebuildIndex();

  std::map<IpPrefix, MappingEntry> rows_;
  LengthIndex<std::uint32_t, 33> v4_;
  LengthIndex<AddressBits, 129> v6_;
  std::uint64_t version_ = 0;
  // Replace's scratch: the previous entries' indices in prefix order (see Replace).
  std::vector<std::uint32_t> replace_order_;
};

}  // namespace cdnlab
