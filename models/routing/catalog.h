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
#include "models/net/ip_address.h"
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
  // A dual-stack group's IPv6 prefix: its users' IPv6 addresses, mapped by their own row (the
  // same measurements and ranking as the IPv4 prefix: one access network, two families).
  std::optional<Ipv6Prefix> prefix6 = std::nullopt;
  // With prefix6: the share of its users' requests made over IPv6 (RFC 8305: dual-stack hosts
  // prefer it). Ignored without prefix6.
  double ipv6_share = 1.0;

  // The address probes and evaluation use for its IPv6 users: prefix6's first host (nullopt
  // for an IPv4-only group).
  std::optional<Ipv6Address> Representative6() const;
  // The share of its requests made over each family.
  double Ipv6Share() const { return prefix6 ? ipv6_share : 0.0; }
};

struct ResolverInfo {
  std::string id;
  Ipv4Address address;
  GeoPoint location;
  bool sends_client_subnet = false;  // forwards EDNS Client Subnet (RFC 7871)
  bool is_public = false;            // an open public resolver (often far from its users), not the ISP's
  // Where its IPv6 clients send queries (dual-stack networks only). It still asks the
  // authoritative from `address`, so mapping by resolver finds its row for either family.
  std::optional<Ipv6Address> address6 = std::nullopt;
};

struct RoutingCatalog {
  std::vector<PopInfo> pops;
  std::vector<ClientGroupInfo> groups;
  std::vector<ResolverInfo> resolvers;

  // The PoP owning a server address, if any.
  std::optional<PopIndex> PopOfServer(Ipv4Address server) const;
  std::optional<PopIndex> PopOfServer(const Ipv6Address& server) const;  // by servers6
  std::optional<PopIndex> PopOfServer(const IpAddress& server) const;
  // The group whose prefix contains the address (longest match), if any.
  std::optional<GroupIndex> GroupOfAddress(Ipv4Address address) const;
  // By id (what state files and reloads match on), if listed.
  std::optional<PopIndex> PopById(const std::string& id) const;
  std::optional<GroupIndex> GroupById(const std::string& id) const;
};

}  // namespace cdnlab
