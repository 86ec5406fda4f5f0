#pragma once
// Flow fidelity's exchanges: no sockets and no packets. A request reaches its server after the
// path's one-way delay plus its bytes over the path's bottleneck (FlowNetwork: the routes and
// link parameters ns-3 global routing would use); the response comes back the same way. What
// this leaves out, against packet fidelity's TCP: the handshake of a new connection, slow
// start, and queueing when transfers share a link (each transfer sees the bottleneck alone).
//
// Timeouts cost no event unless needed: a request whose server answers at once (a cache hit)
// knows when its answer lands, so only an answer that is late, lost or still pending arms the
// call's timeout.
//
// Failures follow TCP's: a request to a host that is unreachable (or becomes unreachable
// before the request lands), or whose server crashes after taking it, fails when `timeout`
// passes; a request to a reachable host with nothing listening (never, or no longer when the
// request lands: a crash) is refused after a round trip.
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>

#include "models/net/endpoint.h"
#include "models/net/ipv4.h"
#include "sim/flow/network.h"
#include "sim/streaming/rpc_ports.h"

namespace cdnlab {

class FlowRpcServer;
struct FlowRpcCall;  // one exchange in flight (flow_rpc.cpp)

// The servers listening, by endpoint, and the transfer times between hosts.
class FlowRpcFabric {
 public:
  static constexpr std::uint64_t kFrameHeaderBytes = 16;  // as packet fidelity's frame header

  explicit FlowRpcFabric(FlowNetwork& network) : network_(network) {}

  void Listen(const Endpoint& at, FlowRpcServer* server);
  void Unlisten(const Endpoint& at);
  FlowRpcServer* Find(const Endpoint& at) const;

  // One-way delay between two hosts in seconds; nullopt when no route joins them.
  std::optional<double> Delay(Ipv4Address from, Ipv4Address to);
  // Seconds for `bytes` of body (plus the frame header) to arrive; nullopt when no route.
  std::optional<double> TransferTime(Ipv4Address from, Ipv4Address to, std::uint64_t bytes);
  bool Unreachable(Ipv4Address host) const { return network_.HostUnreachable(host); }
  std::uint64_t ExchangesCompleted() const { return exchanges_; }
  void CountExchange() { ++exchanges_; }

 private:
  struct Path {
    bool reachable = false;
    double delay_s = 0;
    double bottleneck_bps = 0;
  };
  const Path& PathOf(Ipv4Address from, Ipv4Address to);

  FlowNetwork& network_;
  std::unordered_map<std::uint64_t, FlowRpcServer*> servers_;  // by Key(endpoint)
  std::unordered_map<std::uint64_t, Path> paths_;               // by (from, to): routes never change here
  std::uint64_t exchanges_ = 0;
};

class FlowRpcServer final : public RpcServerPort {
 public:
  FlowRpcServer(FlowRpcFabric& fabric, Endpoint at, Handler handler)
      : fabric_(fabric), at_(at), handler_(std::move(handler)) {}
  ~FlowRpcServer() override { Stop(); }
  void Start() override;
  void Stop() override;
  bool Running() const override { return running_; }
  std::uint64_t RequestsServed() const override { return served_; }

  // A request of `call` has landed (from the client at `from`): hand it to the handler, whose
  // answer travels back unless the server stopped since.
  void Receive(const RpcMessage& request, Ipv4Address from, const std::shared_ptr<FlowRpcCall>& call);

 private:
  FlowRpcFabric& fabric_;
  Endpoint at_;
  Handler handler_;
  bool running_ = false;
  std::uint64_t generation_ = 0;  // bumped by Stop: answers of an earlier life are dropped
  std::uint64_t served_ = 0;
};

class FlowRpcClient final : public RpcClientPort {
 public:
  FlowRpcClient(FlowRpcFabric& fabric, Ipv4Address local) : fabric_(fabric), local_(local) {}
  void Call(const Endpoint& server, RpcMessage request, Duration timeout, Done done) override;

 private:
  FlowRpcFabric& fabric_;
  Ipv4Address local_;
};

}  // namespace cdnlab
