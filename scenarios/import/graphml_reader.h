#pragma once
// Reads Internet Topology Zoo GraphML with Boost.Graph's read_graphml. Nothing is cleaned here
// (see topology_cleanup.h): the result is what the file says.
#include <istream>
#include <stdexcept>
#include <string>

#include "scenarios/import/zoo_graph.h"

namespace cdnlab {

// A file that is not usable: the message names the file and, where known, the field.
class ImportError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `file` names the input in messages. Throws ImportError for XML that is not GraphML, a
// directed graph, or an attribute value that is not of its declared type.
ZooGraph ReadZooGraphml(std::istream& in, const std::string& file);
ZooGraph ReadZooGraphmlFile(const std::string& path);

}  // namespace cdnlab
