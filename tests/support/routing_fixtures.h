#pragma once
// Small hand-built worlds for unit tests of models/routing.
#include <initializer_list>

#include "models/routing/catalog.h"

namespace cdnlab::testing {

inline Ipv4Address Addr(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return Ipv4Address{(std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) | (std::uint32_t{c} << 8) | d};
}

// An IPv6 address from its leading 16-bit groups (the rest zero): Addr6({0x2001, 0xdb8, 1}).
inline Ipv6Address Addr6(std::initializer_list<std::uint16_t> groups, std::uint16_t last = 0) {
  Ipv6Address a;
  std::size_t i = 0;
  for (std::uint16_t g : groups) {
    a.bytes[i++] = static_cast<std::uint8_t>(g >> 8);
    a.bytes[i++] = static_cast<std::uint8_t>(g & 0xFF);
  }
  a.bytes[14] = static_cast<std::uint8_t>(last >> 8);
  a.bytes[15] = static_cast<std::uint8_t>(last & 0xFF);
  return a;
}

// Three PoPs (New York, London, Tokyo; two servers each) and three groups near each,
// behind two resolvers: r0 (sends client subnet) for groups 0 and 1, r1 (does not) for group 2.
inline RoutingCatalog ThreePopCatalog() {
  RoutingCatalog c;
  c.pops = {
      {"nyc", {40.71, -74.01}, {Addr(100, 64, 0, 1), Addr(100, 64, 0, 5)}, 100},
      {"lon", {51.51, -0.13}, {Addr(100, 64, 1, 1), Addr(100, 64, 1, 5)}, 100},
      {"tyo", {35.68, 139.69}, {Addr(100, 64, 2, 1), Addr(100, 64, 2, 5)}, 100},
  };
  c.resolvers = {
      {"r0", Addr(100, 65, 0, 1), {45, -30}, true},
      {"r1", Addr(100, 65, 1, 1), {35, 135}, false},
  };
  c.groups = {
      {"boston", Ipv4Prefix{Addr(10, 1, 0, 0), 24}, Addr(10, 1, 0, 1), {42.36, -71.06}, 3000, 0},
      {"paris", Ipv4Prefix{Addr(10, 2, 0, 0), 24}, Addr(10, 2, 0, 1), {48.86, 2.35}, 1000, 0},
      {"osaka", Ipv4Prefix{Addr(10, 3, 0, 0), 24}, Addr(10, 3, 0, 1), {34.69, 135.50}, 2000, 1},
  };
  return c;
}

}  // namespace cdnlab::testing
