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
  // How many leading PoPs of a ranking anyone will read (0 = all). The controller sets it:
  // its published rows keep only a few unless an adjuster wants the whole ranking. A policy
  // may then order just that many (the rest in any order, or left out); it must not change those few.
  virtual void SetRankingDepth(std::size_t depth) { (void)depth; }
  // Around one recomputation that ranks `targets` in order at `now` (the controller calls them):
  // a policy may share work between rows in between, e.g. read each measured cell once for
  // every row that holds its group. Rank called outside them must work on its own.
  virtual void BeginRecompute(const std::vector<MappingTarget>& targets, SimTime now) {
    (void)targets;
    (void)now;
  }
  virtual void EndRecompute() {}
};

}  // namespace cdnlab
