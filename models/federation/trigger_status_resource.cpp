#include "models/federation/trigger_status_resource.h"

#include <algorithm>

namespace cdnlab {

TriggerStatusResource::TriggerStatusResource(TriggerCommand command, SimTime now)
    : command_(std::move(command)), ctime_(now), mtime_(now) {}

TriggerStatusResource TriggerStatusResource::Restore(TriggerCommand command, TriggerStatus status,
                                                     std::vector<TriggerError> errors, SimTime ctime, SimTime mtime,
                                                     std::optional<SimTime> etime) {
  TriggerStatusResource r(std::move(command), ctime);
  r.status_ = status;
  r.errors_ = std::move(errors);
  r.mtime_ = mtime;
  r.etime_ = etime;
  return r;
}

bool TriggerStatusResource::Final() const {
  return status_ == TriggerStatus::kComplete || status_ == TriggerStatus::kProcessed ||
         status_ == TriggerStatus::kFailed || status_ == TriggerStatus::kCancelled;
}

bool TriggerStatusResource::Move(std::initializer_list<TriggerStatus> from, TriggerStatus to, SimTime now) {
  if (std::find(from.begin(), from.end(), status_) == from.end()) return false;
  status_ = to;
  mtime_ = std::max(now, mtime_);  // a clock that steps back must not make mtime go backwards
  if (Final()) etime_ = mtime_;
  return true;
}

bool TriggerStatusResource::Activate(SimTime now) { return Move({TriggerStatus::kPending}, TriggerStatus::kActive, now); }

bool TriggerStatusResource::Complete(SimTime now) {
  return Move({TriggerStatus::kActive}, TriggerStatus::kComplete, now);
}

bool TriggerStatusResource::Processed(SimTime now, std::vector<TriggerError> errors) {
  if (errors.empty()) return false;  // without errors it is "complete"
  if (!Move({TriggerStatus::kActive}, TriggerStatus::kProcessed, now)) return false;
  errors_ = std::move(errors);
  return true;
}

bool TriggerStatusResource::Fail(SimTime now, std::vector<TriggerError> errors) {
  if (errors.empty()) return false;  // a failure always says why
  if (!Move({TriggerStatus::kPending, TriggerStatus::kActive}, TriggerStatus::kFailed, now)) return false;
  errors_ = std::move(errors);
  return true;
}

bool TriggerStatusResource::RequestCancel(SimTime now) {
  return Move({TriggerStatus::kPending, TriggerStatus::kActive}, TriggerStatus::kCancelling, now);
}

bool TriggerStatusResource::ConfirmCancelled(SimTime now) {
  if (!Move({TriggerStatus::kCancelling}, TriggerStatus::kCancelled, now)) return false;
  TriggerError e;
  e.code = TriggerErrorCode::kEcanceled;
  e.description = "cancelled by the upstream CDN";
  errors_.push_back(e);
  return true;
}

}  // namespace cdnlab
