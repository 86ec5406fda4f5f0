#pragma once
// The fastest a command could possibly complete, from the network alone: the same protocol
// the gateways run (tiers one after another, each a round trip from the gateway to its
// slowest server; then each downstream platform, a round trip away, doing the same), with
// zero processing time, no loss and no retries. Simulations report it next to the measured
// completion time, so the overhead of the protocol and of faults is visible.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "models/core/sim_time.h"
#include "models/federation/catalog.h"

namespace cdnlab {

// One-way network latency between two federation nodes (gateway or server node ids).
using NodeLatency = std::function<Duration(const std::string& from_node, const std::string& to_node)>;
// The node of a server (servers may share a node with nothing else; the runtime knows).
using ServerNode = std::function<std::string(const std::string& server)>;

// What a downstream platform actually admitted, when known (its own record's
// configurations): a platform that refused its part (a loop, eperm, unsupported) adds
// nothing to the bound. Unknown (nullopt, or no function) = everything delegated to it.
using AdmittedConfigurations = std::function<std::optional<std::vector<std::string>>(const std::string& platform)>;

Duration CompletionLowerBound(const FederationCatalog& catalog, const std::string& platform,
                              const std::vector<std::string>& configurations, const NodeLatency& latency,
                              const ServerNode& server_node, const AdmittedConfigurations& admitted = {});

}  // namespace cdnlab
