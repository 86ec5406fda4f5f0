#pragma once
// The flow-fidelity network of a federation scenario: the same graph as FederationSimNetwork
// (the scenario's topology plus every gateway and server on its access link) and the same
// addresses, but no ns-3 nodes. Datagrams take the delay FlowNetwork computes along the path
// ns-3 global routing would choose (sim/flow/network.h); gateways and servers are access
// links off their router, so shortest-path trees exist only for routers however many servers
// there are.
#include <cstdint>
#include <map>
#include <string>

#include "models/core/sim_time.h"
#include "models/federation/completion_bound.h"
#include "models/federation/directory.h"
#include "scenarios/core/scenario.h"
#include "sim/flow/network.h"
#include "sim/net/attached_hosts_graph.h"

namespace cdnlab {

class FederationFlowNetwork {
 public:
  static constexpr std::uint16_t kPort = 7400;  // as FederationSimNetwork::kPort

  // Throws std::invalid_argument as FederationSimNetwork does.
  explicit FederationFlowNetwork(const Scenario& scenario);

  FlowNetwork& Flows() { return flows_; }
  const TopologyGraph& Graph() const { return graph_.Graph(); }
  const FederationDirectory& Directory() const { return directory_; }
  Endpoint EndpointOf(const std::string& node) const;

  // One-way latency between two federation nodes from the graph, as FederationSimNetwork.
  Duration Latency(const std::string& from_node, const std::string& to_node) const;
  NodeLatency LatencyFunction() const;

  // An unreachable node neither sends nor receives. Calls nest as FederationSimNetwork's.
  void SetReachable(const std::string& node, bool reachable);
  bool Reachable(const std::string& node) const;

 private:
  AttachedHostsGraph graph_;
  FlowNetwork flows_;
  FederationDirectory directory_;
  std::map<std::string, int> down_;  // nesting count of SetReachable(false), by node
};

}  // namespace cdnlab
