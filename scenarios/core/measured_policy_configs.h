#pragma once
// The model settings of a measured policy (probe, rum, hybrid) as its PolicySpec gives them:
// one translation, so the simulator, the realnet controller and the RUM collector build the
// same store, ranking and candidate choice from the same scenario.
#include <algorithm>
#include <cstddef>

#include "models/routing/candidate_chooser.h"
#include "models/routing/measured_policy.h"
#include "models/routing/measurement_store.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// Probe outcomes and beacon timings share these cells: one sample per train or per timing.
inline MeasurementStoreConfig MeasurementStoreConfigFor(const PolicySpec& policy) {
  return MeasurementStoreConfig{policy.ewma_alpha, FromSeconds(policy.max_age_s)};
}

inline MeasuredPolicyConfig MeasuredPolicyConfigFor(const PolicySpec& policy) {
  return MeasuredPolicyConfig{policy.loss_penalty_ms, policy.hysteresis_ratio, policy.hysteresis_ms};
}

// The chooser's split for k candidates (a page view's rum_candidates, a round's
// probe_candidates): k-1 best plus one exploring (k=1: explore only, so a single test still
// eventually covers every PoP).
inline CandidateChooserConfig CandidateChooserConfigFor(int candidates) {
  const auto k = static_cast<std::size_t>(std::max(candidates, 1));
  return CandidateChooserConfig{k, k - 1};
}

}  // namespace cdnlab
