#pragma once
// Exponential backoff with bounded jitter for every retransmission in the federation:
// attempt n waits initial * multiplier^(n-1), capped at `max`, times a factor drawn
// uniformly from [1 - jitter, 1 + jitter] (seeded, so a run is reproducible).
#include "models/core/sim_time.h"
#include "models/ports/random_source.h"

namespace cdnlab {

struct RetryPolicy {
  Duration initial = FromMillis(250);
  double multiplier = 2.0;
  Duration max = FromSeconds(4);
  int max_attempts = 12;        // sends before a target is given up (reported as ecdn)
  double jitter = 0.1;
  Duration poll_interval = FromSeconds(2);   // re-poll of an accepted downstream command
  Duration give_up_after = FromSeconds(120); // silence after which a downstream is given up

  // The wait before attempt `attempt + 1`, after `attempt` >= 1 sends.
  Duration Backoff(int attempt, RandomSource& random) const;
};

}  // namespace cdnlab
