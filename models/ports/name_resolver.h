#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/core/sim_time.h"
#include "models/net/ip_address.h"

namespace cdnlab {

enum class DnsRcode : std::uint8_t { kNoError = 0, kFormErr = 1, kServFail = 2, kNxDomain = 3, kNotImp = 4, kRefused = 5 };

struct ResolveResult {
  DnsRcode rcode = DnsRcode::kServFail;
  std::vector<Ipv4Address> addresses;   // A records (asked by an IPv4 client)
  std::vector<Ipv6Address> addresses6;  // AAAA records (asked by an IPv6 client)
  Duration ttl{0};
  bool timed_out = false;
};

// The stub resolver of a client host: asks the client's configured recursive resolver.
class NameResolver {
 public:
  using Done = std::function<void(const ResolveResult&)>;
  virtual ~NameResolver() = default;
  // Asks for A records when `client` is an IPv4 address and AAAA when it is IPv6 (the client
  // uses the family it sends from). `done` is called exactly once, also on timeout.
  virtual void Resolve(const IpAddress& client, const std::string& hostname, Done done) = 0;
};

}  // namespace cdnlab
