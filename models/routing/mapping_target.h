#pragma once
#include <utility>
#include <vector>

#include "models/geo/point.h"
#include "models/net/ipv4.h"
#include "models/routing/catalog.h"

namespace cdnlab {

// A row the controller computes: the prefix DNS matches on, where it is, and which client
// groups' users it stands for (weights sum to 1). A client-group prefix stands for one
// group; a resolver's /32 (queries without client subnet) stands for every group behind it;
// the default 0.0.0.0/0 row stands for all groups.
struct MappingTarget {
  Ipv4Prefix prefix;
  GeoPoint location;
  std::vector<std::pair<GroupIndex, double>> groups;
};

// One target per client group, one per resolver, and the default row, weighted by population.
std::vector<MappingTarget> BuildMappingTargets(const RoutingCatalog& catalog);

}  // namespace cdnlab
