#include "realnet/federation/directory.h"

#include <stdexcept>

namespace cdnlab {

FederationDirectory RealnetFederationDirectory(const Scenario& scenario, const FederationCatalog& catalog) {
  if (scenario.realnet.federation_nodes.empty()) {
    throw std::invalid_argument(scenario.source + ": the scenario's realnet section places no federation node "
                                "(realnet.federation_nodes)");
  }
  FederationDirectory directory;
  for (const auto& [node, endpoint] : scenario.realnet.federation_nodes) {
    std::string participant;
    for (const auto& p : catalog.Platforms()) {
      if (p.gateway == node) participant = p.id;
    }
    if (participant.empty()) {
      if (const FederationServer* server = catalog.Server(node)) participant = server->platform;
    }
    if (participant.empty()) {
      throw std::invalid_argument(scenario.source + ": realnet.federation_nodes." + node +
                                  ": neither a platform's gateway nor a server of the federation");
    }
    directory.Add(node, endpoint, participant);
  }
  return directory;
}

Endpoint RealnetFederationHttp(const Scenario& scenario, const std::string& platform) {
  for (const auto& [id, endpoint] : scenario.realnet.federation_http) {
    if (id == platform) return endpoint;
  }
  throw std::invalid_argument(scenario.source + ": realnet.federation_http has no address for platform '" + platform +
                              "'");
}

}  // namespace cdnlab
