#pragma once
// What a measuring policy (probe, rum, hybrid) knew about a row's PoPs, for the reasons of
// mapping changes: its score (the same population-weighted rtt + loss penalty over fresh
// cells MeasuredPolicy ranks by) and whether most of the row's fresh measurements were lost.
#include <vector>

#include "models/routing/mapping_change_reason.h"
#include "models/routing/measurement_store.h"

namespace cdnlab {

// `store` and `targets` must outlive the returned functions.
PolicyKnowledge MeasuredPolicyKnowledge(const MeasurementStore& store, const std::vector<MappingTarget>& targets,
                                        double loss_penalty_ms);

}  // namespace cdnlab
