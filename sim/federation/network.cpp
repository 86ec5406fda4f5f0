#include "sim/federation/network.h"

#include <stdexcept>

#include "scenarios/federation/from_scenario.h"

namespace cdnlab {
namespace {

struct Attachment {
  HostAttachment host;
  std::string platform;
};

std::vector<Attachment> FederationAttachments(const Scenario& scenario) {
  // Access links: the node's access delay, the scenario's default bandwidth, no loss.
  auto access = [&](double delay_ms) {
    LinkParams p;
    p.delay_ms = delay_ms;
    p.bandwidth_mbps = scenario.link_defaults.bandwidth_mbps;
    p.loss = 0;
    return p;
  };
  std::vector<Attachment> out;
  for (const auto& p : scenario.federation.platforms) {
    out.push_back({{GatewayNodeId(p.id), p.gateway_at, access(p.gateway_access_delay_ms)}, p.id});
    for (const auto& s : p.servers) out.push_back({{s.id, s.at, access(s.access_delay_ms)}, p.id});
  }
  return out;
}

std::vector<HostAttachment> Hosts(const std::vector<Attachment>& attachments) {
  std::vector<HostAttachment> out;
  for (const auto& a : attachments) out.push_back(a.host);
  return out;
}

}  // namespace

FederationSimNetwork::FederationSimNetwork(const Scenario& scenario)
    : hosts_(scenario, Hosts(FederationAttachments(scenario)), "federation node") {
  for (const auto& a : FederationAttachments(scenario)) {
    directory_.Add(a.host.node, Endpoint{hosts_.AddressOf(a.host.node), kPort}, a.platform);
  }
}

Endpoint FederationSimNetwork::EndpointOf(const std::string& node) const {
  return Endpoint{hosts_.AddressOf(node), kPort};
}

Duration FederationSimNetwork::Latency(const std::string& from_node, const std::string& to_node) const {
  return hosts_.Latency(from_node, to_node);
}

NodeLatency FederationSimNetwork::LatencyFunction() const {
  return [this](const std::string& from, const std::string& to) { return Latency(from, to); };
}

void FederationSimNetwork::SetReachable(const std::string& node, bool reachable) {
  hosts_.SetReachable(node, reachable);
}

bool FederationSimNetwork::Reachable(const std::string& node) const { return hosts_.Reachable(node); }

}  // namespace cdnlab
