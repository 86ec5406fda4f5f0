#pragma once
// A stage the mapping controller runs over ALL targets' rankings after the policy ranked them
// and before it publishes: decisions that need the whole table at once (PoP capacity) or the
// history of what was published (minimum dwell time). Adjusters run in the order added to the
// controller; they see full rankings (not yet cut to ranked_pops). Implementations:
// MinDwellAdjuster, CapacitySpillAdjuster — add dwell first, spill last, so capacity wins.
#include <vector>

#include "models/core/sim_time.h"
#include "models/routing/mapping_target.h"

namespace cdnlab {

class RankingAdjuster {
 public:
  virtual ~RankingAdjuster() = default;
  // rankings[i] is target i's ranking (best first); `published[i]` what is published now
  // (empty before the first publication). Reorders rankings in place; an adjuster should only
  // reorder, never add PoPs the policy left out (those are unusable).
  virtual void Adjust(const std::vector<MappingTarget>& targets, std::vector<std::vector<PopIndex>>& rankings,
                      const std::vector<std::vector<PopIndex>>& published, SimTime now) = 0;
};

}  // namespace cdnlab
