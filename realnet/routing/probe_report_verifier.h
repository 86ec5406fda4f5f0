#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "models/federation/identity.h"
#include "models/routing/catalog.h"
#include "models/routing/probe_agent.h"
#include "models/ports/datagram_transport.h"

namespace cdnlab {

// Why the controller refused a probe report.
enum class ReportRefusal {
  kMalformed,   // not a report: bad framing, JSON, field or range, unknown group, oversized
  kUnknownPop,  // names a PoP the scenario or the key file does not list
  kUnsigned,    // no signature, and unsigned reports are not accepted (or the PoP has a key)
  kForged,      // the signature does not verify: wrong key, or the body was altered
  kStale,       // sent_at_ms further from the controller's clock than the allowed skew
  kReplayed,    // sequence number not above the last one accepted from that PoP
};
constexpr std::array<ReportRefusal, 6> kReportRefusals = {ReportRefusal::kMalformed, ReportRefusal::kUnknownPop,
                                                          ReportRefusal::kUnsigned,  ReportRefusal::kForged,
                                                          ReportRefusal::kStale,     ReportRefusal::kReplayed};
// "malformed", "unknown_pop", "unsigned", "forged", "stale", "replayed" (metric labels, JSON keys).
const char* ReportRefusalName(ReportRefusal refusal);

struct ProbeReportVerifierConfig {
  FederationIdentity pop_keys;  // public keys, by PoP id
  // Take reports without a signature from PoPs that have no key (a lab or a migration;
  // a PoP with a key must always sign).
  bool accept_unsigned = false;
  std::int64_t max_skew_ms = 30000;  // |controller's clock - sent_at_ms| allowed
};

struct ReportVerdict {
  std::optional<ProbeOutcome> accepted;
  ReportRefusal refusal = ReportRefusal::kMalformed;  // meaningful when !accepted
};

// The controller's gate for probe reports: decodes, finds the PoP's key, verifies the
// signature over the exact bytes received, then the time window, then the sequence number.
// Only an accepted report moves the PoP's last sequence number, so nothing refused changes
// any state. Per-PoP state is one number per catalog PoP: bounded whatever arrives.
class ProbeReportVerifier {
 public:
  // Throws std::invalid_argument when no report could ever be accepted (no key, unsigned refused).
  ProbeReportVerifier(const RoutingCatalog& catalog, ProbeReportVerifierConfig config);
  ReportVerdict Check(const Bytes& payload, std::int64_t now_unix_ms);

  // New PoP keys (a reloaded --pop-keys file): a PoP dropped from it is refused as unknown from
  // now on, a PoP added is accepted; the sequence numbers seen stay. Throws like the
  // constructor, and then changes nothing.
  void SetPopKeys(FederationIdentity pop_keys);
  // True when a report from `pop` could be accepted: it has a key, or unsigned reports are taken.
  bool MayReport(const std::string& pop) const { return config_.accept_unsigned || config_.pop_keys.Knows(pop); }
  // The last sequence number accepted from a PoP. Kept across a controller restart, so that a
  // report captured before the restart cannot be replayed after it.
  std::optional<std::uint64_t> LastSequence(PopIndex pop) const { return last_sequence_.at(pop); }
  void RestoreLastSequence(PopIndex pop, std::uint64_t sequence) { last_sequence_.at(pop) = sequence; }

 private:
  ReportVerdict Refuse(ReportRefusal why) const { return ReportVerdict{std::nullopt, why}; }

  const RoutingCatalog& catalog_;
  ProbeReportVerifierConfig config_;
  std::vector<std::optional<std::uint64_t>> last_sequence_;  // by PopIndex
};

}  // namespace cdnlab
