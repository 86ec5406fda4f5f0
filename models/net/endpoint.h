#pragma once
// A transport endpoint of either family: where datagrams and streams go, in both runtimes.
#include <cstdint>
#include <string>

#include "models/net/ip_address.h"

namespace cdnlab {

struct Endpoint {
  IpAddress address;
  std::uint16_t port = 0;

  // The IPv4 address, for code that only speaks IPv4; throws std::invalid_argument naming
  // `where` for an IPv6 endpoint, so one never goes out as a wrong address.
  Ipv4Address RequireV4(const char* where) const;

  friend bool operator==(const Endpoint& a, const Endpoint& b) {
    return a.address == b.address && a.port == b.port;
  }
  friend bool operator!=(const Endpoint& a, const Endpoint& b) { return !(a == b); }
  friend bool operator<(const Endpoint& a, const Endpoint& b) {
    return a.address != b.address ? a.address < b.address : a.port < b.port;
  }
  std::string ToString() const;  // "a.b.c.d:port", "[2001:db8::1]:port"
};

}  // namespace cdnlab
