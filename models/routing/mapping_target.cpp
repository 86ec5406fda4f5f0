#include "models/routing/mapping_target.h"

namespace cdnlab {
namespace {

// Population weights normalised to 1; equal weights when nobody is counted.
std::vector<std::pair<GroupIndex, double>> Weighted(const RoutingCatalog& catalog,
                                                    const std::vector<GroupIndex>& groups) {
  double total = 0;
  for (GroupIndex g : groups) total += catalog.groups[g].population;
  std::vector<std::pair<GroupIndex, double>> out;
  for (GroupIndex g : groups) {
    out.emplace_back(g, total > 0 ? catalog.groups[g].population / total : 1.0 / groups.size());
  }
  return out;
}

GeoPoint Centroid(const RoutingCatalog& catalog, const std::vector<std::pair<GroupIndex, double>>& weighted) {
  GeoPoint c{0, 0};
  for (const auto& [g, w] : weighted) {
    c.latitude_deg += w * catalog.groups[g].location.latitude_deg;
    c.longitude_deg += w * catalog.groups[g].location.longitude_deg;
  }
  return c;
}

}  // namespace

std::vector<MappingTarget> BuildMappingTargets(const RoutingCatalog& catalog) {
  std::vector<MappingTarget> targets;
  for (GroupIndex g = 0; g < catalog.groups.size(); ++g) {
    targets.push_back({catalog.groups[g].prefix, catalog.groups[g].location, {{g, 1.0}}});
  }
  for (ResolverIndex r = 0; r < catalog.resolvers.size(); ++r) {
    std::vector<GroupIndex> behind;
    for (GroupIndex g = 0; g < catalog.groups.size(); ++g) {
      if (catalog.groups[g].resolver == r) behind.push_back(g);
    }
    if (behind.empty()) continue;
    // Queries without a client subnet are mapped for the resolver's location, as a CDN
    // that geolocates or measures the resolver would.
    targets.push_back({Ipv4Prefix::Of(catalog.resolvers[r].address, 32), catalog.resolvers[r].location,
                       Weighted(catalog, behind)});
  }
  if (!catalog.groups.empty()) {
    std::vector<GroupIndex> all(catalog.groups.size());
    for (GroupIndex g = 0; g < all.size(); ++g) all[g] = g;
    auto weighted = Weighted(catalog, all);
    const GeoPoint centroid = Centroid(catalog, weighted);
    targets.push_back({Ipv4Prefix{Ipv4Address{0}, 0}, centroid, std::move(weighted)});
  }
  for (GroupIndex g = 0; g < catalog.groups.size(); ++g) {
    const ClientGroupInfo& group = catalog.groups[g];
    if (group.prefix6) targets.push_back({*group.prefix6, group.location, {{g, 1.0}}});
  }
  return targets;
}

}  // namespace cdnlab
