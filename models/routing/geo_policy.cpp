#include "models/routing/geo_policy.h"

#include <algorithm>

namespace cdnlab {

GeoPolicy::GeoPolicy(const RoutingCatalog& catalog) : catalog_(catalog) {}

std::vector<PopIndex> GeoPolicy::Rank(std::size_t, const MappingTarget& target, SimTime,
                                      const std::vector<PopIndex>&) {
  std::vector<double> km(catalog_.pops.size());
  std::vector<PopIndex> ranked(catalog_.pops.size());
  for (PopIndex p = 0; p < ranked.size(); ++p) {
    ranked[p] = p;
    km[p] = GreatCircleKm(target.location, catalog_.pops[p].location);
  }
  std::stable_sort(ranked.begin(), ranked.end(), [&](PopIndex a, PopIndex b) { return km[a] < km[b]; });
  return ranked;
}

}  // namespace cdnlab
