#include "models/routing/group_arrivals.h"

#include <algorithm>
#include <utility>

namespace cdnlab {

GroupArrivals::GroupArrivals(std::size_t groups, GroupArrivalsConfig config, Clock& clock, TimerScheduler& timers,
                             RandomSource& random, OnArrival on_arrival)
    : config_(config), clock_(clock), timers_(timers), random_(random), on_arrival_(std::move(on_arrival)),
      next_(groups) {}

GroupArrivals::~GroupArrivals() { Stop(); }

void GroupArrivals::Start() {
  if (config_.per_group_per_min <= 0) return;
  for (GroupIndex g = 0; g < next_.size(); ++g) ScheduleNext(g);
}

void GroupArrivals::Stop() {
  for (auto& t : next_) {
    if (t) timers_.Cancel(*t);
    t.reset();
  }
}

void GroupArrivals::ScheduleNext(GroupIndex g) {
  const double mean_gap_s = 60.0 / config_.per_group_per_min;
  const SimTime from = std::max(clock_.Now(), config_.start_at);
  const SimTime at = from + FromSeconds(random_.Exponential(mean_gap_s));
  if (at >= config_.stop_at) return;
  next_[g] = timers_.ScheduleAfter(at - clock_.Now(), [this, g] {
    next_[g].reset();
    on_arrival_(g);
    ScheduleNext(g);
  });
}

}  // namespace cdnlab
