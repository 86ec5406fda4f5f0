#pragma once
#include "models/routing/catalog.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// The scenario's PoPs and groups at their real addresses (the scenario's `realnet` section):
// PoP servers where probe agents run, group representatives where responders listen.
// Throws std::invalid_argument when the scenario has no realnet section.
RoutingCatalog RealnetCatalog(const Scenario& scenario);

}  // namespace cdnlab
