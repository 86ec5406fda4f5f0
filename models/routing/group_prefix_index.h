#pragma once
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "models/net/ipv4.h"
#include "models/routing/catalog.h"

namespace cdnlab {

// Longest-prefix match of an address to the client group whose prefix holds it, in a few
// hash lookups (one per prefix length in use) instead of RoutingCatalog::GroupOfAddress's
// scan over every group: stub resolvers and beacon collectors ask once per request.
// Same answer as GroupOfAddress, including ties (the first group listed wins).
class GroupPrefixIndex {
 public:
  explicit GroupPrefixIndex(const RoutingCatalog& catalog);
  std::optional<GroupIndex> GroupOf(Ipv4Address address) const;

 private:
  static std::uint64_t Key(std::uint32_t network, std::uint8_t length) {
    return (std::uint64_t{network} << 8) | length;
  }
  std::vector<std::uint8_t> lengths_;  // in use, longest first
  std::unordered_map<std::uint64_t, GroupIndex> by_prefix_;
};

}  // namespace cdnlab
