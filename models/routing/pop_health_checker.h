#pragma once
// The health checker an operator runs beside a geo DNS (Apache Traffic Control's Traffic
// Monitor polling caches for Traffic Router): every interval it asks each PoP whether it
// answers, and a PoP that did not answer its last poll is down until a poll answers again.
// What it knows is only what it saw at its polls, so a failure is learnt at most one
// interval late, never early.
#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "models/core/sim_time.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/catalog.h"

namespace cdnlab {

class PopHealthChecker {
 public:
  // answers(p): does PoP p answer a health poll right now (the runtime's view of it).
  using Poll = std::function<bool(PopIndex)>;
  // Called after a poll round that changed some PoP's state (so rankings can be redone).
  using Changed = std::function<void()>;

  // interval must be > 0 (throws std::invalid_argument). Every PoP is up until polled.
  PopHealthChecker(std::size_t pops, Duration interval, Poll answers, TimerScheduler& timers);
  ~PopHealthChecker();
  void OnChange(Changed changed) { changed_ = std::move(changed); }

  void Start();  // polls now, then every interval
  void Stop();
  void PollNow();

  bool Up(PopIndex p) const { return up_.at(p); }
  std::size_t PollRounds() const { return rounds_; }

 private:
  Duration interval_;
  Poll answers_;
  TimerScheduler& timers_;
  Changed changed_;
  std::vector<bool> up_;
  std::size_t rounds_ = 0;
  std::optional<TimerId> timer_;
};

}  // namespace cdnlab
