#pragma once
// A scenario's topology plus hosts that hang off its nodes, without ns-3: the graph both
// fidelities build their network from. Each host is a graph node of its own (kind kPop, so the
// address plan gives it an address) joined to the node it hangs off by its access link.
// AttachedHostsNetwork builds ns-3 packets on it; flow fidelity computes delays on it.
#include <map>
#include <string>
#include <vector>

#include "models/core/sim_time.h"
#include "models/topology/graph.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

struct HostAttachment {
  std::string node;   // the host's id (unique, not a topology node id)
  std::string at;     // the topology node it hangs off
  LinkParams access;  // its access link
};

class AttachedHostsGraph {
 public:
  // Throws std::invalid_argument when there are no hosts, a host id is also a topology node
  // id or repeats, or a host hangs off an unknown node (the loader reports these first).
  // `what` names the hosts in those messages ("federation node").
  AttachedHostsGraph(const Scenario& scenario, const std::vector<HostAttachment>& hosts, const std::string& what);

  // The scenario's graph plus the hosts and their access links.
  const TopologyGraph& Graph() const { return graph_; }
  // The scenario as the network is built from it: no PoP servers, client groups or resolvers
  // of request routing (their topology nodes stay as plain hosts), and the "DNS" node the
  // first attached host, which SimNetwork and HostAddressPlan require to exist.
  const Scenario& Shape() const { return shape_; }

  // Host ids in the order given.
  const std::vector<std::string>& Hosts() const { return order_; }
  bool Has(const std::string& host) const { return hosts_.count(host) > 0; }
  TopologyGraph::NodeId NodeOf(const std::string& host) const;
  TopologyGraph::LinkId AccessLink(const std::string& host) const;
  // Throws std::invalid_argument naming `what` for an unknown host.
  void Check(const std::string& host) const { Find(host); }

  // One-way latency between two hosts from the graph (access links included): the
  // shortest-delay path, which the simulated routing also takes.
  Duration Latency(const std::string& from_host, const std::string& to_host) const;

 private:
  struct Host {
    TopologyGraph::NodeId node = 0;
    TopologyGraph::LinkId access_link = 0;
  };
  const Host& Find(const std::string& host) const;

  std::string what_;
  TopologyGraph graph_;
  Scenario shape_;
  std::vector<std::string> order_;
  std::map<std::string, Host> hosts_;
  mutable std::map<TopologyGraph::NodeId, std::vector<double>> latency_cache_;  // by source
};

}  // namespace cdnlab
