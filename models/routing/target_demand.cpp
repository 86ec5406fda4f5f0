#include "models/routing/target_demand.h"

#include <optional>

namespace cdnlab {
namespace {

// The longest target prefix containing `address`; with skip_default, the 0.0.0.0/0 row does not count.
std::optional<std::size_t> LongestMatch(const std::vector<MappingTarget>& targets, Ipv4Address address,
                                        bool skip_default) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const Ipv4Prefix& prefix = targets[i].prefix;
    if (skip_default && prefix.length == 0) continue;
    if (prefix.Contains(address) && (!best || prefix.length > targets[*best].prefix.length)) best = i;
  }
  return best;
}

}  // namespace

std::vector<double> TargetDemandRps(const RoutingCatalog& catalog, const std::vector<MappingTarget>& targets,
                                    bool map_by_client_subnet) {
  std::vector<double> demand(targets.size(), 0.0);
  for (const ClientGroupInfo& group : catalog.groups) {
    if (group.demand_rps <= 0) continue;
    const bool by_subnet = map_by_client_subnet && group.resolver < catalog.resolvers.size() &&
                           catalog.resolvers[group.resolver].sends_client_subnet;
    std::optional<std::size_t> row;
    // Mirrors AuthoritativeAnswerer: a subnet row other than the default first, else the
    // resolver's address (which may fall through to the default row).
    if (by_subnet) row = LongestMatch(targets, group.prefix.network, /*skip_default=*/true);
    if (!row && group.resolver < catalog.resolvers.size()) {
      row = LongestMatch(targets, catalog.resolvers[group.resolver].address, /*skip_default=*/false);
    }
    if (row) demand[*row] += group.demand_rps;
  }
  return demand;
}

}  // namespace cdnlab
