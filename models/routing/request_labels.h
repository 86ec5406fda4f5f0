#pragma once
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "models/ports/metrics_sink.h"
#include "models/routing/catalog.h"

namespace cdnlab {

// The metric labels of a client request ({group}, or {group, pop}; then {family, ipv6} for an
// IPv6 request), built once per combination and kept at a stable address: a run of 100,000
// groups makes millions of requests, and building the strings per request (then hashing them to
// intern) was a tenth of a flow run. A recorder that remembers label objects by address then
// finds them with one comparison.
class RequestLabels {
 public:
  explicit RequestLabels(const RoutingCatalog& catalog) : catalog_(catalog) {}
  // {group} (+ family).
  const MetricLabels& Group(GroupIndex g, bool v6);
  // {group, pop} (+ family); pop "unknown" when the answered server is in no PoP.
  const MetricLabels& GroupPop(GroupIndex g, std::optional<PopIndex> pop, bool v6);

 private:
  const MetricLabels& Find(GroupIndex g, std::optional<PopIndex> pop, bool v6, bool with_pop);

  const RoutingCatalog& catalog_;
  std::unordered_map<std::uint64_t, MetricLabels> labels_;  // node-based: addresses never move
};

}  // namespace cdnlab
