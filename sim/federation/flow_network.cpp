#include "sim/federation/flow_network.h"

#include "sim/federation/attachments.h"

namespace cdnlab {

FederationFlowNetwork::FederationFlowNetwork(const Scenario& scenario)
    : graph_(scenario, HostsOf(FederationAttachments(scenario)), "federation node"),
      flows_(graph_.Shape(), graph_.Graph(), FlowNetwork::LeafNodes::kAnyHost) {
  for (const auto& a : FederationAttachments(scenario)) directory_.Add(a.host.node, EndpointOf(a.host.node), a.platform);
}

Endpoint FederationFlowNetwork::EndpointOf(const std::string& node) const {
  return Endpoint{flows_.AddressOfNode(graph_.NodeOf(node)), kPort};  // NodeOf throws for an unknown node
}

Duration FederationFlowNetwork::Latency(const std::string& from_node, const std::string& to_node) const {
  return graph_.Latency(from_node, to_node);
}

NodeLatency FederationFlowNetwork::LatencyFunction() const {
  return [this](const std::string& from, const std::string& to) { return Latency(from, to); };
}

void FederationFlowNetwork::SetReachable(const std::string& node, bool reachable) {
  const Endpoint endpoint = EndpointOf(node);
  int& down = down_[node];
  down = reachable ? (down > 0 ? down - 1 : 0) : down + 1;
  flows_.SetHostReachable(endpoint.address, down == 0);
}

bool FederationFlowNetwork::Reachable(const std::string& node) const {
  graph_.Check(node);
  auto it = down_.find(node);
  return it == down_.end() || it->second == 0;
}

}  // namespace cdnlab
