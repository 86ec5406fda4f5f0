#include "models/routing/anycast_policy.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <stdexcept>
#include <string>

namespace cdnlab {
namespace {

bool Reachable(double hops) { return std::isfinite(hops); }

}  // namespace

AnycastPolicy::AnycastPolicy(const RoutingCatalog& catalog, Eigen::MatrixXd path_hops)
    : catalog_(catalog), available_(catalog.pops.size(), true) {
  SetPathHops(std::move(path_hops));
}

void AnycastPolicy::SetPathHops(Eigen::MatrixXd path_hops) {
  if (static_cast<std::size_t>(path_hops.rows()) != catalog_.groups.size() ||
      static_cast<std::size_t>(path_hops.cols()) != catalog_.pops.size()) {
    throw std::invalid_argument("AnycastPolicy: path_hops is " + std::to_string(path_hops.rows()) + "x" +
                                std::to_string(path_hops.cols()) + ", expected groups x pops = " +
                                std::to_string(catalog_.groups.size()) + "x" + std::to_string(catalog_.pops.size()));
  }
  for (Eigen::Index g = 0; g < path_hops.rows(); ++g) {
    for (Eigen::Index p = 0; p < path_hops.cols(); ++p) {
      if (Reachable(path_hops(g, p)) && path_hops(g, p) < 0) {
        throw std::invalid_argument("AnycastPolicy: negative path length from group " + catalog_.groups[g].id +
                                    " to PoP " + catalog_.pops[p].id);
      }
    }
  }
  hops_ = std::move(path_hops);
}

void AnycastPolicy::SetPopAvailable(PopIndex pop, bool available) { available_.at(pop) = available; }

std::vector<PopIndex> AnycastPolicy::Rank(std::size_t, const MappingTarget& target, SimTime,
                                          const std::vector<PopIndex>&) {
  if (target.groups.empty()) return {};
  // Routing serves each client by its own network; a row answers for its heaviest group.
  GroupIndex heaviest = target.groups.front().first;
  double weight = target.groups.front().second;
  for (const auto& [g, w] : target.groups) {
    if (w > weight || (w == weight && g < heaviest)) {
      heaviest = g;
      weight = w;
    }
  }
  if (heaviest >= static_cast<std::size_t>(hops_.rows())) {
    throw std::invalid_argument("AnycastPolicy: target names group " + std::to_string(heaviest) +
                                " outside the catalog");
  }
  std::vector<PopIndex> ranked;
  for (PopIndex p = 0; p < catalog_.pops.size(); ++p) {
    if (available_[p] && Reachable(hops_(heaviest, p))) ranked.push_back(p);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [&](PopIndex a, PopIndex b) { return hops_(heaviest, a) < hops_(heaviest, b); });
  return ranked;
}

std::vector<double> HopCountsFrom(const TopologyGraph& graph, TopologyGraph::NodeId source) {
  const std::size_t nodes = graph.NodeCount();
  if (source >= nodes) throw std::invalid_argument("HopCountsFrom: no node " + std::to_string(source));
  std::vector<std::vector<TopologyGraph::NodeId>> neighbours(nodes);
  for (TopologyGraph::LinkId l = 0; l < graph.LinkCount(); ++l) {
    const auto [a, b] = graph.LinkEnds(l);
    neighbours[a].push_back(b);
    neighbours[b].push_back(a);
  }
  std::vector<double> hops(nodes, std::numeric_limits<double>::infinity());
  std::deque<TopologyGraph::NodeId> queue{source};
  hops[source] = 0;
  while (!queue.empty()) {
    const TopologyGraph::NodeId n = queue.front();
    queue.pop_front();
    for (TopologyGraph::NodeId m : neighbours[n]) {
      if (std::isinf(hops[m])) {
        hops[m] = hops[n] + 1;
        queue.push_back(m);
      }
    }
  }
  return hops;
}

}  // namespace cdnlab
