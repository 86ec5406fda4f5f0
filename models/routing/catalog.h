#pragma once
// What the routing policies know about the world: PoPs with their server addresses,
// client groups with their prefixes, and the recursive resolvers the groups use.
// Indices (PopIndex, GroupIndex, ResolverIndex) are positions in these vectors and are
// the row/column numbers of every matrix in models/routing.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "models/geo/point.h"
#include "models/net/ipv4.h"
#include "models/net/ipv6.h"

namespace cdnlab {

using PopIndex = std::size_t;
using GroupIndex = std::size_t;
using ResolverIndex = std::size_t;

struct PopInfo {
  std::string id;
  GeoPoint location;
  std::vector<Ipv4Address> servers;  // one address per server host
  double capacity_rps = 0;           // requests per second the PoP is sized for
  std::vector<Ipv6Address> servers6 = {};  // the IPv6 addresses its servers answer AAAA with, if any
};

struct ClientGroupInfo {
  std::string id;
  Ipv4Prefix prefix;
  Ipv4Address representative;  // the address probes are sent to
  GeoPoint location;
  double population = 0;
  ResolverIndex resolver = 0;
  double demand_rps = 0;  // requests per second its users send the CDN (PoP capacity planning)
};

struct ResolverInfo {
  std::string id;
  Ipv4Address address;
  GeoPoint location;
  bool sends_client_subnet = false;  // forwards EDNS Client Subnet (RFC 7871)
  bool is_public = false;            // an open public resolver (often far from its users), not the ISP's
};

struct RoutingCatalog {
  std::vector<PopInfo> pops;
  std::vector<ClientGroupInfo> groups;
  std::vector<ResolverInfo> resolvers;

  // The PoP owning a server address, if any.
  std::optional<PopIndex> PopOfServer(Ipv4Address server) const;
  // The group whose prefix contains the address (longest match), if any.
  std::optional<GroupIndex> GroupOfAddress(Ipv4Address address) const;
};

}  // namespace cdnlab
