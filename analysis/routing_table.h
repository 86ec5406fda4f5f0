#pragma once
#include <string>
#include <vector>

#include "analysis/routing_summary.h"

namespace cdnlab {

// The short human-readable table printed at the end of `cdnlab run`.
std::string FormatRoutingTable(const std::vector<RoutingPolicySummary>& policies);

}  // namespace cdnlab
