#pragma once
// The federation of a loaded scenario as the models see it: the catalog (platforms, servers,
// providers, configurations, deployments) and the identity (every participant's key pair).
// The loader has already checked every reference, so building never fails for a scenario
// that loaded; both runtimes (sim/, realnet/) build from here.
#include <string>

#include "models/federation/catalog.h"
#include "models/federation/identity.h"
#include "models/federation/retry_policy.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// The node id of a platform's command invocation system (its gateway): "<platform>-gw".
// Gateways are federation nodes beside the servers; the loader keeps these ids unique.
inline std::string GatewayNodeId(const std::string& platform) { return platform + "-gw"; }

// Servers are added parents first and deployments upstream first, as the catalog requires.
// A configuration's ccids are the distinct `ccid`s of its objects, in file order.
FederationCatalog BuildFederationCatalog(const Scenario& scenario);

// Every participant with its secret (so this identity can sign as anyone: the simulation's
// view; a real process keeps only its own key with OnlyPrivateKeyOf).
FederationIdentity BuildFederationIdentity(const Scenario& scenario);

// The scenario's `federation.retry` in the models' units.
RetryPolicy BuildRetryPolicy(const FederationRetrySpec& retry);

}  // namespace cdnlab
