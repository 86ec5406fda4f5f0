#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/net/endpoint.h"

namespace cdnlab {

using Bytes = std::vector<std::uint8_t>;

// Unreliable datagrams between hosts of the runtime (UDP in ns-3 and on real sockets).
// A fast mode may implement it by scheduling delivery after a delay computed from the
// topology; models cannot tell the difference, which is the point.
// What the host's network stack reported about a datagram it could not carry.
enum class DatagramError {
  kTooLarge,     // EMSGSIZE: larger than the socket or the path can take
  kRefused,      // ECONNREFUSED: ICMP port unreachable, nothing listens at the peer
  kUnreachable,  // EHOSTUNREACH / ENETUNREACH
  kOther,
};

struct DatagramFailure {
  Endpoint local;  // the bound endpoint that sent
  Endpoint peer;   // where the failed datagram was going
  DatagramError error = DatagramError::kOther;
  std::string detail;  // the system's words, for logs and status errors
};

class DatagramTransport {
 public:
  using ReceiveHandler = std::function<void(const Endpoint& from, const Bytes& payload)>;
  using ErrorHandler = std::function<void(const DatagramFailure& failure)>;

  virtual ~DatagramTransport() = default;
  // Starts delivering datagrams addressed to `local`. `local.address` must belong to a
  // host of the runtime; binding the same endpoint twice is a programming error.
  virtual void Bind(const Endpoint& local, ReceiveHandler handler) = 0;
  virtual void Unbind(const Endpoint& local) = 0;
  // Sends from a bound endpoint. Delivery is not guaranteed (loss, failed hosts).
  virtual void Send(const Endpoint& from, const Endpoint& to, Bytes payload) = 0;
  // Reports the errors the network stack returns for datagrams sent from `local` (which
  // must be bound), at send time or later (ICMP). It may run from inside Send(). Transports
  // that learn nothing (most simulated ones) keep this no-op default.
  virtual void OnError(const Endpoint& local, ErrorHandler handler) {
    (void)local;
    (void)handler;
  }
};

inline const char* ToString(DatagramError error) {
  switch (error) {
    case DatagramError::kTooLarge: return "datagram too large (EMSGSIZE)";
    case DatagramError::kRefused: return "connection refused (ECONNREFUSED)";
    case DatagramError::kUnreachable: return "host unreachable";
    case DatagramError::kOther: break;
  }
  return "send error";
}

}  // namespace cdnlab
