#pragma once
// Simulated-time progress for long runs: while ns-3 runs, a callback hears the simulated time
// every `every_s` simulated seconds (the CLI draws a progress bar from it). The ticks touch no
// model state, so results are the same with or without them.
#include <functional>

#include <ns3/simulator.h>

namespace cdnlab {

using SimProgress = std::function<void(double simulated_s)>;

// Schedules the ticks on ns-3's simulator (call after it is set up, before Run); nothing
// when `progress` is empty. They stop with the run (ns-3 drops events past Stop()).
inline void ScheduleSimProgress(const SimProgress& progress, double every_s) {
  if (!progress) return;
  struct Ticker {
    static void Tick(SimProgress progress, double every_s) {
      progress(ns3::Simulator::Now().GetSeconds());
      ns3::Simulator::Schedule(ns3::Seconds(every_s), &Ticker::Tick, progress, every_s);
    }
  };
  ns3::Simulator::Schedule(ns3::Seconds(0), &Ticker::Tick, progress, every_s);
}

}  // namespace cdnlab
