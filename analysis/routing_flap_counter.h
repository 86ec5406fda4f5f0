#pragma once
#include <string>
#include <vector>

#include "analysis/metrics_recorder.h"
#include "analysis/routing_summary.h"

namespace cdnlab {

// Counts answered-PoP changes (routing.effective_change samples, label group) at or after
// `from_s`, and turns them into rates per group per hour over `hours` of evaluated time.
// Every group in `groups` counts in the average, including those that never changed.
// NaN rates when `hours` is not positive or there are no groups. Throws std::logic_error for
// a change naming a group not in `groups` (a wiring bug).
FlapStats CountFlaps(const std::vector<const MetricsRecorder::SampleRecord*>& changes,
                     const std::vector<std::string>& groups, double from_s, double hours);

}  // namespace cdnlab
