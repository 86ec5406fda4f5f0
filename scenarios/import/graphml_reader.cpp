#include "scenarios/import/graphml_reader.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include <boost/graph/graphml.hpp>

#include "scenarios/import/number_text.h"

namespace cdnlab {
namespace {


// Boost's GraphML parser calls this for every node, edge and <data>: it keeps the attributes
// cdnlab uses as text and checks their values itself, so a bad value is named with its node.
class ZooGraphBuilder : public boost::mutate_graph {
 public:
  explicit ZooGraphBuilder(ZooGraph& g) : g_(g) {}

  bool is_directed() const override { return false; }

  boost::any do_add_vertex() override {
    g_.nodes.emplace_back();
    return boost::any(g_.nodes.size() - 1);
  }

  std::pair<boost::any, bool> do_add_edge(boost::any source, boost::any target) override {
    ZooEdge e;
    e.a = boost::any_cast<std::size_t>(source);
    e.b = boost::any_cast<std::size_t>(target);
    g_.edges.push_back(e);
    return {boost::any(g_.edges.size() - 1), true};  // parallel edges are kept (and reported later)
  }

  void set_graph_property(const std::string& name, const std::string& value, const std::string&) override {
    if (name == "Network") g_.network = value;
    if (name == "label" && g_.network.empty()) g_.network = value;
    if (name == "Source") g_.source_url = value;
    if (name == "DateObtained") g_.date_obtained = value;
    if (name == "NetworkDate") g_.network_date = value;
  }

  void set_vertex_property(const std::string& name, boost::any vertex, const std::string& value,
                           const std::string&) override {
    const std::size_t i = boost::any_cast<std::size_t>(vertex);
    ZooNode& n = g_.nodes[i];
    if (name == "label") n.label = value;
    if (name == "id") n.graphml_id = value;  // the Zoo repeats the GraphML node id as data `id`
    if (name == "Country") n.country = value;
    if (name == "Latitude") n.latitude_deg = Number(name, value, "node", i);
    if (name == "Longitude") n.longitude_deg = Number(name, value, "node", i);
    if (name == "Internal") {
      if (auto v = Number(name, value, "node", i)) n.internal = static_cast<int>(*v);
    }
    if (name == "hyperedge") {
      const auto v = Number(name, value, "node", i);
      n.hyperedge = v && *v != 0;
    }
  }

  void set_edge_property(const std::string& name, boost::any edge, const std::string& value,
                         const std::string&) override {
    ZooEdge& e = g_.edges[boost::any_cast<std::size_t>(edge)];
    if (name == "LinkSpeedRaw") e.link_speed_bps = Number(name, value, "edge", boost::any_cast<std::size_t>(edge));
    if (name == "LinkType") e.link_type = value;
    if (name == "LinkLabel") e.link_label = value;
  }

 private:
  // An empty value is an absent one (the Zoo writes some); anything else must be a number.
  std::optional<double> Number(const std::string& field, const std::string& value, const char* what,
                               std::size_t index) const {
    const std::string trimmed = value.substr(0, value.find_last_not_of(" \t\r\n") + 1);
    if (trimmed.empty()) return std::nullopt;
    const auto v = ParseWholeNumber(trimmed);
    if (!v) {
      throw ImportError(g_.file + ": " + what + " #" + std::to_string(index) + ": field " + field + ": \"" + value +
                        "\" is not a number");
    }
    return v;
  }

  ZooGraph& g_;
};

}  // namespace

ZooGraph ReadZooGraphml(std::istream& in, const std::string& file) {
  ZooGraph g;
  g.file = file;
  ZooGraphBuilder builder(g);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (std::size_t at = text.find("<hyperedge"); at != std::string::npos; at = text.find("<hyperedge", at + 1)) {
    ++g.hyperedge_elements;
  }
  std::istringstream xml(text);
  try {
    boost::read_graphml(xml, builder, 0);
  } catch (const ImportError&) {
    throw;
  } catch (const std::exception& e) {
    throw ImportError(file + ": not readable as GraphML: " + e.what());
  }
  // read_graphml accepts any XML; a file without a single node is not a topology.
  if (g.nodes.empty()) throw ImportError(file + ": no <node> in the GraphML graph (is it a GraphML file?)");
  // Boost keeps the GraphML node ids to itself; the Zoo repeats them as data `id`. A node
  // without one is named by its position in the file.
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (g.nodes[i].graphml_id.empty()) g.nodes[i].graphml_id = std::to_string(i);
  }
  return g;
}

ZooGraph ReadZooGraphmlFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImportError(path + ": cannot open: " + std::strerror(errno));
  return ReadZooGraphml(in, path);
}

}  // namespace cdnlab
