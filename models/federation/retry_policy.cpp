#include "models/federation/retry_policy.h"

#include <algorithm>
#include <cmath>

namespace cdnlab {

Duration RetryPolicy::Backoff(int attempt, RandomSource& random) const {
  // In double nanoseconds so a large attempt count saturates at `max` instead of overflowing.
  const double grown = static_cast<double>(initial.count()) * std::pow(multiplier, std::max(attempt, 1) - 1);
  const double capped = std::isfinite(grown) ? std::min(grown, static_cast<double>(max.count()))
                                             : static_cast<double>(max.count());
  // One draw per call whatever the parameters, so changing jitter never shifts later draws.
  const double factor = random.Uniform(1.0 - jitter, 1.0 + jitter);
  return Duration(static_cast<Duration::rep>(std::llround(std::max(0.0, capped * factor))));
}

}  // namespace cdnlab
