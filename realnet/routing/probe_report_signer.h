#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "models/federation/identity.h"
#include "models/routing/catalog.h"
#include "models/routing/probe_agent.h"
#include "models/ports/datagram_transport.h"

namespace cdnlab {

// One PoP's side of authenticated reports: numbers each outcome, stamps it with the wall
// clock and signs it with the PoP's Ed25519 key (a FederationIdentity holding only that key,
// derived from the PoP's secret as federation participants' keys are).
class ProbeReportSigner {
 public:
  // `secret` nullopt: reports go unsigned (only a controller with --accept-unsigned-reports
  // takes them). `first_sequence` should grow across restarts (the agent passes its start time
  // in microseconds), because the controller refuses any number not above the last it accepted.
  ProbeReportSigner(const RoutingCatalog& catalog, const std::string& pop_id, const std::optional<std::string>& secret,
                    std::uint64_t first_sequence);
  Bytes Seal(const ProbeOutcome& outcome, std::int64_t now_unix_ms);
  bool Signs() const { return signs_; }
  std::string PublicKeyHex() const;  // empty when unsigned

 private:
  const RoutingCatalog& catalog_;
  std::string pop_id_;
  FederationIdentity identity_;
  bool signs_ = false;
  std::uint64_t next_sequence_;
};

}  // namespace cdnlab
