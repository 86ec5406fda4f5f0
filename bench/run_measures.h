#pragma once
// What every benchmark measures about itself: wall seconds since a start, and peak memory.
#include <chrono>

#include <sys/resource.h>

namespace cdnlab::bench {

using WallClock = std::chrono::steady_clock;

inline double Since(WallClock::time_point start) {
  return std::chrono::duration<double>(WallClock::now() - start).count();
}

// Peak resident set of this process so far, in MiB.
inline double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: kilobytes
}

}  // namespace cdnlab::bench
