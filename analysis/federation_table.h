#pragma once
#include <string>

#include "analysis/federation_results.h"

namespace cdnlab {

// The human-readable table `cdnlab run` prints for a federation: one line per command
// (status, targeted/acknowledged/wrongly targeted servers, completion time and its lower
// bound, errors), then one line of totals.
std::string FormatFederationTable(const FederationRunResult& run);

}  // namespace cdnlab
