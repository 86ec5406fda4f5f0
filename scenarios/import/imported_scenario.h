#pragma once
// The scenario an import produces, before it is written as YAML: the cleaned backbone, where
// PoPs, groups and resolvers sit, every link's delay, and the report of what was changed.
#include <cstddef>
#include <string>
#include <vector>

#include "scenarios/import/clean_topology.h"
#include "scenarios/import/options.h"

namespace cdnlab {

struct ImportedPop {
  std::string id;
  std::size_t node = 0;  // index into topology.nodes
};

struct ImportedGroup {
  std::string id;
  std::size_t node = 0;
  double population = 0;
  std::string resolver;  // resolver id
  double access_ms = 0;  // one-way delay of its access link (options.access_ms unless fitted)
};

struct ImportedResolver {
  std::string id;
  std::size_t node = 0;
};

struct ImportedScenario {
  ImportOptions options;
  std::string source_file;      // the GraphML path as given
  std::string source_url;       // the graph's `Source`
  std::string date_obtained;
  std::string network_date;
  CleanTopology topology;
  std::vector<double> link_delay_ms;  // per topology.links entry
  std::vector<std::string> link_delay_from;  // "distance" or "rtt-matrix"
  std::vector<ImportedPop> pops;
  std::vector<ImportedGroup> groups;
  std::vector<ImportedResolver> resolvers;
  std::vector<std::string> rtt_report;  // what the RTT matrix set and where it disagrees
  std::string RouterId(std::size_t node) const { return "r-" + topology.nodes[node].slug; }
};

}  // namespace cdnlab
