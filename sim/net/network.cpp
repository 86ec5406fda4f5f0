#include "sim/net/network.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <ns3/data-rate.h>
#include <ns3/double.h>
#include <ns3/boolean.h>
#include <ns3/fd-net-device.h>
#include <ns3/icmpv6-l4-protocol.h>
#include <ns3/ipv6-address.h>
#include <ns3/ipv6-interface-address.h>
#include <ns3/mac48-address.h>
#include <ns3/enum.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-global-routing-helper.h>
#include <ns3/pointer.h>
#include <ns3/point-to-point-helper.h>

#include "sim/net/link_metric.h"
#include "sim/net/ns3_address.h"

namespace cdnlab {
namespace {

// Every node forwards IPv6 (IPv4 global routing treats every node as a router too), accepts
// its addresses on any interface (IPv4's weak end system model: a multi-link host's address
// sits on its first link only), and skips duplicate address detection, which would hold new
// addresses tentative for a second and lose the first packets.
void EnableIpv6(ns3::Ptr<ns3::Node> node) {
  ns3::Ptr<ns3::Ipv6> ipv6 = node->GetObject<ns3::Ipv6>();
  ipv6->SetAttribute("IpForward", ns3::BooleanValue(true));
  ipv6->SetAttribute("StrongEndSystemModel", ns3::BooleanValue(false));
  node->GetObject<ns3::Icmpv6L4Protocol>()->SetAttribute("DAD", ns3::BooleanValue(false));
}

LinkParams LanParams() {
  LinkParams p;
  p.delay_ms = SimNetwork::kServerLanDelayMs;
  p.bandwidth_mbps = 10000;
  p.loss = 0;
  return p;
}

}  // namespace

SimNetwork::SimNetwork(const Scenario& scenario, const TopologyGraph& graph) : plan_(scenario, graph) {
  for (TopologyGraph::NodeId n = 0; n < graph.NodeCount(); ++n) {
    topology_nodes_.push_back(ns3::CreateObject<ns3::Node>());
    all_nodes_.Add(topology_nodes_.back());
  }
  std::vector<std::vector<ns3::Ptr<ns3::Node>>> servers(scenario.pops.size());
  for (std::size_t p = 0; p < scenario.pops.size(); ++p) {
    for (int s = 0; s < scenario.pops[p].servers; ++s) {
      servers[p].push_back(ns3::CreateObject<ns3::Node>());
      all_nodes_.Add(servers[p].back());
    }
  }
  ns3::Ptr<ns3::Node> controller = ns3::CreateObject<ns3::Node>();
  all_nodes_.Add(controller);
  ns3::InternetStackHelper internet;
  internet.Install(all_nodes_);
  internet.AssignStreams(all_nodes_, 1 << 20);

  // Links in graph order, then server LANs, then the controller LAN: the order fixes the
  // error models' random streams.
  links_.resize(graph.LinkCount());
  for (TopologyGraph::LinkId l = 0; l < graph.LinkCount(); ++l) {
    const auto& addresses = plan_.Link(l);
    links_[l] = Connect(topology_nodes_[addresses.side[0]], topology_nodes_[addresses.side[1]], addresses.network,
                        graph.Link(l));
  }
  server_lans_.resize(scenario.pops.size());
  for (PopIndex p = 0; p < scenario.pops.size(); ++p) {
    const auto pop_node = topology_nodes_[*graph.FindNode(scenario.pops[p].id)];
    for (std::size_t s = 0; s < servers[p].size(); ++s) {
      server_lans_[p].push_back(Connect(servers[p][s], pop_node, plan_.ServerLans(p)[s], LanParams()));
    }
  }
  Connect(controller, topology_nodes_[plan_.DnsNode()], plan_.ControllerLan(), LanParams());
  if (plan_.DualStack()) {
    for (TopologyGraph::NodeId n = 0; n < graph.NodeCount(); ++n) EnableIpv6(topology_nodes_[n]);
    for (const auto& pop_servers : servers) {
      for (const auto& server : pop_servers) EnableIpv6(server);
    }
    for (TopologyGraph::LinkId l = 0; l < graph.LinkCount(); ++l) {
      const auto& addresses = plan_.Link(l);
      AddIpv6(links_[l], topology_nodes_[addresses.side[0]], topology_nodes_[addresses.side[1]], *addresses.network6);
    }
    for (PopIndex p = 0; p < scenario.pops.size(); ++p) {
      const auto pop_node = topology_nodes_[*graph.FindNode(scenario.pops[p].id)];
      for (std::size_t s = 0; s < servers[p].size(); ++s) {
        AddIpv6(server_lans_[p][s], servers[p][s], pop_node, plan_.ServerLans6(p)[s]);
      }
    }
    routes6_.Install();
  }
  for (const auto& [address, host] : plan_.Hosts()) {
    switch (host.role) {
      case PlannedHost::Role::kTopologyNode: hosts_[address] = topology_nodes_[host.node]; break;
      case PlannedHost::Role::kServer: hosts_[address] = servers[host.pop][host.server]; break;
      case PlannedHost::Role::kController: hosts_[address] = controller; break;
    }
  }
  ns3::Ipv4GlobalRoutingHelper::PopulateRoutingTables();
}

SimLink SimNetwork::Connect(ns3::Ptr<ns3::Node> a, ns3::Ptr<ns3::Node> b, Ipv4Prefix network,
                            const LinkParams& params) {
  ns3::PointToPointHelper p2p;
  ns3::NetDeviceContainer devices = p2p.Install(a, b);
  SimLink link;
  link.channel = ns3::DynamicCast<ns3::PointToPointChannel>(devices.Get(0)->GetChannel());
  const ns3::Ptr<ns3::Node> nodes[2] = {a, b};
  for (int side = 0; side < 2; ++side) {
    link.device[side] = ns3::DynamicCast<ns3::PointToPointNetDevice>(devices.Get(side));
    link.errors[side] = ns3::CreateObject<ns3::RateErrorModel>();
    link.errors[side]->SetAttribute("ErrorUnit", ns3::EnumValue(ns3::RateErrorModel::ERROR_UNIT_PACKET));
    link.device[side]->SetAttribute("ReceiveErrorModel", ns3::PointerValue(link.errors[side]));
    link.ipv4[side] = nodes[side]->GetObject<ns3::Ipv4>();
    link.interface[side] = link.ipv4[side]->AddInterface(link.device[side]);
    link.ipv4[side]->AddAddress(link.interface[side],
                                ns3::Ipv4InterfaceAddress(ToNs3(network.Host(side + 1)),
                                                          ns3::Ipv4Mask(Ipv4Prefix::MaskFor(network.length))));
    link.ipv4[side]->SetUp(link.interface[side]);
  }
  // Fixed streams keep loss draws identical across runs in one process (ns-3 would
  // otherwise keep counting streams from the previous run).
  for (int side = 0; side < 2; ++side) link.errors[side]->AssignStreams(next_stream_++);
  SetParams(link, params);
  return link;
}

// The link's IPv6 side: side 0 gets network::1, side 1 network::2 (as IPv4's .1 and .2).
void SimNetwork::AddIpv6(SimLink& link, ns3::Ptr<ns3::Node> a, ns3::Ptr<ns3::Node> b, const Ipv6Prefix& network) {
  Ipv6StaticRoutes::Link routed;
  routed.network = network;
  routed.metric = link.ipv4[0]->GetMetric(link.interface[0]);
  const ns3::Ptr<ns3::Node> nodes[2] = {a, b};
  for (std::uint8_t side = 0; side < 2; ++side) {
    ns3::Ptr<ns3::Ipv6> ipv6 = nodes[side]->GetObject<ns3::Ipv6>();
    const std::uint32_t interface = ipv6->AddInterface(link.device[side]);
    const Ipv6Address address = HostAddressPlan::Host6(network, side + 1);
    ipv6->AddAddress(interface, ns3::Ipv6InterfaceAddress(ToNs3(address), ns3::Ipv6Prefix(network.length)));
    ipv6->SetMetric(interface, routed.metric);
    ipv6->SetUp(interface);
    ipv6->SetForwarding(interface, true);
    routed.end[side] = Ipv6StaticRoutes::End{nodes[side], interface, address};
  }
  link.routes6_link = routes6_.LinkCount();
  routes6_.AddLink(routed);
}

void SimNetwork::SetParams(SimLink& link, const LinkParams& params) {
  link.channel->SetAttribute("Delay", ns3::TimeValue(ns3::Seconds(params.delay_ms / 1000.0)));
  for (int side = 0; side < 2; ++side) {
    link.device[side]->SetAttribute("DataRate", ns3::DataRateValue(ns3::DataRate(params.bandwidth_mbps * 1e6)));
    link.errors[side]->SetAttribute("ErrorRate", ns3::DoubleValue(params.loss));
    link.ipv4[side]->SetMetric(link.interface[side], MetricFor(params.delay_ms));
  }
  if (link.routes6_link) routes6_.SetMetric(*link.routes6_link, MetricFor(params.delay_ms));
}

void SimNetwork::SetLinkParams(TopologyGraph::LinkId id, const LinkParams& params) { SetParams(links_.at(id), params); }

void SimNetwork::SetPopServersUp(PopIndex pop, bool up) {
  for (auto& lan : server_lans_.at(pop)) {
    for (auto& e : lan.errors) e->SetAttribute("ErrorRate", ns3::DoubleValue(up ? 0.0 : 1.0));
  }
}

void SimNetwork::AttachRealHost(Ipv4Address behind, int tap_fd, Ipv4Prefix subnet) {
  ns3::Ptr<ns3::Node> node = NodeOf(behind);
  ns3::Ptr<ns3::FdNetDevice> device = ns3::CreateObject<ns3::FdNetDevice>();
  device->SetAddress(ns3::Mac48Address::Allocate());
  node->AddDevice(device);
  device->SetFileDescriptor(dup(tap_fd));  // ns-3 closes its descriptor on dispose; the tap owner keeps its own
  ns3::Ptr<ns3::Ipv4> ipv4 = node->GetObject<ns3::Ipv4>();
  const std::uint32_t interface = ipv4->AddInterface(device);
  ipv4->AddAddress(interface, ns3::Ipv4InterfaceAddress(ToNs3(subnet.Host(1)),
                                                        ns3::Ipv4Mask(Ipv4Prefix::MaskFor(subnet.length))));
  ipv4->SetMetric(interface, 1);
  ipv4->SetUp(interface);
}

void SimNetwork::RecomputeRoutes() {
  ns3::Ipv4GlobalRoutingHelper::RecomputeRoutingTables();
  if (plan_.DualStack()) routes6_.Install();
}

ns3::Ptr<ns3::Node> SimNetwork::NodeOf(const IpAddress& address) const {
  const std::optional<Ipv4Address> host = plan_.HostOf(address);
  auto it = host ? hosts_.find(*host) : hosts_.end();
  if (it == hosts_.end()) throw std::invalid_argument("no simulated host has address " + address.ToString());
  return it->second;
}

std::uint16_t SimNetwork::MetricFor(double delay_ms) { return RoutingMetricFor(delay_ms); }

}  // namespace cdnlab
