#include "realnet/net/unix_time_clock.h"

#include <chrono>

namespace cdnlab {

UnixTimeClock::UnixTimeClock(AsioClock& base)
    : base_(base),
      offset_(std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch()) - base.Now()) {}

std::int64_t UnixTimeClock::UnixSeconds() const {
  return std::chrono::duration_cast<std::chrono::seconds>(Now()).count();
}

}  // namespace cdnlab
