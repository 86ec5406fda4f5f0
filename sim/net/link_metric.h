#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>

namespace cdnlab {

// The routing metric of a link with this one-way delay: hundredths of a millisecond, so
// routing tells 0.01 ms apart; clamped to ns-3's 16-bit interface metric. Both runtimes route
// by it, so the flow runtime takes the paths ns-3 global routing takes.
inline std::uint16_t RoutingMetricFor(double delay_ms) {
  return static_cast<std::uint16_t>(std::clamp(std::ceil(delay_ms * 100), 1.0, 65535.0));
}

}  // namespace cdnlab
