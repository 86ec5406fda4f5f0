#pragma once
#include "models/core/sim_time.h"

namespace cdnlab {

// The current time of the runtime a model runs in (ns-3 virtual time or a monotonic clock).
class Clock {
 public:
  virtual ~Clock() = default;
  virtual SimTime Now() const = 0;
};

}  // namespace cdnlab
