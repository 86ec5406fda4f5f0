#pragma once
#include <unordered_map>

#include <ns3/event-id.h>

#include "models/ports/clock.h"
#include "models/ports/timer_scheduler.h"

namespace cdnlab {

// Clock and timers on ns3::Simulator: virtual time, events in the simulator's queue.
class Ns3Clock final : public Clock, public TimerScheduler {
 public:
  SimTime Now() const override;
  TimerId ScheduleAfter(Duration delay, std::function<void()> callback) override;
  void Cancel(TimerId id) override;

 private:
  // Pending events by their ns-3 uid, which doubles as our TimerId. The clock must
  // outlive the simulation run (Simulator::Destroy) that holds its events.
  std::unordered_map<TimerId, ns3::EventId> pending_;
};

}  // namespace cdnlab
