#include "models/routing/measured_policy.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace cdnlab {

MeasuredPolicy::MeasuredPolicy(const MeasurementStore& store, MeasuredPolicyConfig config)
    : store_(store), config_(config) {}

void MeasuredPolicy::BeginRecompute(const std::vector<MappingTarget>& targets, SimTime now) {
  grouped_.Begin(targets, store_.Pops());
  in_recompute_ = true;
  recompute_at_ = now;
}

void MeasuredPolicy::EndRecompute() {
  grouped_.End();
  in_recompute_ = false;
}

void MeasuredPolicy::AddCells(const std::vector<FreshCell>& cells, double w, std::vector<double>& weighted,
                              std::vector<double>& covered) const {
  for (const FreshCell& c : cells) {
    weighted[c.pop] += w * (c.rtt_ms + config_.loss_penalty_ms * c.loss);
    covered[c.pop] += w;
  }
}

std::vector<PopIndex> MeasuredPolicy::Rank(std::size_t target_index, const MappingTarget& target, SimTime now,
                                           const std::vector<PopIndex>& previous) {
  // Score every PoP from fresh cells only. A PoP measured for less than half of the
  // target's weight is not rankable: its score would speak for too few users.
  // Groups outer, PoPs inner: each group's row is read once, contiguously (a default row
  // stands for every group; at 100,000 groups x 200 PoPs the other order thrashes the cache).
  // Per PoP the sums still add the groups in target order, so scores are bit-identical.
  const bool sharing = in_recompute_ && now == recompute_at_;
  if (sharing) {
    if (const GroupedTargetSums::Sums* sums = grouped_.Complete(target_index)) {
      return RankBySums(sums->weighted, sums->covered, sums->total, previous);
    }
  }
  if (depth_ > 0 && target.groups.size() == 1) return RankOneGroup(target.groups.front(), now, sharing, previous);
  const std::size_t pops = store_.Pops();
  std::vector<double>& weighted = weighted_;
  std::vector<double>& covered = covered_;
  weighted.assign(pops, 0.0);
  covered.assign(pops, 0.0);
  double total = 0;
  for (const auto& [g, w] : target.groups) {
    total += w;
    if (sharing && grouped_.Wants(g)) {
      // Read once, added here and to every many-group row holding g (the same sums, in the
      // same group order, as reading them again there).
      cells_.clear();
      store_.ForEachFreshCell(g, now, [&](PopIndex p, double rtt_ms, double loss) { cells_.push_back({p, rtt_ms, loss}); });
      AddCells(cells_, w, weighted, covered);
      grouped_.Add(g, [&](GroupedTargetSums::Sums& sums, double weight) {
        AddCells(cells_, weight, sums.weighted, sums.covered);
      });
      continue;
    }
    store_.ForEachFreshCell(g, now, [&, w = w](PopIndex p, double rtt_ms, double loss) {
      weighted[p] += w * (rtt_ms + config_.loss_penalty_ms * loss);
      covered[p] += w;
    });
  }
  return RankBySums(weighted, covered, total, previous);
}

// The first `depth` positions of what the loop in RankBySums would produce, without building
// the full ranking (only `depth` are published): by_score_ is sorted over its first `depth`
// entries, and each position takes the best PoP not yet placed from there, or the incumbent
// when the challenger does not beat it by the hysteresis margin.
std::vector<PopIndex> MeasuredPolicy::RankFirst(std::size_t depth, const std::vector<PopIndex>& previous) const {
  std::vector<PopIndex> ranked;
  ranked.reserve(depth);
  const auto placed = [&ranked](PopIndex p) { return std::find(ranked.begin(), ranked.end(), p) != ranked.end(); };
  std::size_t next = 0;  // fewer than `depth` placed, so an unplaced one is always in the sorted part
  while (ranked.size() < depth) {
    const std::size_t k = ranked.size();
    while (placed(by_score_[next].second)) ++next;
    PopIndex pick = by_score_[next].second;
    if (k < previous.size() && previous[k] != pick) {
      const PopIndex incumbent = previous[k];
      const bool still_rankable = incumbent < row_of_.size() && row_of_[incumbent] == row_ && !placed(incumbent);
      const double bar = score_[incumbent] * (1 - config_.hysteresis_ratio) - config_.hysteresis_ms;
      if (still_rankable && !(score_[pick] < bar)) pick = incumbent;
    }
    ranked.push_back(pick);
  }
  return ranked;
}

// A one-group row (most rows: one per client group) when only `depth_` positions are read: the
// same scores as RankBySums computes from that group's sums (each PoP's sums hold one term), the
// `depth_` best kept while the row is read instead of scattered into per-PoP sums and sorted.
std::vector<PopIndex> MeasuredPolicy::RankOneGroup(const std::pair<GroupIndex, double>& member, SimTime now,
                                                   bool sharing, const std::vector<PopIndex>& previous) {
  const auto [g, w] = member;
  if (w == 1.0) {  // every client group's own row (weights are normalised to 1)
    const MeasurementStore::DenseRow row = store_.FreshDenseRow(g, now);
    if (row.rtt_ms != nullptr) return RankDenseOneGroup(g, row, sharing, previous);
  }
  double total = 0;
  total += w;
  cells_.clear();
  store_.ForEachFreshCell(g, now, [&](PopIndex p, double rtt_ms, double loss) { cells_.push_back({p, rtt_ms, loss}); });
  if (sharing && grouped_.Wants(g)) {
    grouped_.Add(g, [&](GroupedTargetSums::Sums& sums, double weight) {
      AddCells(cells_, weight, sums.weighted, sums.covered);
    });
  }
  NextRow();
  by_score_.clear();  // KeepIfAmongBest fills it: sorted, at most depth_ long
  std::size_t rankable = 0;
  for (const FreshCell& c : cells_) {
    double weighted = 0, covered = 0;  // as RankBySums' sums, from zero
    weighted += w * (c.rtt_ms + config_.loss_penalty_ms * c.loss);
    covered += w;
    if (!(covered > 0 && covered >= 0.5 * total)) continue;
    const std::pair<double, PopIndex> entry{weighted / covered, c.pop};
    score_[c.pop] = entry.first;
    row_of_[c.pop] = row_;
    ++rankable;
    KeepIfAmongBest(entry);
  }
  return RankFirst(std::min(depth_, rankable), previous);
}

// RankOneGroup for a row of weight 1 whose cells are all fresh with an RTT: the same scores over
// contiguous arrays, with no per-cell check and no division. There each PoP's weighted sum is
// 0 + 1 x score, its covered sum 1 (so every PoP is rankable) and 0 + score / 1 == 0 + score exactly.
std::vector<PopIndex> MeasuredPolicy::RankDenseOneGroup(GroupIndex g, const MeasurementStore::DenseRow& row,
                                                        bool sharing, const std::vector<PopIndex>& previous) {
  const std::size_t pops = store_.Pops();
  NextRow();
  cell_score_.resize(pops);
  double* const cell = cell_score_.data();  // rtt + penalty x loss, as AddCells computes it
  const double penalty = config_.loss_penalty_ms;
  if (row.loss == nullptr) {
    const double no_loss = penalty * 0.0;  // every loss is +0.0
    for (std::size_t p = 0; p < pops; ++p) cell[p] = row.rtt_ms[p] + no_loss;
  } else {
    for (std::size_t p = 0; p < pops; ++p) cell[p] = row.rtt_ms[p] + penalty * row.loss[p];
  }
  if (sharing && grouped_.Wants(g)) {
    grouped_.Add(g, [&](GroupedTargetSums::Sums& sums, double weight) {
      double* const weighted = sums.weighted.data();
      double* const covered = sums.covered.data();
      for (std::size_t p = 0; p < pops; ++p) {
        weighted[p] += weight * cell[p];
        covered[p] += weight;
      }
    });
  }
  double* const score = score_.data();
  for (std::size_t p = 0; p < pops; ++p) score[p] = 0.0 + cell[p];
  std::fill(row_of_.begin(), row_of_.end(), row_);
  by_score_.clear();  // KeepIfAmongBest fills it: sorted, at most depth_ long
  for (PopIndex p = 0; p < pops; ++p) KeepIfAmongBest({score[p], p});
  return RankFirst(std::min(depth_, pops), previous);
}

// by_score_ holds the depth_ best (score, PoP) seen so far in the row, sorted.
void MeasuredPolicy::KeepIfAmongBest(const std::pair<double, PopIndex>& entry) {
  std::vector<std::pair<double, PopIndex>>& best = by_score_;
  if (best.size() == depth_ && !(entry < best.back())) return;
  if (best.size() == depth_) best.pop_back();
  best.insert(std::upper_bound(best.begin(), best.end(), entry), entry);
}

void MeasuredPolicy::NextRow() {
  const std::size_t pops = store_.Pops();
  if (score_.size() != pops) score_.assign(pops, 0.0);
  if (row_of_.size() != pops || ++row_ == 0) {  // a new size, or the stamps wrapped: none is current
    row_of_.assign(pops, 0);
    row_ = 1;
  }
}

std::vector<PopIndex> MeasuredPolicy::RankBySums(const std::vector<double>& weighted, const std::vector<double>& covered,
                                                 double total, const std::vector<PopIndex>& previous) {
  const std::size_t pops = store_.Pops();
  NextRow();
  std::vector<double>& score = score_;  // read only where row_of_ marks the PoP rankable this row
  std::vector<std::pair<double, PopIndex>>& by_score = by_score_;  // (score, PoP): ties go to the lower index
  by_score.clear();
  for (PopIndex p = 0; p < pops; ++p) {
    if (covered[p] > 0 && covered[p] >= 0.5 * total) {
      score[p] = weighted[p] / covered[p];
      by_score.emplace_back(score[p], p);
      row_of_[p] = row_;
    }
  }
  // Only the first `depth` positions are read: each position takes the best remaining PoP or
  // an incumbent, so they come from the `depth` best by score plus the incumbents, and a
  // partial sort gives exactly what a full one would there (full ranking: 200 PoPs per row
  // x 100,000 rows made sorting most of a recompute).
  const std::size_t depth = depth_ == 0 ? by_score.size() : std::min(depth_, by_score.size());
  std::partial_sort(by_score.begin(), by_score.begin() + static_cast<std::ptrdiff_t>(depth), by_score.end());
  if (depth_ > 0) return RankFirst(depth, previous);
  std::vector<PopIndex>& remaining = remaining_;
  remaining.clear();
  for (const auto& [s, p] : by_score) remaining.push_back(p);

  // Fill positions in order; the PoP published at a position keeps it unless the best
  // remaining challenger beats it by the hysteresis margin. Noise within the margin
  // therefore changes nothing, while a real difference (or a PoP going stale) does.
  std::vector<PopIndex> ranked;
  ranked.reserve(remaining.size());
  while (!remaining.empty()) {
    const std::size_t k = ranked.size();
    if (k >= previous.size() || k >= depth) {  // no incumbent left to defend: the rest keeps score order
      ranked.insert(ranked.end(), remaining.begin(), remaining.end());
      break;
    }
    PopIndex pick = remaining.front();
    if (k < previous.size() && previous[k] != pick) {
      const PopIndex incumbent = previous[k];
      const bool still_rankable = std::find(remaining.begin(), remaining.end(), incumbent) != remaining.end();
      const double bar = score[incumbent] * (1 - config_.hysteresis_ratio) - config_.hysteresis_ms;
      if (still_rankable && !(score[pick] < bar)) pick = incumbent;
    }
    ranked.push_back(pick);
    remaining.erase(std::find(remaining.begin(), remaining.end(), pick));
  }
  return ranked;
}

}  // namespace cdnlab
