#pragma once
// The ns-3 network of a federation scenario: every topology node of the scenario with its
// links (delay, rate, loss, delay-weighted global routing), plus one host per federation
// node — each platform's gateway "<platform>-gw" hanging off `gateway_at`, each server off
// its `at` — over an access link with the node's access delay (link_defaults.bandwidth_mbps,
// no loss). A server's node id is its server id.
//
// The ns-3 side is an AttachedHostsNetwork (sim/net/attached_hosts_network.h): a SimNetwork built
// on the scenario's graph extended by the federation hosts and their access links, so links,
// addresses (/30s from 100.64.0.0/10), routing metrics and the datagram transport
// (Ns3DatagramTransport) are exactly the routing experiment's.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/core/sim_time.h"
#include "models/federation/completion_bound.h"
#include "models/federation/directory.h"
#include "models/topology/graph.h"
#include "scenarios/core/scenario.h"
#include "sim/net/attached_hosts_network.h"
#include "sim/net/network.h"

namespace cdnlab {

class FederationSimNetwork {
 public:
  static constexpr std::uint16_t kPort = 7400;  // every federation node listens here

  // Throws std::invalid_argument when a federation node id is also a topology node id or
  // hangs off an unknown node (the loader reports both with positions first).
  explicit FederationSimNetwork(const Scenario& scenario);

  SimNetwork& Network() { return hosts_.Network(); }
  const SimNetwork& Network() const { return hosts_.Network(); }
  // The scenario's graph plus the federation hosts and their access links.
  const TopologyGraph& Graph() const { return hosts_.Graph(); }

  // Endpoint and participant (the platform) of every gateway and server node.
  const FederationDirectory& Directory() const { return directory_; }
  // Federation node ids: per platform its gateway, then its servers, in scenario order.
  const std::vector<std::string>& Nodes() const { return hosts_.Hosts(); }
  Endpoint EndpointOf(const std::string& node) const;

  // One-way latency between two federation nodes from the graph (access links included):
  // the shortest-delay path, which the simulated routing also takes.
  Duration Latency(const std::string& from_node, const std::string& to_node) const;
  NodeLatency LatencyFunction() const;

  // An unreachable node's access link drops every packet in both directions. Calls nest:
  // the node is reachable again when every SetReachable(false) got its SetReachable(true).
  void SetReachable(const std::string& node, bool reachable);
  bool Reachable(const std::string& node) const;

 private:
  AttachedHostsNetwork hosts_;
  FederationDirectory directory_;
};

}  // namespace cdnlab
