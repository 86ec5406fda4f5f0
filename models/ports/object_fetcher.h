#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "models/core/sim_time.h"
#include "models/net/endpoint.h"

namespace cdnlab {

struct FetchResult {
  bool ok = false;
  std::uint64_t bytes = 0;
  Duration elapsed{0};  // from connection start to the last byte
  // From the request leaving to the first byte of the response (Resource Timing's
  // responseStart - requestStart, about one round trip); absent when no byte arrived or the
  // fetcher cannot tell.
  std::optional<Duration> request_to_first_byte;
  std::string error;    // empty when ok
};

// Downloads an object of a given size from a server over a reliable stream (TCP).
// ns-3 runs a real TCP exchange; a fast mode may compute the time from the topology.
class ObjectFetcher {
 public:
  using Done = std::function<void(const FetchResult&)>;
  virtual ~ObjectFetcher() = default;
  // `client` is the host that downloads; `server` the address and port answered by DNS, of
  // the client's family. `done` is called exactly once, also on failure or timeout.
  virtual void Fetch(const IpAddress& client, const Endpoint& server, std::uint64_t bytes, Done done) = 0;
};

}  // namespace cdnlab
