#pragma once
// A port: one node asks another for a playlist or a segment and gets the response (HTTP GET
// in realnet; a TCP exchange of the response's size in ns-3). `done` is called exactly once,
// with found = false on failure or timeout.
#include <functional>
#include <string>

#include "models/net/endpoint.h"
#include "models/net/ipv4.h"
#include "models/streaming/live_stream.h"

namespace cdnlab {

class ContentFetcher {
 public:
  using Done = std::function<void(const ContentResponse&)>;
  virtual ~ContentFetcher() = default;
  virtual void Fetch(const std::string& from_node, const Endpoint& to, const ContentKey& key, Done done) = 0;
};

}  // namespace cdnlab
