#pragma once
#include <memory>

#include "models/ports/datagram_transport.h"
#include "models/ports/object_fetcher.h"
#include "models/topology/graph.h"
#include "scenarios/core/scenario.h"
#include "sim/net/network_controls.h"
#include "sim/net/ns3_clock.h"

namespace cdnlab {

// What the routing experiment needs from the network it runs on, whatever the fidelity: the
// hosts (catalog, DNS and controller addresses), datagrams, downloads and the timeline's
// knobs. Packet fidelity builds ns-3 nodes, links and sockets; flow fidelity computes delays
// from the topology. Both run on the ns-3 scheduler (Ns3Clock).
class RoutingRuntime {
 public:
  virtual ~RoutingRuntime() = default;
  virtual NetworkControls& Network() = 0;
  virtual Ipv4Address DnsAddress() const = 0;
  virtual Ipv4Address ControllerAddress() const = 0;
  virtual DatagramTransport& Transport() = 0;
  virtual ObjectFetcher& Downloads() = 0;    // client downloads (default timeout)
  virtual ObjectFetcher& TestFetches() = 0;  // the RUM tool's test objects (`test_timeout`)
  // Starts serving objects; called where the experiment used to start its object servers.
  virtual void Start() = 0;
};

std::unique_ptr<RoutingRuntime> MakePacketRoutingRuntime(const Scenario& scenario, const TopologyGraph& graph,
                                                         Ns3Clock& clock, Duration test_timeout);
std::unique_ptr<RoutingRuntime> MakeFlowRoutingRuntime(const Scenario& scenario, const TopologyGraph& graph,
                                                       Ns3Clock& clock, Duration test_timeout);

// The runtime `scenario.fidelity` asks for.
inline std::unique_ptr<RoutingRuntime> MakeRoutingRuntime(const Scenario& scenario, const TopologyGraph& graph,
                                                          Ns3Clock& clock, Duration test_timeout) {
  return scenario.fidelity == Fidelity::kFlow ? MakeFlowRoutingRuntime(scenario, graph, clock, test_timeout)
                                              : MakePacketRoutingRuntime(scenario, graph, clock, test_timeout);
}

}  // namespace cdnlab
