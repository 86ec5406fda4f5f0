#pragma once
#include <cstdint>
#include <limits>
#include <memory>
#include <unordered_map>
#include <vector>

#include "models/topology/graph.h"
#include "scenarios/core/scenario.h"
#include "sim/net/host_address_plan.h"
#include "sim/net/network_controls.h"

namespace cdnlab {

// What a datagram or a flow between two hosts sees, one direction.
struct PathMetrics {
  static constexpr std::uint32_t kNoLink = std::numeric_limits<std::uint32_t>::max();
  bool reachable = false;
  double one_way_delay_ms = 0;
  double loss = 0;            // 1 - product of (1 - loss) over the links
  double bottleneck_mbps = 0;
  std::uint32_t bottleneck_link = kNoLink;  // scenario link id; kNoLink when a LAN is narrowest
};

// The flow runtime's network: no ns-3 nodes, only the topology and where each host address
// sits (HostAddressPlan, the same addresses as SimNetwork). Paths follow the routing metric
// ns-3 global routing uses (RoutingMetricFor), so both fidelities take the same routes.
//
// Scale: a client group with a single link (the usual case) is never transit, so it is
// modelled as an access link hanging off its neighbour; shortest-path trees cover only the
// remaining "core" nodes and are computed lazily, one per root that is asked for, with
// 12-byte cells. A path with an infrastructure end (PoP, server, resolver, DNS, controller)
// is read from that end's tree, so trees stay O(infra nodes x core nodes).
//
// Attached hosts (federation gateways and servers, sim/net/attached_hosts_graph.h) hang off a
// router by one link each: with LeafNodes::kAnyHost every one-link non-router node is such an
// access link too, so 10,000 servers add no tree and no core node.
class FlowNetwork final : public NetworkControls {
 public:
  // Which one-link nodes are modelled as access links off their neighbour.
  enum class LeafNodes { kClientGroups, kAnyHost };

  FlowNetwork(const Scenario& scenario, const TopologyGraph& graph, LeafNodes leaves = LeafNodes::kClientGroups);

  const RoutingCatalog& Catalog() const override { return plan_.Catalog(); }
  Ipv4Address DnsAddress() const { return plan_.DnsAddress(); }
  Ipv4Address ControllerAddress() const { return plan_.ControllerAddress(); }
  // Addresses of either family: a dual-stack host's IPv6 address is the same host (and so the
  // same paths) as its IPv4 one.
  bool HasHost(const IpAddress& address) const {
    return address.IsV4() ? host_index_.count(address.V4().value) != 0 : plan_.HostOf(address).has_value();
  }
  // The IPv4 address of the host with `address`; throws std::invalid_argument for none.
  Ipv4Address HostAddress(const IpAddress& address) const;
  // True for a server of a failed PoP: it neither sends nor receives.
  bool HostDown(const IpAddress& address) const;
  // A host cut off the network (an attached host's outage): nothing it sends leaves it and
  // nothing reaches it while down. Unlike a failed PoP, the transport checks the sender when it
  // sends and the receiver when the datagram arrives, as a lossy access link in ns-3 would.
  void SetHostReachable(const IpAddress& address, bool reachable);
  bool HostUnreachable(const IpAddress& address) const;
  // The IPv4 address the address plan gives topology node `node` (non-routers only).
  Ipv4Address AddressOfNode(TopologyGraph::NodeId node) const;
  // Throws std::invalid_argument for an address no host has.
  PathMetrics Path(const IpAddress& from, const IpAddress& to);
  const LinkParams& Link(TopologyGraph::LinkId id) const { return links_.at(id); }
  std::size_t LinkCount() const { return links_.size(); }
  std::size_t CachedTrees() const { return cached_trees_; }

  void SetLinkParams(TopologyGraph::LinkId id, const LinkParams& params) override;
  void SetPopServersUp(PopIndex pop, bool up) override;
  void RecomputeRoutes() override;

 private:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  struct Host {
    std::uint32_t core = 0;         // core node it reaches the network through
    std::uint32_t access_link = kNone;  // a leaf group's own link to `core`
    float lan_delay_ms = 0;         // servers and the controller: one LAN hop
    std::int32_t pop = -1;          // servers: their PoP
    bool infra = false;             // not a client group: its tree is worth caching
    bool unreachable = false;       // SetHostReachable(false)
  };
  // From a tree's root to one core node.
  struct Cell {
    float delay_ms = std::numeric_limits<float>::infinity();
    float survival = 1;  // product of (1 - loss)
    std::uint32_t bottleneck_link = kNone;
  };
  using Tree = std::vector<Cell>;

  const Host& HostOf(const IpAddress& address) const;
  Host& HostOf(const IpAddress& address);
  const Tree& TreeFrom(std::uint32_t root);
  Tree ComputeTree(std::uint32_t root) const;

  HostAddressPlan plan_;
  std::vector<LinkParams> links_;  // current parameters, by scenario link id
  // Core graph in CSR form: neighbours of core node c are adj_[offset_[c] .. offset_[c+1]).
  std::vector<std::uint32_t> offset_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> adj_;  // (neighbour core node, link id)
  std::unordered_map<std::uint32_t, std::uint32_t> host_index_;  // address -> hosts_ index
  std::vector<Host> hosts_;
  std::vector<std::unique_ptr<Tree>> trees_;  // by root core node, filled on demand
  std::size_t cached_trees_ = 0;
  std::vector<bool> pop_up_;
  std::unordered_map<TopologyGraph::NodeId, Ipv4Address> node_address_;  // topology-node hosts
};

}  // namespace cdnlab
