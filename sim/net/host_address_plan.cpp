#include "sim/net/host_address_plan.h"

#include <stdexcept>
#include <string>

namespace cdnlab {
namespace {

const Ipv4Prefix kInfraPool{Ipv4Address{(100u << 24) | (64u << 16)}, 10};  // 100.64.0.0/10 (RFC 6598)

// IPv6 infrastructure: /64s numbered inside two /40s of 3fff::/20, the documentation range of
// RFC 9637. (2001:db8::/32, RFC 3849's, cannot be used: ns-3 routers drop packets to it.)
Ipv6Prefix Pool6(std::uint8_t second, std::uint8_t third) {
  Ipv6Address a;
  a.bytes = {0x3f, 0xff, second, third};
  return Ipv6Prefix{a, 40};
}
const Ipv6Prefix kLinkPool6 = Pool6(0x0f, 0xf0);    // 3fff:ff0::/40
const Ipv6Prefix kServerPool6 = Pool6(0x0c, 0xd0);  // 3fff:cd0::/40
const Ipv6Prefix kDocumentation3849{Ipv6Address{{0x20, 0x01, 0x0d, 0xb8}}, 32};

// The index-th /64 of a /40 pool (24 bits of index).
Ipv6Prefix Nth64(const Ipv6Prefix& pool, std::uint32_t index) {
  if (index >= (1u << 24)) throw std::length_error("IPv6 infrastructure address pool exhausted");
  Ipv6Prefix p{pool.network, 64};
  p.network.bytes[5] = static_cast<std::uint8_t>(index >> 16);
  p.network.bytes[6] = static_cast<std::uint8_t>(index >> 8);
  p.network.bytes[7] = static_cast<std::uint8_t>(index);
  return p;
}

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
  PlanIpv6(scenario, graph);
  // Resolver index by id, so 100k groups do not scan the resolver list each.
  std::map<std::string, ResolverIndex> resolver_by_id;
  for (ResolverIndex r = 0; r < scenario.resolvers.size(); ++r) resolver_by_id[scenario.resolvers[r].id] = r;
  for (const auto& g : scenario.client_groups) {
    ClientGroupInfo info;
    info.id = g.id;
    info.prefix = g.prefix;
    info.prefix6 = g.prefix6;
    info.ipv6_share = g.ipv6_share;
    info.representative = host_address.at(g.id);
    info.location = g.location;
    info.population = g.population;
    info.demand_rps = GroupDemandRps(g, scenario.workload);
    if (auto it = resolver_by_id.find(g.resolver); it != resolver_by_id.end()) info.resolver = it->second;
    catalog_.groups.push_back(info);
  }
}

// Runs after the IPv4 plan: each link's IPv6 network follows its IPv4 one (a group's own
// prefix6 where the group's own prefix is), so every host is on the same link in both families.
void HostAddressPlan::PlanIpv6(const Scenario& scenario, const TopologyGraph& graph) {
  std::map<std::string, const ClientGroupSpec*> dual_stack_groups;
  for (const auto& g : scenario.client_groups) {
    if (!g.prefix6) continue;
    if (g.prefix6->Overlaps(kDocumentation3849)) {
      throw std::invalid_argument("client group " + g.id + " prefix6 " + g.prefix6->ToString() +
                                  " is in 2001:db8::/32, which ns-3 routers do not forward (RFC 3849); "
                                  "use another range, e.g. 3fff::/20 (RFC 9637)");
    }
    for (const Ipv6Prefix& pool : {kLinkPool6, kServerPool6}) {
      if (g.prefix6->Overlaps(pool)) {
        throw std::invalid_argument("client group " + g.id + " prefix6 " + g.prefix6->ToString() + " overlaps " +
                                    pool.ToString() + ", which the simulator uses for IPv6 infrastructure links");
      }
    }
    dual_stack_groups[g.id] = &g;
  }
  dual_stack_ = !dual_stack_groups.empty();
  if (!dual_stack_) return;
  std::map<Ipv4Address, Ipv6Address> v6_of;  // host IPv4 address -> its IPv6 address
  std::uint32_t next_link = 0;
  for (TopologyGraph::LinkId l = 0; l < links_.size(); ++l) {
    LinkAddresses& link = links_[l];
    // A dual-stack group on side 0 of a link carrying its own IPv4 prefix: prefix6 goes there.
    const auto group = dual_stack_groups.find(graph.NodeName(link.side[0]));
    const bool own_link = group != dual_stack_groups.end() && link.network == group->second->prefix;
    link.network6 = own_link ? *group->second->prefix6 : Nth64(kLinkPool6, next_link++);
    for (std::uint8_t side = 0; side < 2; ++side) v6_of.emplace(link.network.Host(side + 1), Host6(*link.network6, side + 1));
  }
  std::uint32_t next_lan = 0;
  server_lans6_.resize(server_lans_.size());
  for (PopIndex p = 0; p < server_lans_.size(); ++p) {
    for (const Ipv4Prefix& lan : server_lans_[p]) {
      const Ipv6Prefix lan6 = Nth64(kServerPool6, next_lan++);
      server_lans6_[p].push_back(lan6);
      catalog_.pops[p].servers6.push_back(Host6(lan6, 1));
      v6_of.emplace(lan.Host(1), Host6(lan6, 1));
    }
  }
  for (const auto& [address, host] : hosts_) {
    if (auto it = v6_of.find(address); it != v6_of.end()) hosts6_.emplace(it->second, address);
  }
  for (auto& r : catalog_.resolvers) r.address6 = v6_of.at(r.address);
}

std::optional<Ipv4Address> HostAddressPlan::HostOf(const IpAddress& address) const {
  if (address.IsV4()) {
    if (hosts_.count(address.V4()) == 0) return std::nullopt;
    return address.V4();
  }
  auto it = hosts6_.find(address.V6());
  if (it == hosts6_.end()) return std::nullopt;
  return it->second;
}

Ipv6Address HostAddressPlan::Host6(const Ipv6Prefix& prefix, std::uint8_t n) {
  Ipv6Address a = prefix.network;
  a.bytes[15] = static_cast<std::uint8_t>(a.bytes[15] + n);
  return a;
}

Ipv4Prefix HostAddressPlan::NextInfraNetwork() {
  const std::uint32_t index = next_infra_++;
  if (index >= (1u << (32 - kInfraPool.length - 2))) throw std::length_error("infrastructure address pool exhausted");
  return Ipv4Prefix{Ipv4Address{kInfraPool.network.value + index * 4}, 30};
}

}  // namespace cdnlab
