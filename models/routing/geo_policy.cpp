#include "models/routing/geo_policy.h"

#include <algorithm>

namespace cdnlab {

GeoPolicy::GeoPolicy(const RoutingCatalog& catalog) : catalog_(catalog) {}

std::vector<PopIndex> GeoPolicy::Rank(std::size_t target_index, const MappingTarget& target, SimTime,
                                      const std::vector<PopIndex>&) {
  if (target_index < cached_.size() && !cached_[target_index].empty()) return cached_[target_index];
  std::vector<std::pair<double, PopIndex>> by_km(catalog_.pops.size());  // ties: lower index first
  for (PopIndex p = 0; p < by_km.size(); ++p) by_km[p] = {GreatCircleKm(target.location, catalog_.pops[p].location), p};
  const std::size_t depth = depth_ == 0 ? by_km.size() : std::min(depth_, by_km.size());
  std::partial_sort(by_km.begin(), by_km.begin() + static_cast<std::ptrdiff_t>(depth), by_km.end());
  std::vector<PopIndex> ranked(depth);
  for (std::size_t i = 0; i < depth; ++i) ranked[i] = by_km[i].second;
  if (target_index >= cached_.size()) cached_.resize(target_index + 1);
  cached_[target_index] = ranked;
  return ranked;
}

void GeoPolicy::SetRankingDepth(std::size_t depth) {
  if (depth != depth_) cached_.clear();  // rankings cut at another depth
  depth_ = depth;
}

}  // namespace cdnlab
