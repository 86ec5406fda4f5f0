#pragma once
// IPv6 values as the policy core uses them: sixteen bytes in network order, no socket headers.
// Parsing text is the loader's job (scenarios/core/ip_text.h).
#include <array>
#include <cstdint>
#include <string>

namespace cdnlab {

struct Ipv6Address {
  std::array<std::uint8_t, 16> bytes{};

  friend bool operator==(const Ipv6Address& a, const Ipv6Address& b) { return a.bytes == b.bytes; }
  friend bool operator!=(const Ipv6Address& a, const Ipv6Address& b) { return a.bytes != b.bytes; }
  friend bool operator<(const Ipv6Address& a, const Ipv6Address& b) { return a.bytes < b.bytes; }
  std::string ToString() const;  // RFC 5952: lower case, longest zero run as "::", ::ffff:a.b.c.d
};

struct Ipv6Prefix {
  Ipv6Address network;  // host bits are zero
  std::uint8_t length = 0;

  // Builds a prefix, clearing host bits.
  static Ipv6Prefix Of(const Ipv6Address& address, std::uint8_t length);
  bool Contains(const Ipv6Address& a) const { return Of(a, length).network == network; }
  bool Overlaps(const Ipv6Prefix& o) const {
    const std::uint8_t shorter = length < o.length ? length : o.length;
    return Of(network, shorter).network == Of(o.network, shorter).network;
  }

  friend bool operator==(const Ipv6Prefix& a, const Ipv6Prefix& b) {
    return a.network == b.network && a.length == b.length;
  }
  friend bool operator!=(const Ipv6Prefix& a, const Ipv6Prefix& b) { return !(a == b); }
  friend bool operator<(const Ipv6Prefix& a, const Ipv6Prefix& b) {
    return a.network != b.network ? a.network < b.network : a.length < b.length;
  }
  std::string ToString() const;  // "2001:db8::/32"
};

}  // namespace cdnlab
