#pragma once
#include <optional>
#include <string>

#include "models/ports/datagram_transport.h"
#include "models/routing/probe_agent.h"
#include "models/routing/catalog.h"

namespace cdnlab {

// A probe outcome on its way from a PoP's agent to the controller: JSON over UDP, naming
// PoP and group by id (indices differ between processes), e.g.
//   {"pop":"pop-a","group":"g1","rtt_ms":12.5,"loss":0.0,"sent":5,"received":5}
Bytes EncodeProbeReport(const RoutingCatalog& catalog, const ProbeOutcome& outcome);
// nullopt for anything malformed, oversized, out of range or naming an unknown PoP/group.
std::optional<ProbeOutcome> DecodeProbeReport(const RoutingCatalog& catalog, const Bytes& payload);

}  // namespace cdnlab
