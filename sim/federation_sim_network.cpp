#include "sim/federation_sim_network.h"

#include <cmath>
#include <stdexcept>

#include <ns3/ipv4.h>

#include "scenarios/federation_from_scenario.h"
#include "scenarios/topology_from_scenario.h"

namespace cdnlab {
namespace {

struct Attachment {
  std::string node;
  std::string platform;
  std::string at;
  double access_delay_ms = 0;
};

std::vector<Attachment> FederationAttachments(const FederationSpec& f) {
  std::vector<Attachment> out;
  for (const auto& p : f.platforms) {
    out.push_back({GatewayNodeId(p.id), p.id, p.gateway_at, p.gateway_access_delay_ms});
    for (const auto& s : p.servers) out.push_back({s.id, p.id, s.at, s.access_delay_ms});
  }
  return out;
}

}  // namespace

FederationSimNetwork::FederationSimNetwork(const Scenario& scenario) : graph_(BuildTopology(scenario)) {
  const auto attachments = FederationAttachments(scenario.federation);
  if (attachments.empty()) throw std::invalid_argument("the scenario has no federation nodes to simulate");
  for (const auto& a : attachments) {
    if (graph_.FindNode(a.node)) {
      throw std::invalid_argument("federation node '" + a.node + "' has the id of a topology node");
    }
    const auto at = graph_.FindNode(a.at);
    if (!at) throw std::invalid_argument("federation node '" + a.node + "' hangs off unknown node '" + a.at + "'");
    FederationHost host;
    // A host, not a router: SimNetwork gives every non-router node its own address.
    host.graph_node = graph_.AddNode(a.node, NodeKind::kPop, graph_.Location(*at));
    LinkParams access;
    access.delay_ms = a.access_delay_ms;
    access.bandwidth_mbps = scenario.link_defaults.bandwidth_mbps;
    access.loss = 0;
    host.access_link = graph_.AddLink(a.node, a.at, access);
    hosts_[a.node] = host;
    nodes_.push_back(a.node);
  }

  // The network as SimNetwork builds it: no PoP servers, client groups or resolvers of
  // request routing (their topology nodes stay as plain hosts), and the "DNS" node a
  // federation host, which SimNetwork requires to exist.
  Scenario shape = scenario;
  shape.pops.clear();
  shape.client_groups.clear();
  shape.resolvers.clear();
  shape.dns.id = nodes_.front();
  network_ = std::make_unique<SimNetwork>(shape, graph_);

  // SimNetwork creates the topology nodes first, in graph order; a federation host's only
  // link (interface 1 after loopback) is its access link, which holds its address.
  const ns3::NodeContainer all = network_->AllNodes();
  for (const auto& a : attachments) {
    FederationHost& host = hosts_.at(a.node);
    ns3::Ptr<ns3::Node> node = all.Get(static_cast<std::uint32_t>(host.graph_node));
    ns3::Ptr<ns3::Ipv4> ipv4 = node->GetObject<ns3::Ipv4>();
    const Ipv4Address address{ipv4->GetAddress(1, 0).GetLocal().Get()};
    if (network_->NodeOf(address) != node) {
      throw std::logic_error("federation host '" + a.node + "' did not get the address of its access link");
    }
    host.endpoint = Endpoint{address, kPort};
    directory_.Add(a.node, host.endpoint, a.platform);
  }
}

const FederationSimNetwork::FederationHost& FederationSimNetwork::Host(const std::string& node) const {
  auto it = hosts_.find(node);
  if (it == hosts_.end()) throw std::invalid_argument("no federation node '" + node + "' in the simulated network");
  return it->second;
}

Endpoint FederationSimNetwork::EndpointOf(const std::string& node) const { return Host(node).endpoint; }

Duration FederationSimNetwork::Latency(const std::string& from_node, const std::string& to_node) const {
  const auto from = Host(from_node).graph_node;
  const auto to = Host(to_node).graph_node;
  auto it = latency_cache_.find(from);
  if (it == latency_cache_.end()) it = latency_cache_.emplace(from, graph_.LatenciesFromMs(from)).first;
  const double ms = it->second.at(to);
  if (!std::isfinite(ms)) throw std::logic_error("federation node '" + to_node + "' is unreachable from '" + from_node + "'");
  return FromMillis(ms);
}

NodeLatency FederationSimNetwork::LatencyFunction() const {
  return [this](const std::string& from, const std::string& to) { return Latency(from, to); };
}

void FederationSimNetwork::SetReachable(const std::string& node, bool reachable) {
  auto it = hosts_.find(node);
  if (it == hosts_.end()) throw std::invalid_argument("no federation node '" + node + "' in the simulated network");
  FederationHost& host = it->second;
  const bool was_down = host.down > 0;
  host.down += reachable ? -1 : 1;
  if (host.down < 0) host.down = 0;
  const bool down = host.down > 0;
  if (down == was_down) return;
  // Receive-side loss of 1 at both ends: nothing crosses the access link either way. The
  // delay (and so the routing metric) stays, so routes do not change around the outage.
  LinkParams params = graph_.Link(host.access_link);
  params.loss = down ? 1.0 : 0.0;
  network_->SetLinkParams(host.access_link, params);
}

bool FederationSimNetwork::Reachable(const std::string& node) const { return Host(node).down == 0; }

}  // namespace cdnlab
