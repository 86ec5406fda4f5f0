#include "models/federation/message.h"

namespace cdnlab {
namespace {

// One name per alternative, in the variant's order; the codec and the metrics use the same.
struct KindName {
  std::string operator()(const SubmitTrigger&) const { return "submit"; }
  std::string operator()(const CancelTrigger&) const { return "cancel"; }
  std::string operator()(const TriggerProgress&) const { return "progress"; }
  std::string operator()(const ProgressAck&) const { return "progress_ack"; }
  std::string operator()(const ApplyToServer&) const { return "apply"; }
  std::string operator()(const ServerResult&) const { return "result"; }
};

}  // namespace

std::string KindOf(const FederationMessage& message) { return std::visit(KindName{}, message); }

}  // namespace cdnlab
