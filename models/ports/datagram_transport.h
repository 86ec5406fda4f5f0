#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "models/net/endpoint.h"

namespace cdnlab {

using Bytes = std::vector<std::uint8_t>;

// Unreliable datagrams between hosts of the runtime (UDP in ns-3 and on real sockets).
// A fast mode may implement it by scheduling delivery after a delay computed from the
// topology; models cannot tell the difference, which is the point.
class DatagramTransport {
 public:
  using ReceiveHandler = std::function<void(const Endpoint& from, const Bytes& payload)>;

  virtual ~DatagramTransport() = default;
  // Starts delivering datagrams addressed to `local`. `local.address` must belong to a
  // host of the runtime; binding the same endpoint twice is a programming error.
  virtual void Bind(const Endpoint& local, ReceiveHandler handler) = 0;
  virtual void Unbind(const Endpoint& local) = 0;
  // Sends from a bound endpoint. Delivery is not guaranteed (loss, failed hosts).
  virtual void Send(const Endpoint& from, const Endpoint& to, Bytes payload) = 0;
};

}  // namespace cdnlab
