#pragma once
#include <vector>

#include "models/routing/mapping_table.h"

namespace cdnlab {

// A piece of the address space and the mapping row that answers for all of it.
struct MappingBlock {
  IpPrefix block;
  MappingEntry row;  // the longest-matching row for every address in `block`
};

// The mapping as non-overlapping prefixes: each row minus the more specific rows inside it,
// written as the fewest whole prefixes (at most 32, IPv6: 128, per more specific row), in
// address order (IPv4 blocks first).
// Addresses no row covers get no block.
//
// Why: an answerer that can only match prefixes (Knot's geoip module) reports the matched
// prefix as the ECS scope (RFC 7871). With nested rows (0.0.0.0/0 around 10.1.0.0/24) the outer
// row's scope would tell a resolver its answer is good for the inner row's clients too, and the
// resolver's cache would serve it to them. Disjoint blocks make every scope exact.
//
// `rows` must be ordered by prefix with no duplicates (as MappingTable::Entries returns them).
std::vector<MappingBlock> DisjointBlocks(const std::vector<MappingEntry>& rows);

}  // namespace cdnlab
