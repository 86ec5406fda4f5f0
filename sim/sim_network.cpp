#include "sim/sim_network.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <ns3/data-rate.h>
#include <ns3/double.h>
#include <ns3/fd-net-device.h>
#include <ns3/mac48-address.h>
#include <ns3/enum.h>
#include <ns3/internet-stack-helper.h>
#include <ns3/ipv4-global-routing-helper.h>
#include <ns3/pointer.h>
#include <ns3/point-to-point-helper.h>

namespace cdnlab {
namespace {

const Ipv4Prefix kInfraPool{Ipv4Address{(100u << 24) | (64u << 16)}, 10};  // 100.64.0.0/10 (RFC 6598)

ns3::Ipv4Address ToNs3(Ipv4Address a) { return ns3::Ipv4Address(a.value); }

LinkParams LanParams() {
  LinkParams p;
  p.delay_ms = SimNetwork::kServerLanDelayMs;
  p.bandwidth_mbps = 10000;
  p.loss = 0;
  return p;
}

}  // namespace

SimNetwork::SimNetwork(const Scenario& scenario, const TopologyGraph& graph) {
  for (const auto& g : scenario.client_groups) {
    if (g.prefix.Overlaps(kInfraPool)) {
      throw std::invalid_argument("client group " + g.id + " prefix " + g.prefix.ToString() +
                                  " overlaps 100.64.0.0/10, which the simulator uses for infrastructure links");
    }
  }
  for (TopologyGraph::NodeId n = 0; n < graph.NodeCount(); ++n) {
    topology_nodes_.push_back(ns3::CreateObject<ns3::Node>());
    all_nodes_.Add(topology_nodes_.back());
  }
  std::vector<ns3::Ptr<ns3::Node>> servers_flat;
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

  // Which groups' links carry their own prefix: the first link that touches the group.
  std::map<std::string, const ClientGroupSpec*> group_by_id;
  for (const auto& g : scenario.client_groups) group_by_id[g.id] = &g;
  std::map<std::string, Ipv4Address> host_address;  // first address of each non-router node
  links_.resize(graph.LinkCount());
  for (TopologyGraph::LinkId l = 0; l < graph.LinkCount(); ++l) {
    auto [a, b] = graph.LinkEnds(l);
    const std::string& name_a = graph.NodeName(a);
    const std::string& name_b = graph.NodeName(b);
    Ipv4Prefix network;
    bool group_link = false;
    // Put the group on side 0 so it gets .1 of its own prefix.
    for (const auto* name : {&name_a, &name_b}) {
      auto it = group_by_id.find(*name);
      if (it != group_by_id.end() && host_address.count(*name) == 0) {
        network = it->second->prefix;
        group_link = true;
        if (name == &name_b) std::swap(a, b);
        break;
      }
    }
    if (!group_link) network = NextInfraNetwork();
    links_[l] = Connect(topology_nodes_[a], topology_nodes_[b], network, graph.Link(l));
    for (int side = 0; side < 2; ++side) {
      const auto node = side == 0 ? a : b;
      if (graph.Kind(node) == NodeKind::kRouter || host_address.count(graph.NodeName(node))) continue;
      host_address[graph.NodeName(node)] = network.Host(side + 1);
      hosts_[network.Host(side + 1)] = topology_nodes_[node];
    }
  }

  // Server hosts behind their PoP, and the controller beside the DNS node.
  server_lans_.resize(scenario.pops.size());
  for (std::size_t p = 0; p < scenario.pops.size(); ++p) {
    PopInfo info;
    info.id = scenario.pops[p].id;
    info.location = scenario.pops[p].location;
    info.capacity_rps = scenario.pops[p].capacity_rps;
    const auto pop_node = topology_nodes_[*graph.FindNode(info.id)];
    for (auto& server : servers[p]) {
      const Ipv4Prefix lan = NextInfraNetwork();
      server_lans_[p].push_back(Connect(server, pop_node, lan, LanParams()));
      info.servers.push_back(lan.Host(1));
      hosts_[lan.Host(1)] = server;
    }
    catalog_.pops.push_back(info);
  }
  const Ipv4Prefix controller_lan = NextInfraNetwork();
  Connect(controller, topology_nodes_[*graph.FindNode(scenario.dns.id)], controller_lan, LanParams());
  controller_address_ = controller_lan.Host(1);
  hosts_[controller_address_] = controller;
  dns_address_ = host_address.at(scenario.dns.id);

  for (const auto& r : scenario.resolvers) {
    catalog_.resolvers.push_back({r.id, host_address.at(r.id), r.location, r.client_subnet, r.is_public});
  }
  for (const auto& g : scenario.client_groups) {
    ClientGroupInfo info;
    info.id = g.id;
    info.prefix = g.prefix;
    info.representative = host_address.at(g.id);
    info.location = g.location;
    info.population = g.population;
    info.demand_rps = GroupDemandRps(g, scenario.workload);
    for (ResolverIndex r = 0; r < scenario.resolvers.size(); ++r) {
      if (scenario.resolvers[r].id == g.resolver) info.resolver = r;
    }
    catalog_.groups.push_back(info);
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

void SimNetwork::SetParams(SimLink& link, const LinkParams& params) {
  link.channel->SetAttribute("Delay", ns3::TimeValue(ns3::Seconds(params.delay_ms / 1000.0)));
  for (int side = 0; side < 2; ++side) {
    link.device[side]->SetAttribute("DataRate", ns3::DataRateValue(ns3::DataRate(params.bandwidth_mbps * 1e6)));
    link.errors[side]->SetAttribute("ErrorRate", ns3::DoubleValue(params.loss));
    link.ipv4[side]->SetMetric(link.interface[side], MetricFor(params.delay_ms));
  }
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

void SimNetwork::RecomputeRoutes() { ns3::Ipv4GlobalRoutingHelper::RecomputeRoutingTables(); }

ns3::Ptr<ns3::Node> SimNetwork::NodeOf(Ipv4Address address) const {
  auto it = hosts_.find(address);
  if (it == hosts_.end()) throw std::invalid_argument("no simulated host has address " + address.ToString());
  return it->second;
}

Ipv4Prefix SimNetwork::NextInfraNetwork() {
  const std::uint32_t index = next_infra_++;
  if (index >= (1u << (32 - kInfraPool.length - 2))) throw std::length_error("infrastructure address pool exhausted");
  return Ipv4Prefix{Ipv4Address{kInfraPool.network.value + index * 4}, 30};
}

std::uint16_t SimNetwork::MetricFor(double delay_ms) {
  // Hundredths of a millisecond, so routing tells 0.01 ms apart; clamped to the 16-bit field.
  return static_cast<std::uint16_t>(std::clamp(std::ceil(delay_ms * 100), 1.0, 65535.0));
}

}  // namespace cdnlab
