#include "analysis/resolver_mapping_comparison.h"

#include <cmath>
#include <limits>

namespace cdnlab {

void CompareEcsWithResolverMapping(std::vector<RoutingPolicySummary>& policies) {
  for (auto& ecs : policies) {
    if (ecs.map_by != "client_subnet") continue;
    for (const auto& by_resolver : policies) {
      if (by_resolver.map_by != "resolver" || by_resolver.kind != ecs.kind) continue;
      const double base = by_resolver.dns_queries_per_min;
      ecs.resolver_mapped_policy = by_resolver.policy;
      ecs.ecs_query_rate_over_resolver = std::isfinite(base) && base > 0 ? ecs.dns_queries_per_min / base
                                                                         : std::numeric_limits<double>::quiet_NaN();
      break;
    }
  }
}

}  // namespace cdnlab
