#pragma once
#include <map>
#include <optional>
#include <vector>

#include "models/net/ip_address.h"
#include "models/routing/catalog.h"
#include "models/topology/graph.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// Where a host address lives: on a topology node, or on a server/controller host one LAN hop
// behind a topology node (its PoP, or the DNS node for the controller).
struct PlannedHost {
  enum class Role { kTopologyNode, kServer, kController };
  Role role = Role::kTopologyNode;
  TopologyGraph::NodeId node = 0;  // the node itself, or the node the LAN hangs off
  PopIndex pop = 0;                // kServer only
  std::size_t server = 0;          // kServer only: index within the PoP
};

// The addresses of a scenario's network, without ns-3, so the packet runtime (SimNetwork) and
// the flow runtime name every host identically and produce the same RoutingCatalog. A client
// group's first link carries the group's own prefix (its host is prefix.1); every other link,
// each server LAN and the controller LAN get a /30 from 100.64.0.0/10, in that order.
// When any group is dual-stack (prefix6), links and server LANs get IPv6 too, mirroring that:
// a dual-stack group's first link carries its prefix6 (its host is prefix6::1), every other
// link a /64 from 3fff:ff0::/40 and every server LAN one from 3fff:cd0::/40 (server ::1, PoP
// ::2). A group's prefix6 may not be in 2001:db8::/32, which ns-3 does not forward. Each host's IPv6 address is on the same link as its IPv4 one. The controller
// LAN stays IPv4 only: nothing reaches the controller over IPv6.
class HostAddressPlan {
 public:
  static constexpr double kServerLanDelayMs = 0.01;

  // One scenario link's subnet: side[0] gets network.Host(1), side[1] network.Host(2).
  struct LinkAddresses {
    TopologyGraph::NodeId side[2] = {0, 0};
    Ipv4Prefix network;
    std::optional<Ipv6Prefix> network6;  // dual-stack networks only
  };

  // Throws std::invalid_argument when a group prefix overlaps the infrastructure pool.
  HostAddressPlan(const Scenario& scenario, const TopologyGraph& graph);

  const RoutingCatalog& Catalog() const { return catalog_; }
  Ipv4Address DnsAddress() const { return dns_address_; }
  Ipv4Address ControllerAddress() const { return controller_address_; }
  const LinkAddresses& Link(TopologyGraph::LinkId id) const { return links_.at(id); }
  const std::vector<Ipv4Prefix>& ServerLans(PopIndex pop) const { return server_lans_.at(pop); }
  Ipv4Prefix ControllerLan() const { return controller_lan_; }
  TopologyGraph::NodeId DnsNode() const { return dns_node_; }
  // Every host address (first address of each non-router node, servers, controller).
  const std::map<Ipv4Address, PlannedHost>& Hosts() const { return hosts_; }

  // Whether the network carries IPv6 (some group has prefix6).
  bool DualStack() const { return dual_stack_; }
  // Dual-stack only: each server LAN's IPv6 network (as ServerLans), and every host's IPv6
  // address mapped to its IPv4 one (the same host: both runtimes route them alike).
  const std::vector<Ipv6Prefix>& ServerLans6(PopIndex pop) const { return server_lans6_.at(pop); }
  const std::map<Ipv6Address, Ipv4Address>& Hosts6() const { return hosts6_; }
  // The IPv4 address of the host that has `address` (itself for IPv4); nullopt for none.
  std::optional<Ipv4Address> HostOf(const IpAddress& address) const;
  // The n-th address inside an IPv6 prefix (n = 1 is the first host), as Ipv4Prefix::Host.
  static Ipv6Address Host6(const Ipv6Prefix& prefix, std::uint8_t n);

 private:
  Ipv4Prefix NextInfraNetwork();
  void PlanIpv6(const Scenario& scenario, const TopologyGraph& graph);

  std::vector<LinkAddresses> links_;                // by TopologyGraph::LinkId
  std::vector<std::vector<Ipv4Prefix>> server_lans_;  // by PopIndex, then server
  Ipv4Prefix controller_lan_;
  TopologyGraph::NodeId dns_node_ = 0;
  std::map<Ipv4Address, PlannedHost> hosts_;
  RoutingCatalog catalog_;
  Ipv4Address dns_address_;
  Ipv4Address controller_address_;
  std::uint32_t next_infra_ = 0;
  bool dual_stack_ = false;
  std::vector<std::vector<Ipv6Prefix>> server_lans6_;  // by PopIndex, then server
  std::map<Ipv6Address, Ipv4Address> hosts6_;
};

}  // namespace cdnlab
