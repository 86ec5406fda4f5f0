#pragma once
#include <cstddef>

#include "models/net/ip_address.h"

namespace cdnlab {

// Which of a PoP's `servers` answers for `key` (a client subnet or address): a stable spread
// of clients over the servers (Knuth multiplicative hash), so one client keeps hitting one
// server and its cache. Shared by every answerer of the mapping (cdnlab's own DNS, the Knot
// geoip config) so they pick the same server for the same key. `servers` must be > 0.
inline std::size_t ServerSlot(Ipv4Address key, std::size_t servers) {
  return static_cast<std::size_t>((key.value * 2654435761u) >> 8) % servers;
}
// An IPv6 key folds its 128 bits to 32 first (the /64 network part dominates client subnets).
inline std::size_t ServerSlot(const IpAddress& key, std::size_t servers) {
  if (key.IsV4()) return ServerSlot(key.V4(), servers);
  const AddressBits bits = key.Bits();
  const auto folded = static_cast<std::uint32_t>(bits ^ (bits >> 32) ^ (bits >> 64) ^ (bits >> 96));
  return ServerSlot(Ipv4Address{folded}, servers);
}

}  // namespace cdnlab
