#include "sim/net/ns3_clock.h"

#include <memory>

#include <ns3/simulator.h>

namespace cdnlab {

SimTime Ns3Clock::Now() const { return SimTime(ns3::Simulator::Now().GetNanoSeconds()); }

TimerId Ns3Clock::ScheduleAfter(Duration delay, std::function<void()> callback) {
  if (delay < Duration::zero()) delay = Duration::zero();
  auto id = std::make_shared<TimerId>(0);
  ns3::EventId event = ns3::Simulator::Schedule(ns3::NanoSeconds(delay.count()), [this, id, cb = std::move(callback)] {
    pending_.erase(*id);
    cb();
  });
  *id = event.GetUid();
  pending_[*id] = event;
  return *id;
}

void Ns3Clock::Cancel(TimerId id) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return;
  ns3::Simulator::Cancel(it->second);
  pending_.erase(it);
}

}  // namespace cdnlab
