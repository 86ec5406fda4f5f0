#include "sim/net/attached_hosts_graph.h"

#include <cmath>
#include <stdexcept>

#include "scenarios/core/topology_from_scenario.h"

namespace cdnlab {

AttachedHostsGraph::AttachedHostsGraph(const Scenario& scenario, const std::vector<HostAttachment>& hosts,
                                       const std::string& what)
    : what_(what), graph_(BuildTopology(scenario)), shape_(scenario) {
  if (hosts.empty()) throw std::invalid_argument("the scenario has no " + what + "s to simulate");
  for (const auto& a : hosts) {
    if (hosts_.count(a.node)) throw std::invalid_argument(what + " '" + a.node + "' is listed twice");
    if (graph_.FindNode(a.node)) {
      throw std::invalid_argument(what + " '" + a.node + "' has the id of a topology node");
    }
    const auto at = graph_.FindNode(a.at);
    if (!at) throw std::invalid_argument(what + " '" + a.node + "' hangs off unknown node '" + a.at + "'");
    Host host;
    // A host, not a router: the address plan gives every non-router node its own address.
    host.node = graph_.AddNode(a.node, NodeKind::kPop, graph_.Location(*at));
    host.access_link = graph_.AddLink(a.node, a.at, a.access);
    hosts_[a.node] = host;
    order_.push_back(a.node);
  }
  shape_.pops.clear();
  shape_.client_groups.clear();
  shape_.resolvers.clear();
  shape_.dns.id = order_.front();
}

const AttachedHostsGraph::Host& AttachedHostsGraph::Find(const std::string& host) const {
  auto it = hosts_.find(host);
  if (it == hosts_.end()) throw std::invalid_argument("no " + what_ + " '" + host + "' in the simulated network");
  return it->second;
}

TopologyGraph::NodeId AttachedHostsGraph::NodeOf(const std::string& host) const { return Find(host).node; }

TopologyGraph::LinkId AttachedHostsGraph::AccessLink(const std::string& host) const { return Find(host).access_link; }

Duration AttachedHostsGraph::Latency(const std::string& from_host, const std::string& to_host) const {
  const auto from = Find(from_host).node;
  const auto to = Find(to_host).node;
  auto it = latency_cache_.find(from);
  if (it == latency_cache_.end()) it = latency_cache_.emplace(from, graph_.LatenciesFromMs(from)).first;
  const double ms = it->second.at(to);
  if (!std::isfinite(ms)) throw std::logic_error(what_ + " '" + to_host + "' is unreachable from '" + from_host + "'");
  return FromMillis(ms);
}

}  // namespace cdnlab
