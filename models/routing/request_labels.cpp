#include "models/routing/request_labels.h"

#include "models/routing/metric_names.h"

namespace cdnlab {

const MetricLabels& RequestLabels::Group(GroupIndex g, bool v6) { return Find(g, std::nullopt, v6, false); }

const MetricLabels& RequestLabels::GroupPop(GroupIndex g, std::optional<PopIndex> pop, bool v6) {
  return Find(g, pop, v6, true);
}

const MetricLabels& RequestLabels::Find(GroupIndex g, std::optional<PopIndex> pop, bool v6, bool with_pop) {
  // group | pop + 1 (0: unknown) | with_pop | v6
  const std::uint64_t key = (static_cast<std::uint64_t>(g) << 26) | (static_cast<std::uint64_t>(pop ? *pop + 1 : 0) << 2) |
                            (with_pop ? 2u : 0u) | (v6 ? 1u : 0u);
  auto [it, added] = labels_.try_emplace(key);
  if (added) {
    MetricLabels& labels = it->second;
    labels.push_back({metric::kLabelGroup, catalog_.groups[g].id});
    if (with_pop) labels.push_back({metric::kLabelPop, pop ? catalog_.pops[*pop].id : "unknown"});
    if (v6) labels.push_back({metric::kLabelFamily, metric::kFamilyIpv6});
  }
  return it->second;
}

}  // namespace cdnlab
