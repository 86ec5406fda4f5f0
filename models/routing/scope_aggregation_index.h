#pragma once
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "models/routing/mapping_table.h"

namespace cdnlab {

// The widest true ECS scope of a subnet answer (issue 14, "scope aggregation", as gdnsd does):
// for a client-subnet address, the shortest prefix around it in which every address is answered
// with the same PoP by longest-prefix match. Resolvers cache an answer for its whole scope
// (RFC 7871 7.3.1), so a wider scope means fewer cache entries and fewer queries; a scope wider
// than the truth would hand one subnet's answer to another, so this never widens past a row with
// another PoP, a row with no PoP, or address space only the default row 0.0.0.0/0 covers (those
// queries are answered by resolver, which is not a function of the subnet).
//
// Built once per mapping version (O(rows)): the address space is flattened into maximal runs of
// addresses with the same top PoP. A query then costs one binary search plus at most 33 (IPv6:
// 129) prefix checks, reads nothing mutable, and the index is a plain vector: copyable for realnet's workers.
class ScopeAggregationIndex {
 public:
  // Rebuilds from every row of `table` (each family on its own).
  void Rebuild(const MappingTable& table);

  // The widest prefix containing `address` in which every address's longest-matching row is a
  // non-default row with `pop` first, where `pop` is that of `address`'s own row; nullopt when
  // `address` has no such row (it falls to the default row, or its row ranks no PoP). Only rows
  // of the address's family count: an IPv6 subnet is never aggregated with IPv4 rows.
  std::optional<IpPrefix> WidestScope(const IpAddress& address) const;

  std::size_t Runs() const { return v4_.size() + v6_.size(); }

 private:
  static constexpr PopIndex kNoPop = std::numeric_limits<PopIndex>::max();
  // Addresses first..last (inclusive) all answer `pop`; consecutive runs differ in pop and
  // together cover the family's whole address space.
  struct Run {
    AddressBits first = 0;
    AddressBits last = 0;
    PopIndex pop = kNoPop;
  };
  using RunList = std::vector<Run>;
  static void Append(RunList& runs, AddressBits first, AddressBits last, PopIndex pop);
  static void Sweep(const std::vector<const MappingEntry*>& rows, std::uint8_t width, RunList& runs);

  RunList v4_;
  RunList v6_;
};

}  // namespace cdnlab
