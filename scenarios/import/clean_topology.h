#pragma once
// A Topology Zoo graph made usable as a cdnlab backbone, with every change reported:
//   - self loops are dropped; parallel edges become one link (their known speeds summed);
//   - empty labels become "node<id>"; labels whose ids would collide get "-2", "-3", ...;
//   - a node without (valid) coordinates is placed at the mean of its located neighbours,
//     repeatedly; one with none is dropped with its edges;
//   - isolated nodes are dropped; of several connected components only the largest is kept;
//   - <hyperedge> elements (which read_graphml skips) are counted and reported;
//   - external nodes (Internal = 0) and hyperedge nodes stay as routers but host no client
//     group or PoP unless an option names them;
//   - link bandwidth is LinkSpeedRaw, else an OC-n LinkType (n x 51.84 Mbps), else a default.
#include <cstddef>
#include <string>
#include <vector>

#include "models/geo/point.h"
#include "scenarios/import/zoo_graph.h"

namespace cdnlab {

struct CleanNode {
  std::string label;       // the Zoo label, made unique
  std::string slug;        // lowercase letters, digits and '-': the base of its ids (r-<slug>, g-<slug> ...)
  std::string graphml_id;
  GeoPoint location;
  bool located_by_neighbours = false;
  bool external = false;   // Internal = 0
  bool hyperedge = false;
  bool HostsClients() const { return !external && !hyperedge; }
};

struct CleanLink {
  std::size_t a = 0;  // indices into CleanTopology::nodes, a < b
  std::size_t b = 0;
  double bandwidth_mbps = 0;
  std::string bandwidth_from;  // "LinkSpeedRaw", "LinkType OC-192", "default"
  int parallel_edges = 1;      // edges of the file merged into this link
};

struct CleanTopology {
  std::string network;
  std::vector<CleanNode> nodes;
  std::vector<CleanLink> links;  // sorted by (a, b)
  std::vector<std::string> report;  // one line per change, for stderr and the YAML header
};

struct CleanOptions {
  double default_bandwidth_mbps = 1000;
};

CleanTopology CleanZooGraph(const ZooGraph& g, const CleanOptions& options);

// "New York" -> "new-york"; "" when nothing usable is left.
std::string Slug(const std::string& label);

}  // namespace cdnlab
