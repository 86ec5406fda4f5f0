#pragma once
// The baseline of the scale benchmarks: the ns-3 scheduler alone. `pending` self-rescheduling
// events (about as many as the measured run keeps queued) run until `events` have executed.
#include <cstddef>
#include <cstdint>

#include <ns3/nstime.h>
#include <ns3/simulator.h>

#include "bench/run_measures.h"

namespace cdnlab::bench {

class BareSchedulerLoop {
 public:
  BareSchedulerLoop(std::uint64_t events, std::size_t pending) : left_(events), pending_(pending) {}
  // Wall seconds of the loop.
  double Run() {
    const auto started = WallClock::now();
    for (std::size_t i = 0; i < pending_; ++i) ns3::Simulator::Schedule(ns3::MicroSeconds(Next()), &BareSchedulerLoop::Tick, this);
    ns3::Simulator::Run();
    const double wall = Since(started);
    executed_ = ns3::Simulator::GetEventCount();
    ns3::Simulator::Destroy();
    return wall;
  }
  std::uint64_t Executed() const { return executed_; }

 private:
  std::uint64_t Next() {  // xorshift delays in [1, 1e6) us: the queue stays mixed like a real run's
    state_ ^= state_ << 13, state_ ^= state_ >> 7, state_ ^= state_ << 17;
    return 1 + state_ % 999999;
  }
  void Tick() {
    if (left_ == 0) return;
    --left_;
    ns3::Simulator::Schedule(ns3::MicroSeconds(Next()), &BareSchedulerLoop::Tick, this);
  }
  std::uint64_t left_;
  std::size_t pending_;
  std::uint64_t state_ = 88172645463325252ull;
  std::uint64_t executed_ = 0;
};

}  // namespace cdnlab::bench
