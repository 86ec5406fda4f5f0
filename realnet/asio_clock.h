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
class AsioClock final : public Clock, public TimerScheduler {
 public:
  explicit AsioClock(boost::asio::io_context& io);
  ~AsioClock() override;

  SimTime Now() const override;
  TimerId ScheduleAfter(Duration delay, std::function<void()> callback) override;
  void Cancel(TimerId id) override;
  std::size_t Pending() const { return timers_.size(); }

 private:
  boost::asio::io_context& io_;
  std::chrono::steady_clock::time_point epoch_;
  std::map<TimerId, std::unique_ptr<boost::asio::steady_timer>> timers_;
  TimerId next_id_ = 1;
};

}  // namespace cdnlab
