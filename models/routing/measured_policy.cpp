#include "models/routing/measured_policy.h"

#include <algorithm>
#include <map>

namespace cdnlab {

MeasuredPolicy::MeasuredPolicy(const MeasurementStore& store, MeasuredPolicyConfig config)
    : store_(store), config_(config) {}

std::vector<PopIndex> MeasuredPolicy::Rank(std::size_t, const MappingTarget& target, SimTime now,
                                           const std::vector<PopIndex>& previous) {
  // Score every PoP from fresh cells only. A PoP measured for less than half of the
  // target's weight is not rankable: its score would speak for too few users.
  std::map<PopIndex, double> score;
  for (PopIndex p = 0; p < store_.Pops(); ++p) {
    double weighted = 0, covered = 0;
    for (const auto& [g, w] : target.groups) {
      const auto rtt = store_.RttMs(g, p, now);
      const auto loss = store_.Loss(g, p, now);
      if (!rtt || !loss) continue;
      weighted += w * (*rtt + config_.loss_penalty_ms * *loss);
      covered += w;
    }
    double total = 0;
    for (const auto& [g, w] : target.groups) total += w;
    if (covered > 0 && covered >= 0.5 * total) score[p] = weighted / covered;
  }

  std::vector<PopIndex> remaining;
  for (const auto& [p, s] : score) remaining.push_back(p);
  std::stable_sort(remaining.begin(), remaining.end(),
                   [&](PopIndex a, PopIndex b) { return score[a] < score[b]; });

  // Fill positions in order; the PoP published at a position keeps it unless the best
  // remaining challenger beats it by the hysteresis margin. Noise within the margin
  // therefore changes nothing, while a real difference (or a PoP going stale) does.
  std::vector<PopIndex> ranked;
  while (!remaining.empty()) {
    const std::size_t k = ranked.size();
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
