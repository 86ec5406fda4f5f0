#pragma once
#include <map>
#include <vector>

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
class HostAddressPlan {
 public:
  static constexpr double kServerLanDelayMs = 0.01;

  // One scenario link's subnet: side[0] gets network.Host(1), side[1] network.Host(2).
  struct LinkAddresses {
    TopologyGraph::NodeId side[2] = {0, 0};
    Ipv4Prefix network;
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

 private:
  Ipv4Prefix NextInfraNetwork();

  std::vector<LinkAddresses> links_;                // by TopologyGraph::LinkId
  std::vector<std::vector<Ipv4Prefix>> server_lans_;  // by PopIndex, then server
  Ipv4Prefix controller_lan_;
  TopologyGraph::NodeId dns_node_ = 0;
  std::map<Ipv4Address, PlannedHost> hosts_;
  RoutingCatalog catalog_;
  Ipv4Address dns_address_;
  Ipv4Address controller_address_;
  std::uint32_t next_infra_ = 0;
};

}  // namespace cdnlab
