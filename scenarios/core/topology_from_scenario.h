#pragma once
#include "models/topology/graph.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// The location of any node of the scenario (router, PoP, group, resolver, dns), by id.
// Federation servers and gateways are not topology nodes: they hang off one (`at`).
std::optional<GeoPoint> NodeLocation(const Scenario& scenario, const std::string& id);

// A link's parameters with the scenario's defaults filled in: an omitted delay is the
// great-circle distance between its ends x route_stretch / km_per_ms (at least min_delay_ms).
LinkParams ResolveLinkParams(const Scenario& scenario, const LinkSpec& link);
// The same from the ends' locations (for callers that already know them).
LinkParams ResolveLinkParams(const LinkDefaults& defaults, const LinkSpec& link, const GeoPoint& a, const GeoPoint& b);

// The scenario's network: every node by id with its kind and location, every link resolved.
// Without routing sections (a federation-only scenario) that is the routers and links alone.
TopologyGraph BuildTopology(const Scenario& scenario);

}  // namespace cdnlab
