#pragma once
// IPv4 values as the policy core uses them: plain integers, no socket headers.
// Parsing text addresses is the loader's job (scenarios/), not the core's.
#include <cstdint>
#include <string>

namespace cdnlab {

struct Ipv4Address {
  std::uint32_t value = 0;  // host byte order

  friend bool operator==(Ipv4Address a, Ipv4Address b) { return a.value == b.value; }
  friend bool operator!=(Ipv4Address a, Ipv4Address b) { return a.value != b.value; }
  friend bool operator<(Ipv4Address a, Ipv4Address b) { return a.value < b.value; }
  std::string ToString() const;  // dotted quad
};

struct Ipv4Prefix {
  Ipv4Address network;  // host bits are zero
  std::uint8_t length = 0;

  static std::uint32_t MaskFor(std::uint8_t length) {
    return length == 0 ? 0u : ~std::uint32_t{0} << (32 - length);
  }
  // Builds a prefix, clearing host bits.
  static Ipv4Prefix Of(Ipv4Address address, std::uint8_t length) {
    return Ipv4Prefix{Ipv4Address{address.value & MaskFor(length)}, length};
  }
  bool Contains(Ipv4Address a) const { return (a.value & MaskFor(length)) == network.value; }
  bool Overlaps(const Ipv4Prefix& o) const {
    const std::uint8_t shorter = length < o.length ? length : o.length;
    return ((network.value ^ o.network.value) & MaskFor(shorter)) == 0;
  }
  // The n-th host address inside the prefix (n = 1 is the first usable one).
  Ipv4Address Host(std::uint32_t n) const { return Ipv4Address{network.value + n}; }

  friend bool operator==(const Ipv4Prefix& a, const Ipv4Prefix& b) {
    return a.network == b.network && a.length == b.length;
  }
  friend bool operator!=(const Ipv4Prefix& a, const Ipv4Prefix& b) { return !(a == b); }
  friend bool operator<(const Ipv4Prefix& a, const Ipv4Prefix& b) {
    return a.network != b.network ? a.network < b.network : a.length < b.length;
  }
  std::string ToString() const;  // "a.b.c.d/len"
};


}  // namespace cdnlab
