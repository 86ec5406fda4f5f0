#pragma once
#include <utility>
#include <vector>

#include "models/routing/grouped_target_sums.h"
#include "models/routing/measurement_store.h"
#include "models/routing/selection_policy.h"

namespace cdnlab {

struct MeasuredPolicyConfig {
  double loss_penalty_ms = 500;     // score = rtt_ms + loss_penalty_ms * loss (loss in [0,1])
  double hysteresis_ratio = 0.10;   // a PoP must beat the incumbent's score by this fraction...
  double hysteresis_ms = 5;         // ...and by this many ms before it displaces it
};

// Ranks PoPs by probe metrics: a population-weighted score over the target's groups,
// from fresh cells only. PoPs already published for the target keep their place unless
// a challenger is better by the hysteresis margin, so noise does not flap the mapping.
class MeasuredPolicy final : public SelectionPolicy {
 public:
  MeasuredPolicy(const MeasurementStore& store, MeasuredPolicyConfig config = {});
  std::string Name() const override { return "measured"; }
  std::vector<PopIndex> Rank(std::size_t target_index, const MappingTarget& target, SimTime now,
                             const std::vector<PopIndex>& previous) override;
  void SetRankingDepth(std::size_t depth) override { depth_ = depth; }
  // Within a recompute, each group's cells are read once: its own row adds them to the resolver
  // and default rows' sums too (GroupedTargetSums), which are then ranked from those sums.
  void BeginRecompute(const std::vector<MappingTarget>& targets, SimTime now) override;
  void EndRecompute() override;

 private:
  struct FreshCell {
    PopIndex pop;
    double rtt_ms;
    double loss;
  };
  // weighted[p] += w x score for each of `cells`, covered[p] += w.
  void AddCells(const std::vector<FreshCell>& cells, double w, std::vector<double>& weighted,
                std::vector<double>& covered) const;
  std::vector<PopIndex> RankBySums(const std::vector<double>& weighted, const std::vector<double>& covered,
                                   double total, const std::vector<PopIndex>& previous);
  std::vector<PopIndex> RankFirst(std::size_t depth, const std::vector<PopIndex>& previous) const;
  std::vector<PopIndex> RankOneGroup(const std::pair<GroupIndex, double>& member, SimTime now, bool sharing,
                                     const std::vector<PopIndex>& previous);
  std::vector<PopIndex> RankDenseOneGroup(GroupIndex g, const MeasurementStore::DenseRow& row, bool sharing,
                                          const std::vector<PopIndex>& previous);
  void NextRow();  // a new row: no PoP is rankable in it yet
  void KeepIfAmongBest(const std::pair<double, PopIndex>& entry);

  const MeasurementStore& store_;
  MeasuredPolicyConfig config_;
  std::size_t depth_ = 0;  // 0 = rank every PoP
  // Scratch reused across rows (a recompute ranks 100,000 of them): no allocation per row.
  std::vector<double> weighted_, covered_, score_, cell_score_;
  std::vector<std::pair<double, PopIndex>> by_score_;
  std::vector<PopIndex> remaining_;
  std::vector<std::uint32_t> row_of_;  // per PoP: the row (row_) it was last rankable in
  std::uint32_t row_ = 0;
  std::vector<FreshCell> cells_;
  GroupedTargetSums grouped_;
  bool in_recompute_ = false;
  SimTime recompute_at_{0};
};

}  // namespace cdnlab
