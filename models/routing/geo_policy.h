#pragma once
#include <vector>
#include "models/routing/selection_policy.h"

namespace cdnlab {

// Nearest PoP by great-circle distance from the target's location; ties broken by index.
class GeoPolicy final : public SelectionPolicy {
 public:
  explicit GeoPolicy(const RoutingCatalog& catalog);
  std::string Name() const override { return "geo"; }
  std::vector<PopIndex> Rank(std::size_t target_index, const MappingTarget& target, SimTime now,
                             const std::vector<PopIndex>& previous) override;
  void SetRankingDepth(std::size_t depth) override;

 private:
  const RoutingCatalog& catalog_;
  std::size_t depth_ = 0;  // 0 = every PoP
  // Distances never change, so each target's ranking is computed once (to `depth_`) and reused:
  // 100,000 targets x 200 PoPs of great-circle maths per recompute was most of a geo run.
  std::vector<std::vector<PopIndex>> cached_;
};

}  // namespace cdnlab
