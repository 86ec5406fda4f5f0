#include "models/federation/completion_bound.h"

#include <algorithm>
#include <map>
#include <set>

namespace cdnlab {

Duration CompletionLowerBound(const FederationCatalog& catalog, const std::string& platform,
                              const std::vector<std::string>& configurations, const NodeLatency& latency,
                              const ServerNode& server_node, const AdmittedConfigurations& admitted) {
  const FederationPlatform* self = catalog.Platform(platform);
  if (!self) return Duration::zero();
  // Local tiers run one after another; within a tier the slowest round trip counts.
  std::map<int, Duration> slowest_by_depth;
  std::set<std::string> servers;
  for (const auto& c : configurations) {
    for (const auto& s : catalog.ServersCarrying(c, platform)) servers.insert(s);
  }
  for (const auto& s : servers) {
    const std::string node = server_node(s);
    const Duration rtt = latency(self->gateway, node) + latency(node, self->gateway);
    Duration& slowest = slowest_by_depth[catalog.TierDepth(s)];
    slowest = std::max(slowest, rtt);
  }
  Duration local = Duration::zero();
  for (const auto& [depth, rtt] : slowest_by_depth) local += rtt;

  // Then every downstream in parallel: submit there, its own bound, the report back.
  std::map<std::string, std::vector<std::string>> delegated;
  for (const auto& c : configurations) {
    for (const auto& d : catalog.DownstreamPlatforms(c, platform)) delegated[d].push_back(c);
  }
  Duration slowest_downstream = Duration::zero();
  for (auto& [downstream, configs] : delegated) {
    const FederationPlatform* d = catalog.Platform(downstream);
    if (!d) continue;
    if (const auto known = admitted ? admitted(downstream) : std::nullopt) {
      std::vector<std::string> kept;
      for (const auto& c : configs) {
        if (std::find(known->begin(), known->end(), c) != known->end()) kept.push_back(c);
      }
      // A refusal still costs the round trip that carried it.
      configs = kept;
    }
    const Duration t = latency(self->gateway, d->gateway) +
                       CompletionLowerBound(catalog, downstream, configs, latency, server_node, admitted) +
                       latency(d->gateway, self->gateway);
    slowest_downstream = std::max(slowest_downstream, t);
  }
  return local + slowest_downstream;
}

}  // namespace cdnlab
