#pragma once
// Applies a measured RTT matrix (rtt_matrix.h) to an imported scenario as its ground truth.
//
// Each row and column name is an endpoint: a PoP, group or resolver id of the scenario (its
// access link counts in its RTT), or a backbone node (label, GraphML id or r-<slug>).
// - A pair whose two nodes share a backbone link sets that link's one-way delay to
//   RTT/2 minus both endpoints' access delays (the mean when several pairs measure one link).
//   This is a scenario change: both fidelities, and the oracle's "best RTT" behind regret,
//   use it, since they all take delays from the scenario's links.
// - Every pair is then compared with the RTT the scenario gives it (2 x shortest path by
//   delay, access links included); pairs differing by more than the tolerance are reported,
//   since link delays alone cannot make every path match a measurement.
// - With options.rtt_fit_access, before that check, each measured group's access link moves by
//   half the mean residual of its pairs (its last mile), floored at 0.01 ms.
#include "scenarios/import/imported_scenario.h"
#include "scenarios/import/rtt_matrix.h"

namespace cdnlab {

// Changes s.link_delay_ms / link_delay_from and fills s.rtt_report. Throws ImportError naming
// file:line for an unknown name or a missing value.
void ApplyRttMatrix(const RttMatrix& m, ImportedScenario& s);

}  // namespace cdnlab
