#include "sim/federation/network.h"

#include <stdexcept>

#include "sim/federation/attachments.h"

namespace cdnlab {

FederationSimNetwork::FederationSimNetwork(const Scenario& scenario)
    : hosts_(scenario, HostsOf(FederationAttachments(scenario)), "federation node") {
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
