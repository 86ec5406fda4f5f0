#pragma once
#include <map>
#include <optional>
#include <memory>
#include <vector>

#include <ns3/error-model.h>
#include <ns3/ipv4.h>
#include <ns3/ipv6.h>
#include <ns3/node-container.h>
#include <ns3/point-to-point-channel.h>
#include <ns3/point-to-point-net-device.h>

#include "models/routing/catalog.h"
#include "models/topology/graph.h"
#include "scenarios/core/scenario.h"
#include "sim/net/host_address_plan.h"
#include "sim/net/ipv6_static_routes.h"
#include "sim/net/network_controls.h"

namespace cdnlab {

// One simulated point-to-point link and the knobs timeline events turn.
struct SimLink {
  ns3::Ptr<ns3::PointToPointChannel> channel;
  ns3::Ptr<ns3::PointToPointNetDevice> device[2];
  ns3::Ptr<ns3::RateErrorModel> errors[2];  // receive-side loss at each end
  ns3::Ptr<ns3::Ipv4> ipv4[2];
  std::uint32_t interface[2] = {0, 0};
  // Dual-stack networks only: the IPv6 side (index into Ipv6StaticRoutes' links).
  std::optional<std::size_t> routes6_link;
};

// The ns-3 network of a scenario: one node per topology node, `servers` server hosts behind
// each PoP, a controller host beside the DNS node, point-to-point links with the scenario's
// delay/bandwidth/loss, interface metrics from delay (so global routing follows the same
// min-delay paths as TopologyGraph), and addresses: a client group's first link carries the
// group's own prefix (its host is prefix.1), every other link a /30 from 100.64.0.0/10
// (see HostAddressPlan, which the flow runtime shares). When some group is dual-stack, every
// link and server LAN carries IPv6 as well (HostAddressPlan's IPv6 plan), every node forwards
// it, and Ipv6StaticRoutes installs routes along the same least-metric paths; an IPv4-only
// scenario gets no IPv6 interface at all.
class SimNetwork final : public NetworkControls {
 public:
  static constexpr double kServerLanDelayMs = HostAddressPlan::kServerLanDelayMs;

  SimNetwork(const Scenario& scenario, const TopologyGraph& graph);

  const RoutingCatalog& Catalog() const override { return plan_.Catalog(); }
  Ipv4Address DnsAddress() const { return plan_.DnsAddress(); }
  Ipv4Address ControllerAddress() const { return plan_.ControllerAddress(); }
  // The node that owns a host address of either family (group host, server, resolver, dns,
  // controller).
  ns3::Ptr<ns3::Node> NodeOf(const IpAddress& address) const;
  bool DualStack() const { return plan_.DualStack(); }
  ns3::NodeContainer AllNodes() const { return all_nodes_; }

  // Applies new parameters to scenario link `id` (delay, rate, loss, routing metric).
  // Call RecomputeRoutes() after a batch of changes.
  void SetLinkParams(TopologyGraph::LinkId id, const LinkParams& params) override;
  // A failed PoP's servers drop every packet on their LAN links.
  void SetPopServersUp(PopIndex pop, bool up) override;
  void RecomputeRoutes() override;

  // Emulation: puts a real host (the other end of an open tap, `tap_fd`) behind the
  // simulated host that owns `behind`, on its own `subnet` (ns-3 takes .1, the real host
  // .2). Call RecomputeRoutes() once all real hosts are attached.
  void AttachRealHost(Ipv4Address behind, int tap_fd, Ipv4Prefix subnet);

 private:
  void SetParams(SimLink& link, const LinkParams& params);
  SimLink Connect(ns3::Ptr<ns3::Node> a, ns3::Ptr<ns3::Node> b, Ipv4Prefix network, const LinkParams& params);
  static std::uint16_t MetricFor(double delay_ms);
  void AddIpv6(SimLink& link, ns3::Ptr<ns3::Node> a, ns3::Ptr<ns3::Node> b, const Ipv6Prefix& network);

  HostAddressPlan plan_;
  std::vector<ns3::Ptr<ns3::Node>> topology_nodes_;  // by TopologyGraph::NodeId
  std::vector<SimLink> links_;                        // by TopologyGraph::LinkId
  std::vector<std::vector<SimLink>> server_lans_;     // by PopIndex
  std::map<Ipv4Address, ns3::Ptr<ns3::Node>> hosts_;
  ns3::NodeContainer all_nodes_;
  std::int64_t next_stream_ = 0;
  Ipv6StaticRoutes routes6_;
};

}  // namespace cdnlab
