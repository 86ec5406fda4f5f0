#pragma once
#include "models/routing/selection_policy.h"

namespace cdnlab {

// Nearest PoP by great-circle distance from the target's location; ties broken by index.
class GeoPolicy final : public SelectionPolicy {
 public:
  explicit GeoPolicy(const RoutingCatalog& catalog);
  std::string Name() const override { return "geo"; }
  std::vector<PopIndex> Rank(std::size_t target_index, const MappingTarget& target, SimTime now,
                             const std::vector<PopIndex>& previous) override;

 private:
  const RoutingCatalog& catalog_;
};

}  // namespace cdnlab
