#pragma once
// Time as the policy core sees it: nanoseconds since the start of a run.
// Both runtimes count from their own epoch (simulation start, or process start).
#include <chrono>
#include <cstdint>

namespace cdnlab {

using Duration = std::chrono::nanoseconds;
using SimTime = std::chrono::nanoseconds;

inline double ToSeconds(Duration d) { return std::chrono::duration<double>(d).count(); }
inline double ToMillis(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
inline Duration FromSeconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}
inline Duration FromMillis(double ms) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(ms));
}

}  // namespace cdnlab
