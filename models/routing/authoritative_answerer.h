#pragma once
#include <string>
#include <utility>

#include "models/routing/dns_question.h"
#include "models/routing/mapping_table.h"
#include "models/routing/scope_aggregation_index.h"

namespace cdnlab {

// A name server of the zone, with its addresses when the name lies inside the zone (glue: a
// resolver could not find them otherwise).
struct ZoneNameServer {
  std::string name;
  std::vector<Ipv4Address> glue;
};

// The zone's apex (RFC 1035 3.3.13, RFC 2308): the SOA every negative answer carries and
// the NS set delegations point at. The serial is the mapping version, so `dig SOA` tells
// which mapping a server answers from.
struct ZoneApex {
  std::string mname;       // primary name server; empty = the first name server
  std::string rname;       // mailbox as a name; empty = "hostmaster.<zone>"
  std::uint32_t refresh_s = 3600;
  std::uint32_t retry_s = 600;
  std::uint32_t expire_s = 86400;
  std::uint32_t minimum_s = 30;   // negative-caching TTL (RFC 2308 section 5)
  std::uint32_t ttl_s = 3600;     // TTL of the SOA and NS RRsets themselves
  std::vector<ZoneNameServer> name_servers;  // empty = ns1.<zone>, without glue
};

struct AuthoritativeConfig {
  AuthoritativeConfig() = default;
  AuthoritativeConfig(std::string zone_name, std::string cdn_hostname, Duration answer_ttl = std::chrono::seconds(20))
      : zone(std::move(zone_name)), hostname(std::move(cdn_hostname)), ttl(answer_ttl) {}

  std::string zone = "example.net";          // the zone this server is authoritative for
  std::string hostname = "cdn.example.net";  // the CDN name answered from the mapping
  Duration ttl = std::chrono::seconds(20);
  // False = map by resolver: a client subnet in the query is ignored, the answer comes from the
  // resolver's row, and the response's scope is 0 (RFC 7871 7.2.1: the answer does not depend
  // on the client's subnet, so the resolver may reuse it for all its clients).
  bool use_client_subnet = true;
  // True = answer a client subnet with the widest true scope (ScopeAggregationIndex): adjacent
  // and nested rows with the same PoP share one scope, so resolvers cache one answer for all of
  // them. False = the matching row's own prefix length (what cdnlab did before issue 14).
  bool scope_aggregation = true;
  ZoneApex apex;
};

// The config as every server of the zone must see it: names canonical (lower case, no final
// dot), the apex filled in (name servers: ns1.<zone>; mname: the first; rname: hostmaster.<zone>).
AuthoritativeConfig WithApexDefaults(AuthoritativeConfig config);

// The decision part of the CDN's authoritative DNS: keeps a replica of the mapping
// (fed by diffs) and answers the CDN hostname for a querying resolver or client subnet.
//  - qname == hostname, qtype A/ANY: one server of the top-ranked PoP of the longest-matching
//    row for the client subnet (RFC 7871; scope = that row's prefix length; an IPv6 subnet,
//    ECS family 2, matches IPv6 rows only), else for the resolver's address of either family
//    (then 0.0.0.0/0's row, which stands for everyone); with use_client_subnet=false always the latter,
//    scope 0 when the query carried a subnet. The server inside the PoP is picked by a
//    hash of the subnet/resolver so one client keeps hitting one server.
//    With scope_aggregation the scope is the widest prefix around the subnet whose addresses
//    all match rows with the same first PoP (never wider: the resolver hands the answer to every
//    client inside it), and the server is hashed from that prefix's network, not the subnet's,
//    so every subnet inside the scope really gets the same answer.
//  - qname == hostname, AAAA: the same row and PoP as A, one of the PoP's IPv6 addresses
//    (same server slot); NODATA when that PoP has none (the scope still that of the row).
//  - qname == hostname, other qtype: NOERROR with no data.
//  - qname == zone: SOA (and ANY: the SOA, RFC 8482) or NS from the apex config; other types NODATA.
//  - qname == an in-zone name server: its glue for A, else NODATA.
//  - other names inside the zone: NXDOMAIN; names outside the zone: REFUSED; zone transfers
//    (AXFR, IXFR) are not served: REFUSED.
//  Answers that do not depend on the client's subnet (everything but the CDN name's
//  addresses) carry scope 0 when the question had a subnet (RFC 7871 7.2.1).
//  - no row matches at all: SERVFAIL.
// Names compare case-insensitively, with or without the trailing dot.
class AuthoritativeAnswerer {
 public:
  AuthoritativeAnswerer(const RoutingCatalog& catalog, AuthoritativeConfig config);

  // False (and nothing applied) when the diff does not follow the replica's version.
  bool ApplyDiff(const MappingDiff& diff);
  DnsAnswer Answer(const DnsQuestion& question) const;

  const MappingTable& Table() const { return table_; }
  // WithApexDefaults of the config it was given.
  const AuthoritativeConfig& Config() const { return config_; }

  // The servers of every PoP, by PoP index (what answers are made of).
  const std::vector<std::vector<Ipv4Address>>& PopServers() const { return pop_servers_; }
  const std::vector<std::vector<Ipv6Address>>& PopServers6() const { return pop_servers6_; }
  // The PoPs' ids by PoP index (what DnsAnswer::pop indexes; for metrics labels).
  const std::vector<std::string>& PopIds() const { return pop_ids_; }

 private:
  // Copied, not referenced: a copy of the answerer (realnet publishes copies to its DNS
  // threads, a snapshot follower replaces it whole) never outlives what it answers from.
  std::vector<std::vector<Ipv4Address>> pop_servers_;
  std::vector<std::vector<Ipv6Address>> pop_servers6_;
  std::vector<std::string> pop_ids_;
  AuthoritativeConfig config_;
  MappingTable table_;
  ScopeAggregationIndex scopes_;  // rebuilt with every applied diff when aggregating
};

}  // namespace cdnlab
