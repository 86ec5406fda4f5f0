#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/core/sim_time.h"
#include "models/net/ipv4.h"

namespace cdnlab {

enum class DnsRcode : std::uint8_t { kNoError = 0, kFormErr = 1, kServFail = 2, kNxDomain = 3, kNotImp = 4, kRefused = 5 };

struct ResolveResult {
  DnsRcode rcode = DnsRcode::kServFail;
  std::vector<Ipv4Address> addresses;
  Duration ttl{0};
  bool timed_out = false;
};

// The stub resolver of a client host: asks the client's configured recursive resolver.
class NameResolver {
 public:
  using Done = std::function<void(const ResolveResult&)>;
  virtual ~NameResolver() = default;
  // `done` is called exactly once, also on timeout.
  virtual void Resolve(Ipv4Address client, const std::string& hostname, Done done) = 0;
};

}  // namespace cdnlab
