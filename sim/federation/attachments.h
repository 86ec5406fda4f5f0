#pragma once
// Where a federation scenario's nodes sit, for both fidelities: each platform's gateway
// "<platform>-gw" off `gateway_at`, each server off its `at`, over an access link with the
// node's access delay (link_defaults.bandwidth_mbps, no loss).
#include <string>
#include <vector>

#include "scenarios/core/scenario.h"
#include "sim/net/attached_hosts_graph.h"

namespace cdnlab {

struct FederationAttachment {
  HostAttachment host;
  std::string platform;  // the participant that speaks for the node
};

// Per platform its gateway, then its servers, in scenario order.
std::vector<FederationAttachment> FederationAttachments(const Scenario& scenario);
std::vector<HostAttachment> HostsOf(const std::vector<FederationAttachment>& attachments);

}  // namespace cdnlab
