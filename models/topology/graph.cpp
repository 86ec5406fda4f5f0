#include "models/topology/graph.h"

#include <limits>
#include <stdexcept>

#include <boost/graph/dijkstra_shortest_paths.hpp>

namespace cdnlab {

TopologyGraph::NodeId TopologyGraph::AddNode(const std::string& name, NodeKind kind, GeoPoint location) {
  if (by_name_.count(name) != 0) throw std::invalid_argument("duplicate node '" + name + "'");
  const NodeId id = boost::add_vertex(VertexProps{name, kind, location}, graph_);
  by_name_[name] = id;
  return id;
}

TopologyGraph::LinkId TopologyGraph::AddLink(const std::string& a, const std::string& b, LinkParams params) {
  const auto na = FindNode(a);
  const auto nb = FindNode(b);
  if (!na) throw std::invalid_argument("link to unknown node '" + a + "'");
  if (!nb) throw std::invalid_argument("link to unknown node '" + b + "'");
  if (*na == *nb) throw std::invalid_argument("link from '" + a + "' to itself");
  if (FindLink(a, b)) throw std::invalid_argument("duplicate link " + a + " - " + b);
  const LinkId id = links_.size();
  const auto [edge, added] = boost::add_edge(*na, *nb, EdgeProps{id, params.delay_ms}, graph_);
  (void)added;
  links_.push_back(params);
  link_ends_.emplace_back(*na, *nb);
  edges_.push_back(edge);
  return id;
}

std::optional<TopologyGraph::NodeId> TopologyGraph::FindNode(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::optional<TopologyGraph::LinkId> TopologyGraph::FindLink(const std::string& a, const std::string& b) const {
  const auto na = FindNode(a);
  const auto nb = FindNode(b);
  if (!na || !nb) return std::nullopt;
  const auto [edge, exists] = boost::edge(*na, *nb, graph_);
  if (!exists) return std::nullopt;
  return graph_[edge].id;
}

std::size_t TopologyGraph::NodeCount() const { return boost::num_vertices(graph_); }
std::size_t TopologyGraph::LinkCount() const { return links_.size(); }
const std::string& TopologyGraph::NodeName(NodeId n) const { return graph_[n].name; }
NodeKind TopologyGraph::Kind(NodeId n) const { return graph_[n].kind; }
GeoPoint TopologyGraph::Location(NodeId n) const { return graph_[n].location; }
std::pair<TopologyGraph::NodeId, TopologyGraph::NodeId> TopologyGraph::LinkEnds(LinkId l) const {
  return link_ends_.at(l);
}
const LinkParams& TopologyGraph::Link(LinkId l) const { return links_.at(l); }

void TopologyGraph::SetLinkParams(LinkId l, LinkParams params) {
  links_.at(l) = params;
  graph_[edges_[l]].delay_ms = params.delay_ms;  // routing follows delay, so the weight moves too
}

std::vector<double> TopologyGraph::LatenciesFromMs(NodeId source) const {
  std::vector<double> distance(NodeCount(), std::numeric_limits<double>::infinity());
  boost::dijkstra_shortest_paths(
      graph_, source,
      boost::weight_map(boost::get(&EdgeProps::delay_ms, graph_))
          .distance_map(boost::make_iterator_property_map(distance.begin(), boost::get(boost::vertex_index, graph_)))
          // Without this Boost marks unreachable nodes with DBL_MAX, which looks finite.
          .distance_inf(std::numeric_limits<double>::infinity()));
  return distance;
}

std::vector<TopologyGraph::LinkId> TopologyGraph::ShortestPathLinks(NodeId source, NodeId target) const {
  std::vector<NodeId> predecessor(NodeCount());
  std::vector<double> distance(NodeCount(), std::numeric_limits<double>::infinity());
  const auto index = boost::get(boost::vertex_index, graph_);
  boost::dijkstra_shortest_paths(
      graph_, source,
      boost::weight_map(boost::get(&EdgeProps::delay_ms, graph_))
          .predecessor_map(boost::make_iterator_property_map(predecessor.begin(), index))
          .distance_map(boost::make_iterator_property_map(distance.begin(), index))
          .distance_inf(std::numeric_limits<double>::infinity()));
  std::vector<LinkId> path;
  if (source == target || distance[target] == std::numeric_limits<double>::infinity()) return path;
  for (NodeId v = target; v != source; v = predecessor[v]) {
    path.insert(path.begin(), *FindLink(graph_[predecessor[v]].name, graph_[v].name));
  }
  return path;
}

bool TopologyGraph::Connected() const {
  if (NodeCount() == 0) return true;
  for (double d : LatenciesFromMs(0)) {
    if (d == std::numeric_limits<double>::infinity()) return false;
  }
  return true;
}

}  // namespace cdnlab
