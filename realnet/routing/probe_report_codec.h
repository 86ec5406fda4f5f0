#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "models/ports/datagram_transport.h"
#include "models/routing/probe_agent.h"
#include "models/routing/catalog.h"

namespace cdnlab {

// A probe outcome on its way from a PoP's agent to the controller, with what makes it
// checkable: a sequence number (strictly increasing per PoP) and the agent's wall-clock
// sending time (Unix milliseconds).
struct ProbeReport {
  ProbeOutcome outcome;
  std::uint64_t sequence = 0;
  std::int64_t sent_at_ms = 0;
};

// On the wire (UDP): the body, JSON naming PoP and group by id (indices differ between
// processes), then a line feed and the hex Ed25519 signature of exactly the body's bytes:
//   {"pop":"pop-a","group":"g1","rtt_ms":12.5,"loss":0.0,"sent":5,"received":5,"seq":7,"sent_at_ms":1765000000000}
//   3f09...(128 hex digits)
// The signature covers the bytes as received, so no JSON canonical form is needed. An unsigned
// report (only for a controller run with --accept-unsigned-reports) is the body alone.
struct ProbeReportFrame {
  std::string body;
  std::string signature_hex;  // empty: unsigned
};

std::string EncodeProbeReportBody(const RoutingCatalog& catalog, const ProbeReport& report);
Bytes EncodeProbeReportFrame(const ProbeReportFrame& frame);
// nullopt for an oversized datagram or a second line that is not 128 hex digits.
std::optional<ProbeReportFrame> DecodeProbeReportFrame(const Bytes& payload);

// What a body says, before anyone checks who sent it.
struct DecodedProbeReport {
  enum class Status { kOk, kMalformed, kUnknownPop };
  Status status = Status::kMalformed;
  std::string pop_id;  // set for kOk and kUnknownPop
  ProbeReport report;  // set for kOk
};
// kUnknownPop: well formed, but the PoP is not in the catalog. kMalformed: anything else wrong
// (not JSON, a field missing or of the wrong type, out of range, an unknown group).
DecodedProbeReport DecodeProbeReportBody(const RoutingCatalog& catalog, const std::string& body);

}  // namespace cdnlab
