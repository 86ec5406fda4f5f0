#pragma once
// How much traffic each published mapping row actually carries, for capacity planning.
// A DNS answer is cached and reused by everyone the row answers for, so a row's load is the
// demand of the groups whose queries land on it, not the groups it was computed for.
#include <vector>

#include "models/routing/mapping_target.h"
#include "models/routing/catalog.h"

namespace cdnlab {

// Requests per second carried by each target (same order as `targets`), from
// ClientGroupInfo.demand_rps. A group whose resolver sends client subnet (and, with
// map_by_client_subnet, the authoritative honours it) is served by the longest row containing
// its prefix other than the default row; otherwise by the row of its resolver's address (the
// resolver's /32, or failing that the longest row containing that address). The default
// 0.0.0.0/0 row carries only the groups that match no other row. Demand that matches no row
// at all is dropped (nothing would answer it).
std::vector<double> TargetDemandRps(const RoutingCatalog& catalog, const std::vector<MappingTarget>& targets,
                                    bool map_by_client_subnet);

}  // namespace cdnlab
