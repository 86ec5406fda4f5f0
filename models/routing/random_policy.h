#pragma once
#include <map>

#include "models/ports/random_source.h"
#include "models/routing/selection_policy.h"

namespace cdnlab {

// A baseline: each target gets a random permutation of the PoPs, drawn once from the run's
// seed and kept (re-drawing every recomputation would only measure churn).
class RandomPolicy final : public SelectionPolicy {
 public:
  RandomPolicy(const RoutingCatalog& catalog, RandomSource& random);
  std::string Name() const override { return "random"; }
  std::vector<PopIndex> Rank(std::size_t target_index, const MappingTarget& target, SimTime now,
                             const std::vector<PopIndex>& previous) override;

 private:
  const RoutingCatalog& catalog_;
  RandomSource& random_;
  std::map<std::size_t, std::vector<PopIndex>> drawn_;
};

}  // namespace cdnlab
