#pragma once
#include <memory>
#include <string>

#include "models/federation/completion_bound.h"
#include "models/federation/directory.h"
#include "models/ports/datagram_transport.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// What the federation experiment needs from the network it runs on, whatever the fidelity:
// where each gateway and server listens, datagrams between them, the latencies the completion
// bound uses, and outages. Packet fidelity builds ns-3 nodes, links and UDP sockets
// (FederationSimNetwork); flow fidelity delivers each datagram after the delay computed from
// the topology (FederationFlowNetwork). Both run on the ns-3 scheduler.
class FederationRuntime {
 public:
  virtual ~FederationRuntime() = default;
  virtual const FederationDirectory& Directory() const = 0;
  // Throws std::invalid_argument for a node the network does not have.
  virtual Endpoint EndpointOf(const std::string& node) const = 0;
  virtual NodeLatency LatencyFunction() const = 0;
  // An unreachable node neither sends nor receives. Calls nest: the node is reachable again
  // when every SetReachable(false) got its SetReachable(true).
  virtual void SetReachable(const std::string& node, bool reachable) = 0;
  virtual DatagramTransport& Transport() = 0;
};

std::unique_ptr<FederationRuntime> MakePacketFederationRuntime(const Scenario& scenario);
std::unique_ptr<FederationRuntime> MakeFlowFederationRuntime(const Scenario& scenario);

// The runtime `scenario.fidelity` asks for.
inline std::unique_ptr<FederationRuntime> MakeFederationRuntime(const Scenario& scenario) {
  return scenario.fidelity == Fidelity::kFlow ? MakeFlowFederationRuntime(scenario)
                                              : MakePacketFederationRuntime(scenario);
}

}  // namespace cdnlab
