#pragma once
#include <cstddef>

#include "models/net/ipv4.h"

namespace cdnlab {

// Which of a PoP's `servers` answers for `key` (a client subnet or address): a stable spread
// of clients over the servers (Knuth multiplicative hash), so one client keeps hitting one
// server and its cache. Shared by every answerer of the mapping (cdnlab's own DNS, the Knot
// geoip config) so they pick the same server for the same key. `servers` must be > 0.
inline std::size_t ServerSlot(Ipv4Address key, std::size_t servers) {
  return static_cast<std::size_t>((key.value * 2654435761u) >> 8) % servers;
}

}  // namespace cdnlab
