#pragma once
// The clients' side of anycast: a name resolver whose answers are followed by routing. Every
// PoP's addresses stand for the one anycast address, so once a PoP's route is withdrawn a
// client's packets to it reach the fewest-hop PoP still announced, even when the DNS answer it
// holds (cached or fresh) names the withdrawn PoP. It rewrites each answered address of a
// withdrawn PoP to the routed PoP's server of the same position.
#include <map>

#include "models/ports/name_resolver.h"
#include "models/routing/anycast_route_table.h"
#include "models/routing/catalog.h"
#include "models/routing/group_prefix_index.h"

namespace cdnlab {

class AnycastRoutedResolver final : public NameResolver {
 public:
  // All three must outlive this resolver.
  AnycastRoutedResolver(NameResolver& inner, const RoutingCatalog& catalog, const AnycastRouteTable& routes);
  void Resolve(const IpAddress& client, const std::string& hostname, Done done) override;

 private:
  std::optional<GroupIndex> GroupOf(const IpAddress& client) const;
  void Route(GroupIndex g, ResolveResult& result) const;

  NameResolver& inner_;
  const RoutingCatalog& catalog_;
  const AnycastRouteTable& routes_;
  GroupPrefixIndex groups_;
  std::map<IpAddress, std::pair<PopIndex, std::size_t>> server_of_;  // address -> (PoP, position)
};

}  // namespace cdnlab
