#pragma once
#include <string>

#include "models/routing/dns_question.h"
#include "models/routing/mapping_table.h"

namespace cdnlab {

struct AuthoritativeConfig {
  std::string zone = "example.net";          // the zone this server is authoritative for
  std::string hostname = "cdn.example.net";  // the CDN name answered from the mapping
  Duration ttl = std::chrono::seconds(20);
  // False = map by resolver: a client subnet in the query is ignored, the answer comes from the
  // resolver's row, and the response's scope is 0 (RFC 7871 7.2.1: the answer does not depend
  // on the client's subnet, so the resolver may reuse it for all its clients).
  bool use_client_subnet = true;
};

// The decision part of the CDN's authoritative DNS: keeps a replica of the mapping
// (fed by diffs) and answers the CDN hostname for a querying resolver or client subnet.
//  - qname == hostname, qtype A/ANY: one server of the top-ranked PoP of the longest-matching
//    row for the client subnet (RFC 7871; scope = that row's prefix length), else for the
//    resolver's address (then 0.0.0.0/0's row); with use_client_subnet=false always the latter,
//    scope 0 when the query carried a subnet. The server inside the PoP is picked by a
//    hash of the subnet/resolver so one client keeps hitting one server.
//  - qname == hostname, other qtype: NOERROR with no data.
//  - other names inside the zone: NXDOMAIN; names outside the zone: REFUSED.
//  - no row matches at all: SERVFAIL.
// Names compare case-insensitively, with or without the trailing dot.
class AuthoritativeAnswerer {
 public:
  AuthoritativeAnswerer(const RoutingCatalog& catalog, AuthoritativeConfig config);

  // False (and nothing applied) when the diff does not follow the replica's version.
  bool ApplyDiff(const MappingDiff& diff);
  DnsAnswer Answer(const DnsQuestion& question) const;

  const MappingTable& Table() const { return table_; }
  const AuthoritativeConfig& Config() const { return config_; }

 private:
  const RoutingCatalog& catalog_;
  AuthoritativeConfig config_;
  MappingTable table_;
};

}  // namespace cdnlab
