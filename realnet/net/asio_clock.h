#pragma once
#include <chrono>
#include <map>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "models/ports/clock.h"
#include "models/ports/timer_scheduler.h"

namespace cdnlab {

// Clock and timers on a Boost.Asio io_context: monotonic time since construction, timers as
// steady_timers whose handlers run on the io_context's thread, like ns-3 events do in sim/.
//
// A callback runs only while its timer is still scheduled: once Cancel(id) returns, or once
// the clock is destroyed, it never runs, even when the timer had already expired and its
// completion was queued in the io_context (an io_context stopped, the clock and its users
// destroyed, then the io_context run again, as a restarted gateway does).
class AsioClock final : public Clock, public TimerScheduler {
 public:
  explicit AsioClock(boost::asio::io_context& io);
  ~AsioClock() override;

  SimTime Now() const override;
  TimerId ScheduleAfter(Duration delay, std::function<void()> callback) override;
  void Cancel(TimerId id) override;
  std::size_t Pending() const { return timers_->size(); }

 private:
  using Timers = std::map<TimerId, std::unique_ptr<boost::asio::steady_timer>>;

  boost::asio::io_context& io_;
  std::chrono::steady_clock::time_point epoch_;
  // Shared with the completion handlers only weakly: a handler that outlives the clock finds
  // it gone instead of touching freed memory.
  std::shared_ptr<Timers> timers_;
  TimerId next_id_ = 1;
};

}  // namespace cdnlab
