#include "sim/federation/attachments.h"

#include "scenarios/federation/from_scenario.h"

namespace cdnlab {

std::vector<FederationAttachment> FederationAttachments(const Scenario& scenario) {
  auto access = [&](double delay_ms) {
    LinkParams p;
    p.delay_ms = delay_ms;
    p.bandwidth_mbps = scenario.link_defaults.bandwidth_mbps;
    p.loss = 0;
    return p;
  };
  std::vector<FederationAttachment> out;
  for (const auto& p : scenario.federation.platforms) {
    out.push_back({{GatewayNodeId(p.id), p.gateway_at, access(p.gateway_access_delay_ms)}, p.id});
    for (const auto& s : p.servers) out.push_back({{s.id, s.at, access(s.access_delay_ms)}, p.id});
  }
  return out;
}

std::vector<HostAttachment> HostsOf(const std::vector<FederationAttachment>& attachments) {
  std::vector<HostAttachment> out;
  out.reserve(attachments.size());
  for (const auto& a : attachments) out.push_back(a.host);
  return out;
}

}  // namespace cdnlab
