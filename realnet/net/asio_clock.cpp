#include "realnet/net/asio_clock.h"

#include <boost/asio/post.hpp>

namespace cdnlab {

AsioClock::AsioClock(boost::asio::io_context& io)
    : io_(io), epoch_(std::chrono::steady_clock::now()), timers_(std::make_shared<Timers>()) {}

AsioClock::~AsioClock() {
  // Pending waits complete with operation_aborted; waits that already expired (completion
  // queued, not yet run) find the timer map gone and do nothing.
  for (auto& [id, timer] : *timers_) timer->cancel();
}

SimTime AsioClock::Now() const {
  return std::chrono::duration_cast<SimTime>(std::chrono::steady_clock::now() - epoch_);
}

TimerId AsioClock::ScheduleAfter(Duration delay, std::function<void()> callback) {
  const TimerId id = next_id_++;
  auto timer = std::make_unique<boost::asio::steady_timer>(io_);
  timer->expires_after(delay < Duration::zero() ? Duration::zero() : delay);
  timer->async_wait([weak = std::weak_ptr<Timers>(timers_), id, cb = std::move(callback)](
                        const boost::system::error_code& ec) {
    if (ec) return;  // cancelled: the timer may already be gone
    // Not `this`: the clock may be gone (destroyed while this completion waited in the queue).
    const std::shared_ptr<Timers> timers = weak.lock();
    if (!timers) return;
    // Cancelled after it expired but before this ran: the cancel wins, as callers expect.
    auto it = timers->find(id);
    if (it == timers->end()) return;
    timers->erase(it);
    cb();
  });
  (*timers_)[id] = std::move(timer);
  return id;
}

void AsioClock::Cancel(TimerId id) {
  auto it = timers_->find(id);
  if (it == timers_->end()) return;
  it->second->cancel();
  // The cancelled handler still runs once (with operation_aborted), so the timer object
  // must outlive it: hand it to a posted task that drops it afterwards.
  std::shared_ptr<boost::asio::steady_timer> keep(std::move(it->second));
  timers_->erase(it);
  boost::asio::post(io_, [keep] {});
}

}  // namespace cdnlab
