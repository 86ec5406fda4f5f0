#include "models/routing/health_checked_policy.h"

namespace cdnlab {

HealthCheckedPolicy::HealthCheckedPolicy(SelectionPolicy& inner, const PopHealthChecker& checker)
    : inner_(inner), checker_(checker) {
  inner_.SetRankingDepth(0);
}

void HealthCheckedPolicy::SetRankingDepth(std::size_t depth) { depth_ = depth; }

std::vector<PopIndex> HealthCheckedPolicy::Rank(std::size_t target_index, const MappingTarget& target, SimTime now,
                                                const std::vector<PopIndex>& previous) {
  std::vector<PopIndex> ranked;
  for (PopIndex p : inner_.Rank(target_index, target, now, previous)) {
    if (!checker_.Up(p)) continue;
    ranked.push_back(p);
    if (depth_ != 0 && ranked.size() == depth_) break;
  }
  return ranked;
}

}  // namespace cdnlab
