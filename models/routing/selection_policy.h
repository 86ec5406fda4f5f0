#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "models/core/sim_time.h"
#include "models/routing/mapping_target.h"

namespace cdnlab {

// Decides which PoPs answer a mapping target, best first. Implementations: measured, geo,
// random, oracle. A policy may keep per-target state (hysteresis); `target_index` is stable
// for the life of the policy. `previous` is the ranking currently published for the target
// (empty before the first publication).
class SelectionPolicy {
 public:
  virtual ~SelectionPolicy() = default;
  virtual std::string Name() const = 0;
  // Returns every PoP the policy considers usable, best first (may be empty when it knows none).
  virtual std::vector<PopIndex> Rank(std::size_t target_index, const MappingTarget& target, SimTime now,
                                     const std::vector<PopIndex>& previous) = 0;
};

}  // namespace cdnlab
