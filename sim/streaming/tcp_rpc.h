#pragma once
// Request/response exchanges over ns-3 TCP for the streaming simulation: a playlist or segment
// GET, a segment upload. What crosses the simulated network is real TCP traffic of the
// exchange's size: a 16-byte frame header (the body length, really encoded and parsed) and
// `bytes` of body. What the body *means* (the ContentKey asked for, the ContentResponse with
// its playlist, the upload's stream and segment) travels beside it through the fabric, bound
// to the connection and consumed when the frame's last byte arrives, so it is never seen
// earlier than the bytes that carry it. realnet/ moves real HTTP instead.
//
// Connections are persistent: a client keeps a pool per server endpoint, one exchange at a
// time per connection (HTTP/1.1 without pipelining); an exchange takes an idle connection or
// opens a new one. An exchange fails on a refused, reset or closed connection or when
// `timeout` passes without the whole response; its connection is then closed and dropped.
#include <any>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <ns3/node.h>
#include <ns3/socket.h>

#include "models/core/sim_time.h"
#include "models/net/endpoint.h"
#include "models/net/ipv4.h"
#include "models/ports/timer_scheduler.h"
#include "sim/streaming/rpc_ports.h"

namespace cdnlab {

// TCP settings for every socket of the fabric.
struct RpcTcpSettings {
  std::uint32_t segment_size = 1448;
  std::uint32_t buffer_bytes = 4 << 20;  // send and receive buffers
  std::uint32_t initial_cwnd = 10;       // segments
};

class FramedConnection;

// What connects the two ends: the meanings in flight per connection (keyed by the client
// socket's address and port, which the server learns on accept), and the TCP settings.
class StreamingRpcFabric {
 public:
  explicit StreamingRpcFabric(RpcTcpSettings settings = {}) : settings_(settings) {}
  const RpcTcpSettings& Settings() const { return settings_; }
  void ApplySettings(ns3::Ptr<ns3::Socket> socket) const;

  struct Channel {
    std::vector<std::any> requests;   // FIFO: pushed when sent, popped when received
    std::vector<std::any> responses;
    std::size_t request_head = 0;
    std::size_t response_head = 0;
    std::any PopRequest();
    std::any PopResponse();
  };
  std::shared_ptr<Channel> Open(const Endpoint& client);
  std::shared_ptr<Channel> Find(const Endpoint& client) const;
  void Close(const Endpoint& client);
  std::uint64_t ExchangesCompleted() const { return exchanges_; }
  void CountExchange() { ++exchanges_; }

 private:
  RpcTcpSettings settings_;
  std::map<Endpoint, std::shared_ptr<Channel>> channels_;
  std::uint64_t exchanges_ = 0;
};

// Serves exchanges on (node, port). The handler answers each request exactly once, now or
// later, through `respond`; an answer for a connection that has gone meanwhile is dropped.
class StreamingRpcServer final : public RpcServerPort {
 public:
  StreamingRpcServer(StreamingRpcFabric& fabric, ns3::Ptr<ns3::Node> node, std::uint16_t port, Handler handler);
  ~StreamingRpcServer() override;
  void Start() override;
  // Closes the listener and every connection (a crashed server).
  void Stop() override;
  bool Running() const override { return listener_ != nullptr; }
  std::uint64_t RequestsServed() const override { return served_; }

 private:
  struct Accepted;
  void OnAccept(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from);

  StreamingRpcFabric& fabric_;
  ns3::Ptr<ns3::Node> node_;
  std::uint16_t port_;
  Handler handler_;
  ns3::Ptr<ns3::Socket> listener_;
  std::map<std::uint64_t, std::shared_ptr<Accepted>> connections_;
  std::uint64_t next_id_ = 1;
  std::uint64_t served_ = 0;
};

// The client end on one host: pooled connections to any number of servers.
class StreamingRpcClient final : public RpcClientPort {
 public:
  StreamingRpcClient(StreamingRpcFabric& fabric, ns3::Ptr<ns3::Node> node, Ipv4Address local, TimerScheduler& timers);
  ~StreamingRpcClient() override;
  // `done` is called exactly once, never from inside Call.
  void Call(const Endpoint& server, RpcMessage request, Duration timeout, Done done) override;
  std::size_t OpenConnections() const { return connections_.size(); }
  std::uint64_t ConnectionsOpened() const { return opened_; }

 private:
  struct Pooled;
  void Dispatch(const std::shared_ptr<Pooled>& c);
  void Finish(std::uint64_t id, std::optional<RpcMessage> response);
  void Drop(std::uint64_t id);

  StreamingRpcFabric& fabric_;
  ns3::Ptr<ns3::Node> node_;
  Ipv4Address local_;
  TimerScheduler& timers_;
  std::map<std::uint64_t, std::shared_ptr<Pooled>> connections_;
  std::uint64_t next_id_ = 1;
  std::uint64_t opened_ = 0;
};

}  // namespace cdnlab
