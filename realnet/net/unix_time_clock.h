#pragma once
#include "realnet/net/asio_clock.h"

namespace cdnlab {

// Time for models whose state outlives the process (a gateway's journal): SimTime counted
// from the Unix epoch instead of from process start, so ctime/mtime and "last heard" read
// back from a journal mean the same after a restart. Monotonic within a process (AsioClock
// plus the wall-clock offset taken once at construction); timers are AsioClock's.
class UnixTimeClock final : public Clock, public TimerScheduler {
 public:
  explicit UnixTimeClock(AsioClock& base);

  SimTime Now() const override { return base_.Now() + offset_; }
  TimerId ScheduleAfter(Duration delay, std::function<void()> callback) override {
    return base_.ScheduleAfter(delay, std::move(callback));
  }
  void Cancel(TimerId id) override { base_.Cancel(id); }
  // Whole seconds since the Unix epoch, now.
  std::int64_t UnixSeconds() const;

 private:
  AsioClock& base_;
  Duration offset_;
};

}  // namespace cdnlab
