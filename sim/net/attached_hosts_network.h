#pragma once
// The ns-3 network of a scenario plus hosts that hang off its topology nodes: every topology
// node with its links (delay, rate, loss, delay-weighted global routing), and one host per
// attachment over an access link of its own parameters. Federation nodes (gateways, servers)
// and streaming nodes (load balancer, ingests, caches, publishers, viewer groups) are such
// hosts; FederationSimNetwork and StreamingSimNetwork are built on this.
//
// The ns-3 side is a SimNetwork built on the scenario's graph extended by the hosts and their
// access links, so links, addresses (/30s from 100.64.0.0/10), routing metrics and the
// datagram transport (Ns3DatagramTransport) are exactly the routing experiment's.
// (SimNetwork always puts a controller host beside the node its scenario names as DNS; here
// that is the first attached host, and the extra leaf host carries nothing.) The scenario's
// own routing hosts (PoP servers, client groups, resolvers) are not built.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ns3/node.h>

#include "models/core/sim_time.h"
#include "models/net/ipv4.h"
#include "models/topology/graph.h"
#include "scenarios/core/scenario.h"
#include "sim/net/attached_hosts_graph.h"
#include "sim/net/network.h"

namespace cdnlab {

class AttachedHostsNetwork {
 public:
  // Throws std::invalid_argument when there are no hosts, a host id is also a topology node
  // id or repeats, or a host hangs off an unknown node (the loader reports these first).
  // `what` names the hosts in those messages ("federation node").
  AttachedHostsNetwork(const Scenario& scenario, const std::vector<HostAttachment>& hosts, const std::string& what);

  SimNetwork& Network() { return *network_; }
  const SimNetwork& Network() const { return *network_; }
  // The scenario's graph plus the hosts and their access links.
  const TopologyGraph& Graph() const { return graph_.Graph(); }
  // The graph without ns-3 (flow fidelity builds on the same).
  const AttachedHostsGraph& HostsGraph() const { return graph_; }

  // Host ids in the order given.
  const std::vector<std::string>& Hosts() const { return graph_.Hosts(); }
  bool Has(const std::string& host) const { return graph_.Has(host); }
  Ipv4Address AddressOf(const std::string& host) const;
  ns3::Ptr<ns3::Node> NodeOf(const std::string& host) const;
  TopologyGraph::LinkId AccessLink(const std::string& host) const;

  // One-way latency between two hosts from the graph (access links included): the
  // shortest-delay path, which the simulated routing also takes.
  Duration Latency(const std::string& from_host, const std::string& to_host) const;

  // An unreachable host's access link drops every packet in both directions. Calls nest:
  // the host is reachable again when every SetReachable(false) got its SetReachable(true).
  // The delay (and so the routing metric) stays, so routes do not change around an outage.
  void SetReachable(const std::string& host, bool reachable);
  bool Reachable(const std::string& host) const;

 private:
  struct Host {
    Ipv4Address address;
    ns3::Ptr<ns3::Node> node;
    int down = 0;  // nesting count of SetReachable(false)
  };
  const Host& Find(const std::string& host) const;

  std::string what_;
  AttachedHostsGraph graph_;
  std::unique_ptr<SimNetwork> network_;
  std::map<std::string, Host> hosts_;
};

}  // namespace cdnlab
