#pragma once
#include <utility>
#include <vector>

#include "models/geo/point.h"
#include "models/net/ip_address.h"
#include "models/routing/catalog.h"

namespace cdnlab {

// A row the controller computes: the prefix DNS matches on, where it is, and which client
// groups' users it stands for (weights sum to 1). A client-group prefix stands for one
// group; a resolver's /32 (queries without client subnet) stands for every group behind it;
// the default 0.0.0.0/0 row stands for all groups. A dual-stack group's IPv6 prefix is a target
// of its own, standing for the same group.
struct MappingTarget {
  IpPrefix prefix;
  GeoPoint location;
  std::vector<std::pair<GroupIndex, double>> groups;
};

// One target per client group, one per resolver, the default row, weighted by population; then
// one per dual-stack group's IPv6 prefix (last, so IPv4-only scenarios keep their target order).
std::vector<MappingTarget> BuildMappingTargets(const RoutingCatalog& catalog);

}  // namespace cdnlab
