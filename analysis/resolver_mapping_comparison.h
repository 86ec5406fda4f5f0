#pragma once
#include <vector>

#include "analysis/routing_summary.h"

namespace cdnlab {

// What ECS costs in DNS queries (issue 14): for every run mapped by client subnet, finds the
// first run of the same policy kind mapped by resolver and records its label and the ratio of
// the two runs' dns_queries_per_min (null when the resolver run's rate is 0 or unknown). Runs
// without such a counterpart are left as they are.
void CompareEcsWithResolverMapping(std::vector<RoutingPolicySummary>& policies);

}  // namespace cdnlab
