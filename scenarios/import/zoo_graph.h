#pragma once
// A topology as the Internet Topology Zoo publishes it (GraphML), before any cleaning: every
// node and edge of the file, with the attributes cdnlab uses. Absent attributes stay absent.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace cdnlab {

struct ZooNode {
  std::string graphml_id;              // data `id` (the Zoo repeats <node id> there), else the position
  std::string label;                   // `label` ("" when absent)
  std::optional<double> latitude_deg;  // `Latitude`
  std::optional<double> longitude_deg; // `Longitude`
  std::optional<int> internal;         // `Internal`: 0 = another network's node (a peer, a customer)
  bool hyperedge = false;              // `hyperedge` = 1: a shared medium drawn as a node, not a router
  std::string country;                 // `Country`
};

struct ZooEdge {
  std::size_t a = 0;  // indices into ZooGraph::nodes
  std::size_t b = 0;
  std::optional<double> link_speed_bps;  // `LinkSpeedRaw` (bits per second)
  std::string link_type;                 // `LinkType`, e.g. "OC-192"
  std::string link_label;                // `LinkLabel`, e.g. "10 Gbps"
};

struct ZooGraph {
  std::string file;            // where it was read from, for messages
  std::string network;         // graph `Network` (else `label`)
  std::string source_url;      // graph `Source`
  std::string date_obtained;   // graph `DateObtained`
  std::string network_date;    // graph `NetworkDate`
  std::vector<ZooNode> nodes;  // in file order
  std::vector<ZooEdge> edges;  // in file order, parallel edges and self loops included
  // <hyperedge> elements: read_graphml skips them, so they are counted here to be reported (the
  // Zoo itself draws shared media as nodes with hyperedge = 1, which are read).
  std::size_t hyperedge_elements = 0;
};

}  // namespace cdnlab
