#pragma once
#include <cstdint>
#include <vector>

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
  // A pending timer's event, in a slot reused once the timer fired or was cancelled. A
  // TimerId is the slot (plus one, so never 0) and the slot's generation: an id of an earlier
  // use of the slot matches nothing, so cancelling it is a no-op. Slots instead of a hash map
  // by event uid: 100,000-viewer runs schedule and cancel timers millions of times.
  struct Slot {
    ns3::EventId event;
    std::uint32_t generation = 0;
    bool pending = false;
  };
  // The slot `id` names while its timer is pending, else nullptr.
  Slot* Pending(TimerId id);
  void Release(TimerId id);

  // The clock must outlive the simulation run (Simulator::Destroy) that holds its events.
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
};

}  // namespace cdnlab
