#include "sim/net/attached_hosts_network.h"

#include <cmath>
#include <stdexcept>

#include <ns3/ipv4.h>

#include "scenarios/core/topology_from_scenario.h"

namespace cdnlab {

AttachedHostsNetwork::AttachedHostsNetwork(const Scenario& scenario, const std::vector<HostAttachment>& hosts,
                                           const std::string& what)
    : what_(what), graph_(BuildTopology(scenario)) {
  if (hosts.empty()) throw std::invalid_argument("the scenario has no " + what + "s to simulate");
  for (const auto& a : hosts) {
    if (hosts_.count(a.node)) throw std::invalid_argument(what + " '" + a.node + "' is listed twice");
    if (graph_.FindNode(a.node)) {
      throw std::invalid_argument(what + " '" + a.node + "' has the id of a topology node");
    }
    const auto at = graph_.FindNode(a.at);
    if (!at) throw std::invalid_argument(what + " '" + a.node + "' hangs off unknown node '" + a.at + "'");
    Host host;
    // A host, not a router: SimNetwork gives every non-router node its own address.
    host.graph_node = graph_.AddNode(a.node, NodeKind::kPop, graph_.Location(*at));
    host.access_link = graph_.AddLink(a.node, a.at, a.access);
    hosts_[a.node] = host;
    order_.push_back(a.node);
  }

  // The network as SimNetwork builds it: no PoP servers, client groups or resolvers of
  // request routing (their topology nodes stay as plain hosts), and the "DNS" node an
  // attached host, which SimNetwork requires to exist.
  Scenario shape = scenario;
  shape.pops.clear();
  shape.client_groups.clear();
  shape.resolvers.clear();
  shape.dns.id = order_.front();
  network_ = std::make_unique<SimNetwork>(shape, graph_);

  // SimNetwork creates the topology nodes first, in graph order; an attached host's only
  // link (interface 1 after loopback) is its access link, which holds its address.
  const ns3::NodeContainer all = network_->AllNodes();
  for (const auto& a : hosts) {
    Host& host = hosts_.at(a.node);
    host.node = all.Get(static_cast<std::uint32_t>(host.graph_node));
    ns3::Ptr<ns3::Ipv4> ipv4 = host.node->GetObject<ns3::Ipv4>();
    host.address = Ipv4Address{ipv4->GetAddress(1, 0).GetLocal().Get()};
    if (network_->NodeOf(host.address) != host.node) {
      throw std::logic_error(what + " '" + a.node + "' did not get the address of its access link");
    }
  }
}

const AttachedHostsNetwork::Host& AttachedHostsNetwork::Find(const std::string& host) const {
  auto it = hosts_.find(host);
  if (it == hosts_.end()) throw std::invalid_argument("no " + what_ + " '" + host + "' in the simulated network");
  return it->second;
}

Ipv4Address AttachedHostsNetwork::AddressOf(const std::string& host) const { return Find(host).address; }

ns3::Ptr<ns3::Node> AttachedHostsNetwork::NodeOf(const std::string& host) const { return Find(host).node; }

TopologyGraph::LinkId AttachedHostsNetwork::AccessLink(const std::string& host) const { return Find(host).access_link; }

Duration AttachedHostsNetwork::Latency(const std::string& from_host, const std::string& to_host) const {
  const auto from = Find(from_host).graph_node;
  const auto to = Find(to_host).graph_node;
  auto it = latency_cache_.find(from);
  if (it == latency_cache_.end()) it = latency_cache_.emplace(from, graph_.LatenciesFromMs(from)).first;
  const double ms = it->second.at(to);
  if (!std::isfinite(ms)) throw std::logic_error(what_ + " '" + to_host + "' is unreachable from '" + from_host + "'");
  return FromMillis(ms);
}

void AttachedHostsNetwork::SetReachable(const std::string& host_id, bool reachable) {
  Find(host_id);
  Host& host = hosts_.at(host_id);
  const bool was_down = host.down > 0;
  host.down += reachable ? -1 : 1;
  if (host.down < 0) host.down = 0;
  const bool down = host.down > 0;
  if (down == was_down) return;
  // Receive-side loss of 1 at both ends: nothing crosses the access link either way.
  LinkParams params = graph_.Link(host.access_link);
  params.loss = down ? 1.0 : 0.0;
  network_->SetLinkParams(host.access_link, params);
}

bool AttachedHostsNetwork::Reachable(const std::string& host) const { return Find(host).down == 0; }

}  // namespace cdnlab
