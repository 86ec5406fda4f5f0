#pragma once
#include <string>
#include <vector>

#include "analysis/routing_summary.h"

namespace cdnlab {

// The human-readable table printed at the end of `cdnlab run`: one row per policy label (fits
// 120 columns for labels up to ~20 characters), a legend, and settle times per timeline event.
std::string FormatRoutingTable(const std::vector<RoutingPolicySummary>& policies);

}  // namespace cdnlab
