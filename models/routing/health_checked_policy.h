#pragma once
// A policy behind a health check: the wrapped policy's ranking without the PoPs the checker
// found down (Traffic Router answers only with caches Traffic Monitor reports available).
// With every PoP down the ranking is empty, and the controller keeps what it published.
#include "models/routing/pop_health_checker.h"
#include "models/routing/selection_policy.h"

namespace cdnlab {

class HealthCheckedPolicy final : public SelectionPolicy {
 public:
  // Both must outlive this policy.
  HealthCheckedPolicy(SelectionPolicy& inner, const PopHealthChecker& checker);
  std::string Name() const override { return inner_.Name(); }
  std::vector<PopIndex> Rank(std::size_t target_index, const MappingTarget& target, SimTime now,
                             const std::vector<PopIndex>& previous) override;
  // The inner policy ranks every PoP: a depth cut before filtering could leave too few.
  void SetRankingDepth(std::size_t depth) override;

 private:
  SelectionPolicy& inner_;
  const PopHealthChecker& checker_;
  std::size_t depth_ = 0;
};

}  // namespace cdnlab
