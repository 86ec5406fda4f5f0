#pragma once
#include "models/routing/ground_truth.h"
#include "models/routing/selection_policy.h"

namespace cdnlab {

// Evaluation only: ranks available PoPs by the true population-weighted RTT from the
// topology. No real system can know this; it is the zero point of regret.
class OraclePolicy final : public SelectionPolicy {
 public:
  explicit OraclePolicy(const GroundTruth& truth);
  std::string Name() const override { return "oracle"; }
  std::vector<PopIndex> Rank(std::size_t target_index, const MappingTarget& target, SimTime now,
                             const std::vector<PopIndex>& previous) override;

 private:
  const GroundTruth& truth_;
};

}  // namespace cdnlab
