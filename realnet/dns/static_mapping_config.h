#pragma once
#include <string>
#include <vector>

#include "models/routing/authoritative_answerer.h"
#include "models/routing/mapping_diff.h"
#include "models/routing/catalog.h"

namespace cdnlab {

// What `cdnlab realnet dns` serves when no controller feeds it: PoPs with their real server
// addresses and a fixed client-prefix mapping. YAML:
//   zone: example.net
//   hostname: cdn.example.net
//   ttl_s: 20
//   scope_aggregation: true   # optional: false = ECS scope is each row's own prefix
//   pops:    [{id: pop-a, servers: [192.0.2.10, 192.0.2.11, 2001:db8::10]}, ...]  (A and AAAA)
//   mapping: [{prefix: 10.1.0.0/24, pops: [pop-a, pop-b]}, {prefix: 0.0.0.0/0, pops: [pop-b]}]
//   # optional, the zone's apex (defaults: ns1.<zone> without glue, hostmaster.<zone>, 3600 600 86400 30, TTL 3600)
//   name_servers: [{name: ns1.example.net, addresses: [192.0.2.53]}, {name: ns.other.org}]
//   soa: {mname: ns1.example.net, rname: hostmaster.example.net, refresh_s: 3600, retry_s: 600,
//         expire_s: 86400, minimum_s: 30, ttl_s: 3600}
struct StaticMappingConfig {
  AuthoritativeConfig dns;
  RoutingCatalog catalog;  // pops only
  std::vector<MappingEntry> rows;
};

// Throws ScenarioError (file, line, column, field) on any problem.
StaticMappingConfig LoadStaticMappingFile(const std::string& path);
StaticMappingConfig LoadStaticMappingText(const std::string& yaml, const std::string& source_name);

}  // namespace cdnlab
