#include "realnet/routing/probe_report_verifier.h"

#include <stdexcept>

#include "realnet/routing/probe_report_codec.h"

namespace cdnlab {

const char* ReportRefusalName(ReportRefusal refusal) {
  switch (refusal) {
    case ReportRefusal::kMalformed: return "malformed";
    case ReportRefusal::kUnknownPop: return "unknown_pop";
    case ReportRefusal::kUnsigned: return "unsigned";
    case ReportRefusal::kForged: return "forged";
    case ReportRefusal::kStale: return "stale";
    case ReportRefusal::kReplayed: return "replayed";
  }
  return "malformed";
}

ProbeReportVerifier::ProbeReportVerifier(const RoutingCatalog& catalog, ProbeReportVerifierConfig config)
    : catalog_(catalog), config_(std::move(config)), last_sequence_(catalog.pops.size()) {
  bool any_key = false;
  for (const auto& pop : catalog_.pops) any_key = any_key || config_.pop_keys.Knows(pop.id);
  if (!any_key && !config_.accept_unsigned) {
    throw std::invalid_argument("no PoP has a public key and unsigned reports are not accepted: every probe report "
                                "would be refused");
  }
  if (config_.max_skew_ms < 0) throw std::invalid_argument("negative clock skew for probe reports");
}

void ProbeReportVerifier::SetPopKeys(FederationIdentity pop_keys) {
  ProbeReportVerifierConfig config = config_;
  config.pop_keys = std::move(pop_keys);
  ProbeReportVerifier checked(catalog_, config);  // the constructor's checks, before anything changes
  config_ = std::move(config);
}

ReportVerdict ProbeReportVerifier::Check(const Bytes& payload, std::int64_t now_unix_ms) {
  const auto frame = DecodeProbeReportFrame(payload);
  if (!frame) return Refuse(ReportRefusal::kMalformed);
  const DecodedProbeReport decoded = DecodeProbeReportBody(catalog_, frame->body);
  if (decoded.status == DecodedProbeReport::Status::kMalformed) return Refuse(ReportRefusal::kMalformed);
  if (decoded.status == DecodedProbeReport::Status::kUnknownPop) return Refuse(ReportRefusal::kUnknownPop);
  const bool has_key = config_.pop_keys.Knows(decoded.pop_id);
  if (frame->signature_hex.empty()) {
    if (has_key || !config_.accept_unsigned) return Refuse(ReportRefusal::kUnsigned);
  } else {
    if (!has_key) return Refuse(ReportRefusal::kUnknownPop);
    if (!config_.pop_keys.Verify(decoded.pop_id, frame->body, frame->signature_hex)) {
      return Refuse(ReportRefusal::kForged);
    }
  }
  // Checked after the signature, so a forgery is counted as one whatever time it claims.
  const ProbeReport& r = decoded.report;
  // Compared without subtracting the sender's number from ours: hostile values cannot overflow.
  if (r.sent_at_ms < now_unix_ms - config_.max_skew_ms || r.sent_at_ms > now_unix_ms + config_.max_skew_ms) {
    return Refuse(ReportRefusal::kStale);
  }
  std::optional<std::uint64_t>& last = last_sequence_.at(r.outcome.pop);
  if (last && r.sequence <= *last) return Refuse(ReportRefusal::kReplayed);
  last = r.sequence;
  return ReportVerdict{r.outcome, ReportRefusal::kMalformed};
}

}  // namespace cdnlab
