#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab import topology-zoo FILE.graphml|FILE.gml [--pops N | --pop-nodes A,B=pop-b,...] [...] [-o FILE]`:
// an Internet Topology Zoo GraphML topology as a request-routing scenario (YAML). What was
// cleaned (nodes without coordinates, isolated nodes, parallel edges, ...) is printed on
// stderr and kept as comments at the top of the file.
void AddImportCommand(CLI::App& app);

}  // namespace cdnlab::cli
