#pragma once
// The anycast baseline: every PoP announces the same address and the Internet's routing
// delivers each client to the PoP with the shortest routing path from the client's own network.
// It ignores RTT by design (BGP counts hops/AS paths, not milliseconds, so the nearest PoP in
// routing terms can be a slow one) and ignores resolvers (the client's packets are routed,
// nothing is looked up), which is exactly the contrast the baseline shows.
#include <cstddef>
#include <vector>

#include <Eigen/Dense>

#include "models/routing/selection_policy.h"
#include "models/topology/graph.h"

namespace cdnlab {

class AnycastPolicy final : public SelectionPolicy {
 public:
  // path_hops is groups x pops: routing path length (hops) from each group's network to each
  // PoP; +infinity (or NaN) = unreachable. Throws std::invalid_argument when the shape does not
  // match the catalog or a finite entry is negative.
  AnycastPolicy(const RoutingCatalog& catalog, Eigen::MatrixXd path_hops);
  std::string Name() const override { return "anycast"; }

  // The PoPs reachable from the target's heaviest group (largest weight; ties: lower group
  // index), fewest hops first, ties by lower PoP index; unreachable or withdrawn PoPs are left
  // out. Empty for a target without groups. `now` and `previous` are not used.
  std::vector<PopIndex> Rank(std::size_t target_index, const MappingTarget& target, SimTime now,
                             const std::vector<PopIndex>& previous) override;

  // A PoP that goes down withdraws its announcement; routing then reaches the next one.
  void SetPopAvailable(PopIndex pop, bool available);
  // After a topology change; same checks as the constructor.
  void SetPathHops(Eigen::MatrixXd path_hops);
  const Eigen::MatrixXd& PathHops() const { return hops_; }

 private:
  const RoutingCatalog& catalog_;
  Eigen::MatrixXd hops_;
  std::vector<bool> available_;
};

// Hop counts (links traversed) of the fewest-hop paths from `source` to every node of the
// graph (breadth-first; link delays play no part); +infinity where unreachable. The runtime
// fills AnycastPolicy's matrix from it (group's access node -> PoP node).
std::vector<double> HopCountsFrom(const TopologyGraph& graph, TopologyGraph::NodeId source);

}  // namespace cdnlab
