#include "realnet/routing/probe_report_signer.h"

#include "realnet/routing/probe_report_codec.h"

namespace cdnlab {

ProbeReportSigner::ProbeReportSigner(const RoutingCatalog& catalog, const std::string& pop_id,
                                     const std::optional<std::string>& secret, std::uint64_t first_sequence)
    : catalog_(catalog), pop_id_(pop_id), next_sequence_(first_sequence) {
  if (secret) {
    identity_.AddParticipant(pop_id_, *secret);
    signs_ = true;
  }
}

Bytes ProbeReportSigner::Seal(const ProbeOutcome& outcome, std::int64_t now_unix_ms) {
  ProbeReportFrame frame;
  frame.body = EncodeProbeReportBody(catalog_, ProbeReport{outcome, next_sequence_++, now_unix_ms});
  if (signs_) frame.signature_hex = identity_.Sign(pop_id_, frame.body).value_or("");
  return EncodeProbeReportFrame(frame);
}

std::string ProbeReportSigner::PublicKeyHex() const { return identity_.PublicKeyHex(pop_id_).value_or(""); }

}  // namespace cdnlab
