#pragma once
// What the mapping controller tells an observer at each recompute, so the reason for a change
// can be worked out where the decision is made (see MappingChangeReasons).
#include <cstddef>
#include <vector>

#include "models/core/sim_time.h"
#include "models/routing/catalog.h"

namespace cdnlab {

class MappingDecisionObserver {
 public:
  virtual ~MappingDecisionObserver() = default;
  // The policy's rankings, before any adjuster; `depth` is how far the policy was asked to
  // rank (0 = every PoP it can).
  virtual void PolicyRanked(const std::vector<std::vector<PopIndex>>& rankings, std::size_t depth, SimTime now) = 0;
  // What was published before this recompute and what will be published now (adjusted).
  virtual void Decided(const std::vector<std::vector<PopIndex>>& published,
                       const std::vector<std::vector<PopIndex>>& decided, SimTime now) = 0;
};

}  // namespace cdnlab
