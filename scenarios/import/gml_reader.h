#pragma once
// Reads Internet Topology Zoo GML (the Zoo publishes every network in GML as well as GraphML):
//   graph [ node [ id 0 label "NL" Latitude 52.37 Longitude 4.89 Internal 1 ] edge [ source 0
//   target 1 LinkSpeedRaw 1e9 LinkType "OC-192" ] ... ]
// into the same ZooGraph as the GraphML reader; keys cdnlab does not use are skipped.
#include <istream>
#include <string>

#include "scenarios/import/zoo_graph.h"

namespace cdnlab {

// Throws ImportError (graphml_reader.h) naming file:line for text that is not GML, an edge
// naming an unknown node id, or a value of the wrong kind.
ZooGraph ReadZooGml(std::istream& in, const std::string& file);

}  // namespace cdnlab
