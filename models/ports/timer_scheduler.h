#pragma once
#include <cstdint>
#include <functional>

#include "models/core/sim_time.h"

namespace cdnlab {

using TimerId = std::uint64_t;

// One-shot timers. Callbacks run on the runtime's single event thread, never re-entrantly
// from ScheduleAfter itself, so a model may schedule from inside a callback.
class TimerScheduler {
 public:
  virtual ~TimerScheduler() = default;
  virtual TimerId ScheduleAfter(Duration delay, std::function<void()> callback) = 0;
  // Cancelling a timer that already fired or was cancelled is a no-op.
  virtual void Cancel(TimerId id) = 0;
};

}  // namespace cdnlab
