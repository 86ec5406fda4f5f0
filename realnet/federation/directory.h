#pragma once
#include "models/net/endpoint.h"
#include "models/federation/catalog.h"
#include "models/federation/directory.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// The federation nodes at their real addresses (the scenario's realnet.federation_nodes):
// a gateway node speaks for its platform, a server node for the platform that runs it.
// Throws std::invalid_argument when the scenario places no federation node, or places one
// the catalog does not know (the loader reports both with positions first).
FederationDirectory RealnetFederationDirectory(const Scenario& scenario, const FederationCatalog& catalog);

// The address of `platform`'s HTTP API (realnet.federation_http); invalid_argument if absent.
Endpoint RealnetFederationHttp(const Scenario& scenario, const std::string& platform);

}  // namespace cdnlab
