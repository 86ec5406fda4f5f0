#pragma once
// The request/response exchanges of the streaming simulation, whatever the fidelity: a
// playlist or segment GET, a segment upload. Packet fidelity carries them over ns-3 TCP
// (StreamingRpcClient/Server, sim/streaming/tcp_rpc.h); flow fidelity delivers each side
// after the path's delay plus its size over the path's bottleneck (sim/streaming/flow_rpc.h).
#include <any>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "models/core/sim_time.h"
#include "models/net/endpoint.h"

namespace cdnlab {

// One side of an exchange: its size on the wire (body bytes, header excluded) and meaning.
struct RpcMessage {
  std::uint64_t bytes = 0;
  std::any payload;
};

// The client end on one host.
class RpcClientPort {
 public:
  using Done = std::function<void(std::optional<RpcMessage> response)>;  // nullopt: failed
  virtual ~RpcClientPort() = default;
  // `done` is called exactly once, never from inside Call: with the response, or with nullopt
  // when the server refused, the connection broke, or `timeout` passed without the response.
  virtual void Call(const Endpoint& server, RpcMessage request, Duration timeout, Done done) = 0;
};

// Serves exchanges on (host, port). The handler answers each request exactly once, now or
// later, through `respond`; an answer after the server stopped (crashed) is dropped.
class RpcServerPort {
 public:
  using Respond = std::function<void(RpcMessage)>;
  using Handler = std::function<void(const RpcMessage& request, Respond respond)>;
  virtual ~RpcServerPort() = default;
  virtual void Start() = 0;
  virtual void Stop() = 0;  // a crashed server: the listener and every connection go
  virtual bool Running() const = 0;
  virtual std::uint64_t RequestsServed() const = 0;
};

// Makes both ends on the hosts of a streaming network.
class RpcEndpoints {
 public:
  virtual ~RpcEndpoints() = default;
  virtual std::unique_ptr<RpcClientPort> MakeClient(const std::string& host) = 0;
  virtual std::unique_ptr<RpcServerPort> MakeServer(const std::string& host, std::uint16_t port,
                                                    RpcServerPort::Handler handler) = 0;
};

}  // namespace cdnlab
