#include "models/routing/pop_health_checker.h"

#include <stdexcept>

namespace cdnlab {

PopHealthChecker::PopHealthChecker(std::size_t pops, Duration interval, Poll answers, TimerScheduler& timers)
    : interval_(interval), answers_(std::move(answers)), timers_(timers), up_(pops, true) {
  if (interval_ <= Duration::zero()) throw std::invalid_argument("PopHealthChecker: interval must be > 0");
}

PopHealthChecker::~PopHealthChecker() { Stop(); }

void PopHealthChecker::Start() {
  PollNow();
  timer_ = timers_.ScheduleAfter(interval_, [this] {
    timer_.reset();
    Start();
  });
}

void PopHealthChecker::Stop() {
  if (timer_) timers_.Cancel(*timer_);
  timer_.reset();
}

void PopHealthChecker::PollNow() {
  bool changed = false;
  for (PopIndex p = 0; p < up_.size(); ++p) {
    const bool up = answers_(p);
    if (up != up_[p]) changed = true;
    up_[p] = up;
  }
  ++rounds_;
  if (changed && changed_) changed_();
}

}  // namespace cdnlab
