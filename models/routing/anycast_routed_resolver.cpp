#include "models/routing/anycast_routed_resolver.h"

namespace cdnlab {

AnycastRoutedResolver::AnycastRoutedResolver(NameResolver& inner, const RoutingCatalog& catalog,
                                             const AnycastRouteTable& routes)
    : inner_(inner), catalog_(catalog), routes_(routes), groups_(catalog) {
  for (PopIndex p = 0; p < catalog.pops.size(); ++p) {
    for (std::size_t i = 0; i < catalog.pops[p].servers.size(); ++i) server_of_[catalog.pops[p].servers[i]] = {p, i};
    for (std::size_t i = 0; i < catalog.pops[p].servers6.size(); ++i) server_of_[catalog.pops[p].servers6[i]] = {p, i};
  }
}

std::optional<GroupIndex> AnycastRoutedResolver::GroupOf(const IpAddress& client) const {
  if (client.IsV4()) return groups_.GroupOf(client.V4());
  for (GroupIndex g = 0; g < catalog_.groups.size(); ++g) {
    if (catalog_.groups[g].prefix6 && catalog_.groups[g].prefix6->Contains(client.V6())) return g;
  }
  return std::nullopt;
}

void AnycastRoutedResolver::Resolve(const IpAddress& client, const std::string& hostname, Done done) {
  const std::optional<GroupIndex> group = GroupOf(client);
  inner_.Resolve(client, hostname, [this, group, done = std::move(done)](const ResolveResult& r) {
    if (!group) return done(r);
    ResolveResult routed = r;
    Route(*group, routed);
    done(routed);
  });
}

// Packets are routed when they are sent, so the rewrite uses the routes as they are when the
// answer is handed to the client, which then connects at once.
void AnycastRoutedResolver::Route(GroupIndex g, ResolveResult& result) const {
  auto reroute = [&](auto& address, const auto& servers_of) {
    const auto found = server_of_.find(address);
    if (found == server_of_.end()) return;
    const auto [answered, position] = found->second;
    const std::optional<PopIndex> routed = routes_.RoutedPop(g, answered);
    if (!routed || *routed == answered) return;
    const auto& servers = servers_of(catalog_.pops[*routed]);
    if (!servers.empty()) address = servers[position % servers.size()];
  };
  for (auto& a : result.addresses) reroute(a, [](const PopInfo& p) -> const auto& { return p.servers; });
  for (auto& a : result.addresses6) reroute(a, [](const PopInfo& p) -> const auto& { return p.servers6; });
}

}  // namespace cdnlab
