#include "models/routing/measured_policy_knowledge.h"

namespace cdnlab {

PolicyKnowledge MeasuredPolicyKnowledge(const MeasurementStore& store, const std::vector<MappingTarget>& targets,
                                        double loss_penalty_ms) {
  PolicyKnowledge k;
  k.score_ms = [&store, &targets, loss_penalty_ms](std::size_t i, PopIndex p, SimTime now) -> std::optional<double> {
    double weighted = 0, covered = 0, total = 0;
    for (const auto& [g, w] : targets.at(i).groups) {
      total += w;
      const std::optional<double> rtt = store.RttMs(g, p, now);
      if (!rtt) continue;
      weighted += w * (*rtt + loss_penalty_ms * store.Loss(g, p, now).value_or(0));
      covered += w;
    }
    // Rankable as MeasuredPolicy has it: measured for at least half the row's weight.
    if (covered <= 0 || covered < 0.5 * total) return std::nullopt;
    return weighted / covered;
  };
  k.pop_lossy = [&store, &targets](std::size_t i, PopIndex p, SimTime now) {
    double lost = 0, covered = 0;
    for (const auto& [g, w] : targets.at(i).groups) {
      const std::optional<double> loss = store.Loss(g, p, now);
      if (!loss) continue;
      lost += w * *loss;
      covered += w;
    }
    return covered > 0 && lost >= 0.5 * covered;
  };
  return k;
}

}  // namespace cdnlab
