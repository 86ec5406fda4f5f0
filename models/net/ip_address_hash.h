#pragma once
// Hashes of addresses and prefixes, for unordered containers on per-request paths (a std::map
// keyed by them compares variants and strings down the tree on every query).
#include <cstddef>
#include <cstdint>

#include "models/net/ip_address.h"

namespace cdnlab {

inline std::size_t HashAddressBits(AddressBits bits, std::uint64_t salt) {
  std::uint64_t h = static_cast<std::uint64_t>(bits) ^ (static_cast<std::uint64_t>(bits >> 64) * 0x9e3779b97f4a7c15ull);
  h ^= salt * 0xc2b2ae3d27d4eb4full;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return static_cast<std::size_t>(h);
}

struct IpAddressHash {
  std::size_t operator()(const IpAddress& a) const {
    return HashAddressBits(a.Bits(), static_cast<std::uint64_t>(a.Family()));
  }
};

struct IpPrefixHash {
  std::size_t operator()(const IpPrefix& p) const {
    return HashAddressBits(p.FirstBits(), (static_cast<std::uint64_t>(p.Family()) << 8) | p.Length());
  }
};

}  // namespace cdnlab
