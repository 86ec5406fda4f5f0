#pragma once
// Where each federation node (a gateway or a server agent) listens, and which participant
// speaks for it. A message is accepted only when its signer is the participant of the node
// it claims to come from.
#include <map>
#include <optional>
#include <string>

#include "models/net/endpoint.h"
#include "models/net/ipv4.h"

namespace cdnlab {

class FederationDirectory {
 public:
  void Add(const std::string& node, Endpoint endpoint, const std::string& participant) {
    endpoints_[node] = endpoint;
    participants_[node] = participant;
    nodes_[endpoint] = node;
  }
  std::optional<Endpoint> EndpointOf(const std::string& node) const {
    auto it = endpoints_.find(node);
    return it == endpoints_.end() ? std::nullopt : std::optional<Endpoint>(it->second);
  }
  std::optional<std::string> ParticipantOf(const std::string& node) const {
    auto it = participants_.find(node);
    return it == participants_.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  std::optional<std::string> NodeAt(const Endpoint& endpoint) const {
    auto it = nodes_.find(endpoint);
    return it == nodes_.end() ? std::nullopt : std::optional<std::string>(it->second);
  }

 private:
  std::map<std::string, Endpoint> endpoints_;
  std::map<std::string, std::string> participants_;
  std::map<Endpoint, std::string> nodes_;
};

}  // namespace cdnlab
