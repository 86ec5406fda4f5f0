#include "realnet/routing/catalog.h"

#include <stdexcept>

namespace cdnlab {

RoutingCatalog RealnetCatalog(const Scenario& s) {
  if (!s.realnet.present) {
    throw std::invalid_argument(s.source + ": the scenario has no 'realnet' section (controller, dns, servers, groups)");
  }
  RoutingCatalog c;
  for (const auto& p : s.pops) {
    PopInfo info{p.id, p.location, {}, p.capacity_rps};
    for (const auto& [id, addresses] : s.realnet.servers) {
      if (id == p.id) info.servers = addresses;
    }
    for (const auto& [id, addresses] : s.realnet.servers6) {
      if (id == p.id) info.servers6 = addresses;
    }
    c.pops.push_back(info);
  }
  for (const auto& r : s.resolvers) c.resolvers.push_back({r.id, Ipv4Address{0}, r.location, r.client_subnet, r.is_public});
  for (const auto& g : s.client_groups) {
    ClientGroupInfo info;
    info.id = g.id;
    info.prefix = g.prefix;
    info.prefix6 = g.prefix6;
    info.ipv6_share = g.ipv6_share;
    info.location = g.location;
    info.population = g.population;
    info.demand_rps = GroupDemandRps(g, s.workload);
    for (const auto& [id, address] : s.realnet.groups) {
      if (id == g.id) info.representative = address;
    }
    for (ResolverIndex r = 0; r < s.resolvers.size(); ++r) {
      if (s.resolvers[r].id == g.resolver) info.resolver = r;
    }
    c.groups.push_back(info);
  }
  return c;
}

}  // namespace cdnlab
