#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/random_source.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/catalog.h"

namespace cdnlab {

struct GroupArrivalsConfig {
  double per_group_per_min = 6;  // mean arrivals per client group per minute
  SimTime start_at{0};           // the first arrival of each group is drawn from here (or from now, if later)
  SimTime stop_at = std::chrono::seconds(300);  // no arrival at or after this
};

// Poisson arrivals for every client group, each group on its own: an exponential gap (mean
// 60 / per_group_per_min seconds) after max(now, start_at), then after each arrival. The
// workloads of users (downloads, RUM page views) hear each arrival before the next is drawn,
// so their own random draws interleave the same way run after run.
class GroupArrivals {
 public:
  using OnArrival = std::function<void(GroupIndex)>;
  GroupArrivals(std::size_t groups, GroupArrivalsConfig config, Clock& clock, TimerScheduler& timers,
                RandomSource& random, OnArrival on_arrival);
  ~GroupArrivals();
  GroupArrivals(const GroupArrivals&) = delete;
  GroupArrivals& operator=(const GroupArrivals&) = delete;

  void Start();  // draws every group's first arrival, in group order; does nothing if the rate is not positive
  void Stop();   // cancels the pending arrivals

 private:
  void ScheduleNext(GroupIndex g);

  GroupArrivalsConfig config_;
  Clock& clock_;
  TimerScheduler& timers_;
  RandomSource& random_;
  OnArrival on_arrival_;
  std::vector<std::optional<TimerId>> next_;
};

}  // namespace cdnlab
