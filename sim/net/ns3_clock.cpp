#include "sim/net/ns3_clock.h"

#include <ns3/simulator.h>

namespace cdnlab {

SimTime Ns3Clock::Now() const { return SimTime(ns3::Simulator::Now().GetNanoSeconds()); }

TimerId Ns3Clock::ScheduleAfter(Duration delay, std::function<void()> callback) {
  if (delay < Duration::zero()) delay = Duration::zero();
  std::uint32_t index = 0;
  if (free_.empty()) {
    index = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    index = free_.back();
    free_.pop_back();
  }
  Slot& slot = slots_[index];
  ++slot.generation;
  slot.pending = true;
  const TimerId id = (TimerId{slot.generation} << 32) | (TimerId{index} + 1);
  slot.event = ns3::Simulator::Schedule(ns3::NanoSeconds(delay.count()), [this, id, cb = std::move(callback)] {
    Release(id);
    cb();
  });
  return id;
}

void Ns3Clock::Cancel(TimerId id) {
  Slot* slot = Pending(id);
  if (slot == nullptr) return;
  ns3::Simulator::Cancel(slot->event);
  Release(id);
}

Ns3Clock::Slot* Ns3Clock::Pending(TimerId id) {
  const TimerId index = (id & 0xffffffffu) - 1;
  if (index >= slots_.size()) return nullptr;
  Slot& slot = slots_[index];
  return slot.pending && slot.generation == static_cast<std::uint32_t>(id >> 32) ? &slot : nullptr;
}

void Ns3Clock::Release(TimerId id) {
  Slot* slot = Pending(id);
  if (slot == nullptr) return;
  slot->pending = false;
  slot->event = ns3::EventId();
  free_.push_back(static_cast<std::uint32_t>((id & 0xffffffffu) - 1));
}

}  // namespace cdnlab
