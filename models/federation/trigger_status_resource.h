#pragma once
#include <optional>
#include <vector>

#include "models/federation/trigger_command.h"

namespace cdnlab {

// The status resource a downstream CDN keeps for each accepted trigger command (RFC 8007
// Trigger Status Resource), as a state machine that only takes legal steps:
//   pending -> active -> complete     every targeted server acknowledged, no error
//                     -> processed    ran to the end, with errors (listed)
//   pending | active -> failed        nothing could be done (errors listed)
//   pending | active -> cancelling -> cancelled   (error "ecanceled" recorded)
// complete, processed, failed and cancelled are final. Every change moves mtime; final
// states set etime. An illegal step returns false and changes nothing.
class TriggerStatusResource {
 public:
  TriggerStatusResource(TriggerCommand command, SimTime now);
  // Rebuilds a resource in any state, exactly as stored (the journal's decoder); no step is checked.
  static TriggerStatusResource Restore(TriggerCommand command, TriggerStatus status, std::vector<TriggerError> errors,
                                       SimTime ctime, SimTime mtime, std::optional<SimTime> etime);

  bool Activate(SimTime now);
  bool Complete(SimTime now);
  bool Processed(SimTime now, std::vector<TriggerError> errors);
  bool Fail(SimTime now, std::vector<TriggerError> errors);
  bool RequestCancel(SimTime now);
  bool ConfirmCancelled(SimTime now);

  TriggerStatus Status() const { return status_; }
  bool Final() const;
  const TriggerCommand& Command() const { return command_; }
  const std::vector<TriggerError>& Errors() const { return errors_; }
  SimTime CreatedAt() const { return ctime_; }
  SimTime ModifiedAt() const { return mtime_; }
  std::optional<SimTime> FinishedAt() const { return etime_; }

 private:
  bool Move(std::initializer_list<TriggerStatus> from, TriggerStatus to, SimTime now);

  TriggerCommand command_;
  TriggerStatus status_ = TriggerStatus::kPending;
  std::vector<TriggerError> errors_;
  SimTime ctime_;
  SimTime mtime_;
  std::optional<SimTime> etime_;
};

}  // namespace cdnlab
