#pragma once
// Which address family each request of a client group goes over. A dual-stack group's users
// make Ipv6Share() of their requests over IPv6 (RFC 8305: dual-stack clients prefer it when it
// works); the rest, and every request of an IPv4-only group, go over IPv4.
#include "models/net/ip_address.h"
#include "models/ports/random_source.h"
#include "models/routing/catalog.h"

namespace cdnlab {

class FamilyChooser {
 public:
  // `random` should be a stream of its own: a share strictly between 0 and 1 draws once per
  // request, a share of 0 or 1 never, so scenarios without IPv6 draw nothing at all.
  FamilyChooser(const RoutingCatalog& catalog, RandomSource& random) : catalog_(catalog), random_(random) {}

  IpFamily Choose(GroupIndex g);

  // The host a user of `group` sends from over `family`: the group's representative, or its
  // IPv6 twin (Representative6). Throws std::invalid_argument for IPv6 without prefix6.
  static IpAddress ClientAddress(const ClientGroupInfo& group, IpFamily family);

 private:
  const RoutingCatalog& catalog_;
  RandomSource& random_;
};

}  // namespace cdnlab
