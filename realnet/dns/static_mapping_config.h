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
//   pops:    [{id: pop-a, servers: [192.0.2.10, 192.0.2.11]}, ...]
//   mapping: [{prefix: 10.1.0.0/24, pops: [pop-a, pop-b]}, {prefix: 0.0.0.0/0, pops: [pop-b]}]
struct StaticMappingConfig {
  AuthoritativeConfig dns;
  RoutingCatalog catalog;  // pops only
  std::vector<MappingEntry> rows;
};

// Throws ScenarioError (file, line, column, field) on any problem.
StaticMappingConfig LoadStaticMappingFile(const std::string& path);
StaticMappingConfig LoadStaticMappingText(const std::string& yaml, const std::string& source_name);

}  // namespace cdnlab
