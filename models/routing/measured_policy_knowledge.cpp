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
  // Lossy: `from` lost measurements, and on RTT alone (where it has one) it would not have been
  // behind `to`; a PoP whose every probe is lost has no fresh RTT at all.
  k.pop_lossy = [&store, &targets, score = k.score_ms](std::size_t i, PopIndex from, PopIndex to, SimTime now) {
    double lost = 0, rtt = 0, covered = 0, with_rtt = 0;
    for (const auto& [g, w] : targets.at(i).groups) {
      const std::optional<double> loss = store.Loss(g, from, now);
      if (!loss) continue;
      lost += w * *loss;
      covered += w;
      if (const std::optional<double> r = store.RttMs(g, from, now)) {
        rtt += w * *r;
        with_rtt += w;
      }
    }
    if (covered <= 0 || lost <= 0) return false;
    if (with_rtt <= 0) return true;
    const std::optional<double> to_score = score(i, to, now);
    return !to_score || rtt / with_rtt <= *to_score;
  };
  return k;
}

}  // namespace cdnlab
