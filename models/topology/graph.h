#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/graph/adjacency_list.hpp>

#include "models/geo/point.h"

namespace cdnlab {

enum class NodeKind { kRouter, kPop, kClientGroup, kResolver, kDnsServer };

struct LinkParams {
  double delay_ms = 1;         // one way
  double bandwidth_mbps = 1000;
  double loss = 0;             // packet loss probability per direction, [0, 1)
};

// The scenario's network as a Boost graph: named nodes with locations, undirected links
// with delay, bandwidth and loss. Path latencies are Dijkstra shortest paths by delay,
// which is also how the ns-3 runtime weights its routing, so truth and simulation agree.
class TopologyGraph {
 public:
  using NodeId = std::size_t;
  using LinkId = std::size_t;

  NodeId AddNode(const std::string& name, NodeKind kind, GeoPoint location);
  // Throws std::invalid_argument for unknown nodes, a self loop or a duplicate link.
  LinkId AddLink(const std::string& a, const std::string& b, LinkParams params);

  std::optional<NodeId> FindNode(const std::string& name) const;
  std::optional<LinkId> FindLink(const std::string& a, const std::string& b) const;  // either order
  std::size_t NodeCount() const;
  std::size_t LinkCount() const;
  const std::string& NodeName(NodeId n) const;
  NodeKind Kind(NodeId n) const;
  GeoPoint Location(NodeId n) const;
  std::pair<NodeId, NodeId> LinkEnds(LinkId l) const;
  const LinkParams& Link(LinkId l) const;
  void SetLinkParams(LinkId l, LinkParams params);

  // One-way latency (ms) from `source` to every node; +infinity where unreachable.
  std::vector<double> LatenciesFromMs(NodeId source) const;
  // The links of one shortest path, source to target (empty when unreachable or equal).
  std::vector<LinkId> ShortestPathLinks(NodeId source, NodeId target) const;
  // True when every node can reach every other.
  bool Connected() const;

 private:
  struct VertexProps {
    std::string name;
    NodeKind kind = NodeKind::kRouter;
    GeoPoint location;
  };
  struct EdgeProps {
    LinkId id = 0;
    double delay_ms = 0;
  };
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, VertexProps, EdgeProps>;

  Graph graph_;
  std::vector<LinkParams> links_;
  std::vector<std::pair<NodeId, NodeId>> link_ends_;
  std::vector<Graph::edge_descriptor> edges_;
  std::unordered_map<std::string, NodeId> by_name_;
};

}  // namespace cdnlab
