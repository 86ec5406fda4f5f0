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
// addresses with the same top PoP. A query then costs one binary search plus at most 33 prefix
// checks, reads nothing mutable, and the index is a plain vector: copyable for realnet's workers.
class ScopeAggregationIndex {
 public:
  // Rebuilds from every row of `table`.
  void Rebuild(const MappingTable& table);

  // The widest prefix containing `address` in which every address's longest-matching row is a
  // non-default row with `pop` first, where `pop` is that of `address`'s own row; nullopt when
  // `address` has no such row (it falls to the default row, or its row ranks no PoP).
  std::optional<Ipv4Prefix> WidestScope(Ipv4Address address) const;

  std::size_t Runs() const { return runs_.size(); }

 private:
  static constexpr PopIndex kNoPop = std::numeric_limits<PopIndex>::max();
  // Addresses first..last (inclusive) all answer `pop`; consecutive runs differ in pop and
  // together cover 0.0.0.0-255.255.255.255.
  struct Run {
    std::uint32_t first = 0;
    std::uint32_t last = 0;
    PopIndex pop = kNoPop;
  };
  void Append(std::uint64_t first, std::uint64_t last, PopIndex pop);

  std::vector<Run> runs_;
};

}  // namespace cdnlab
