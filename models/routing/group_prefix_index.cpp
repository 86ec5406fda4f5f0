#include "models/routing/group_prefix_index.h"

#include <algorithm>
#include <functional>

namespace cdnlab {

GroupPrefixIndex::GroupPrefixIndex(const RoutingCatalog& catalog) {
  by_prefix_.reserve(catalog.groups.size());
  for (GroupIndex g = 0; g < catalog.groups.size(); ++g) {
    const Ipv4Prefix& prefix = catalog.groups[g].prefix;
    by_prefix_.emplace(Key(prefix.network.value, prefix.length), g);  // keeps the first on a tie
    if (std::find(lengths_.begin(), lengths_.end(), prefix.length) == lengths_.end()) lengths_.push_back(prefix.length);
  }
  std::sort(lengths_.begin(), lengths_.end(), std::greater<>());
}

std::optional<GroupIndex> GroupPrefixIndex::GroupOf(Ipv4Address address) const {
  for (const std::uint8_t length : lengths_) {
    const auto it = by_prefix_.find(Key(address.value & Ipv4Prefix::MaskFor(length), length));
    if (it != by_prefix_.end()) return it->second;
  }
  return std::nullopt;
}

}  // namespace cdnlab
