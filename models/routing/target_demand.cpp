#include "models/routing/target_demand.h"

#include <optional>

namespace cdnlab {
namespace {

// The longest target prefix containing `address`; with skip_default, the 0.0.0.0/0 row does not count.
std::optional<std::size_t> LongestMatch(const std::vector<MappingTarget>& targets, const IpAddress& address,
                                        bool skip_default) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const IpPrefix& prefix = targets[i].prefix;
    if (skip_default && prefix.Length() == 0) continue;
    if (prefix.Contains(address) && (!best || prefix.Length() > targets[*best].prefix.Length())) best = i;
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
    // Mirrors AuthoritativeAnswerer: a subnet row other than the default first, else the
    // resolver's address (which may fall through to the default row). A dual-stack group's
    // IPv6 requests are matched by its IPv6 subnet.
    std::optional<std::size_t> by_resolver;
    if (group.resolver < catalog.resolvers.size()) {
      by_resolver = LongestMatch(targets, catalog.resolvers[group.resolver].address, /*skip_default=*/false);
    }
    const double v6_share = group.Ipv6Share();
    const std::pair<std::optional<IpAddress>, double> parts[] = {
        {IpAddress(group.prefix.network), 1.0 - v6_share},
        {group.prefix6 ? std::optional<IpAddress>(group.prefix6->network) : std::nullopt, v6_share}};
    for (const auto& [subnet, share] : parts) {
      if (!subnet || share <= 0) continue;
      std::optional<std::size_t> row;
      if (by_subnet) row = LongestMatch(targets, *subnet, /*skip_default=*/true);
      if (!row) row = by_resolver;
      if (row) demand[*row] += group.demand_rps * share;
    }
  }
  return demand;
}

}  // namespace cdnlab
