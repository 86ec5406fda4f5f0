#include "sim/net/host_address_plan.h"

#include <stdexcept>
#include <string>

namespace cdnlab {
namespace {

const Ipv4Prefix kInfraPool{Ipv4Address{(100u << 24) | (64u << 16)}, 10};  // 100.64.0.0/10 (RFC 6598)

}  // namespace

HostAddressPlan::HostAddressPlan(const Scenario& scenario, const TopologyGraph& graph) {
  for (const auto& g : scenario.client_groups) {
    if (g.prefix.Overlaps(kInfraPool)) {
      throw std::invalid_argument("client group " + g.id + " prefix " + g.prefix.ToString() +
                                  " overlaps 100.64.0.0/10, which the simulator uses for infrastructure links");
    }
  }
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
    links_[l] = LinkAddresses{{a, b}, network};
    for (int side = 0; side < 2; ++side) {
      const auto node = side == 0 ? a : b;
      if (graph.Kind(node) == NodeKind::kRouter || host_address.count(graph.NodeName(node))) continue;
      host_address[graph.NodeName(node)] = network.Host(side + 1);
      hosts_[network.Host(side + 1)] = PlannedHost{PlannedHost::Role::kTopologyNode, node, 0, 0};
    }
  }

  // Server hosts behind their PoP, and the controller beside the DNS node.
  server_lans_.resize(scenario.pops.size());
  for (std::size_t p = 0; p < scenario.pops.size(); ++p) {
    PopInfo info;
    info.id = scenario.pops[p].id;
    info.location = scenario.pops[p].location;
    info.capacity_rps = scenario.pops[p].capacity_rps;
    const auto pop_node = *graph.FindNode(info.id);
    for (int s = 0; s < scenario.pops[p].servers; ++s) {
      const Ipv4Prefix lan = NextInfraNetwork();
      server_lans_[p].push_back(lan);
      info.servers.push_back(lan.Host(1));
      hosts_[lan.Host(1)] = PlannedHost{PlannedHost::Role::kServer, pop_node, p, static_cast<std::size_t>(s)};
    }
    catalog_.pops.push_back(info);
  }
  dns_node_ = *graph.FindNode(scenario.dns.id);
  controller_lan_ = NextInfraNetwork();
  controller_address_ = controller_lan_.Host(1);
  hosts_[controller_address_] = PlannedHost{PlannedHost::Role::kController, dns_node_, 0, 0};
  dns_address_ = host_address.at(scenario.dns.id);

  for (const auto& r : scenario.resolvers) {
    catalog_.resolvers.push_back({r.id, host_address.at(r.id), r.location, r.client_subnet, r.is_public});
  }
  // Resolver index by id, so 100k groups do not scan the resolver list each.
  std::map<std::string, ResolverIndex> resolver_by_id;
  for (ResolverIndex r = 0; r < scenario.resolvers.size(); ++r) resolver_by_id[scenario.resolvers[r].id] = r;
  for (const auto& g : scenario.client_groups) {
    ClientGroupInfo info;
    info.id = g.id;
    info.prefix = g.prefix;
    info.prefix6 = g.prefix6;
    info.representative = host_address.at(g.id);
    info.location = g.location;
    info.population = g.population;
    info.demand_rps = GroupDemandRps(g, scenario.workload);
    if (auto it = resolver_by_id.find(g.resolver); it != resolver_by_id.end()) info.resolver = it->second;
    catalog_.groups.push_back(info);
  }
}

Ipv4Prefix HostAddressPlan::NextInfraNetwork() {
  const std::uint32_t index = next_infra_++;
  if (index >= (1u << (32 - kInfraPool.length - 2))) throw std::length_error("infrastructure address pool exhausted");
  return Ipv4Prefix{Ipv4Address{kInfraPool.network.value + index * 4}, 30};
}

}  // namespace cdnlab
