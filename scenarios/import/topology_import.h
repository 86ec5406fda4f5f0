#pragma once
// `cdnlab import topology-zoo`: a Topology Zoo GraphML (or .gml) file and the options in, a scenario out.
#include <string>

#include "scenarios/import/imported_scenario.h"

namespace cdnlab {

// Reads, cleans, places PoPs/groups/resolvers, computes delays and applies the RTT matrix.
// Same options = same result. Throws ImportError naming the file or option and the field.
ImportedScenario ImportTopologyZoo(const ImportOptions& options);

// The scenario as YAML: a comment block (source, credit, every cleaning and RTT report line)
// then the scenario, written with yaml-cpp's emitter.
std::string ImportedScenarioYaml(const ImportedScenario& s);

}  // namespace cdnlab
