#include "sim/streaming/flow_rpc.h"

#include <cmath>
#include <memory>
#include <utility>

#include <ns3/simulator.h>

namespace cdnlab {
namespace {

std::uint64_t Key(const Endpoint& e) { return (std::uint64_t{e.address.V4().value} << 16) | e.port; }

ns3::Time SecondsToTime(double seconds) { return ns3::NanoSeconds(static_cast<std::int64_t>(std::llround(seconds * 1e9))); }

// One exchange in flight: finished once, by its response or its timeout.
struct PendingCall {
  RpcClientPort::Done done;
  ns3::EventId timeout;
  bool finished = false;

  void Finish(std::optional<RpcMessage> response, bool by_timeout) {
    if (finished) return;
    finished = true;
    if (!by_timeout) ns3::Simulator::Remove(timeout);
    std::exchange(done, nullptr)(std::move(response));
  }
};

}  // namespace

void FlowRpcFabric::Listen(const Endpoint& at, FlowRpcServer* server) { servers_[Key(at)] = server; }

void FlowRpcFabric::Unlisten(const Endpoint& at) { servers_.erase(Key(at)); }

FlowRpcServer* FlowRpcFabric::Find(const Endpoint& at) const {
  auto it = servers_.find(Key(at));
  return it == servers_.end() ? nullptr : it->second;
}

const FlowRpcFabric::Path& FlowRpcFabric::PathOf(Ipv4Address from, Ipv4Address to) {
  const std::uint64_t key = (std::uint64_t{from.value} << 32) | to.value;
  auto it = paths_.find(key);
  if (it != paths_.end()) return it->second;
  const PathMetrics m = network_.Path(from, to);
  Path p;
  p.reachable = m.reachable;
  p.delay_s = m.one_way_delay_ms / 1000;
  p.bottleneck_bps = m.bottleneck_mbps * 1e6;
  return paths_.emplace(key, p).first->second;
}

std::optional<double> FlowRpcFabric::Delay(Ipv4Address from, Ipv4Address to) {
  const Path& p = PathOf(from, to);
  if (!p.reachable) return std::nullopt;
  return p.delay_s;
}

std::optional<double> FlowRpcFabric::TransferTime(Ipv4Address from, Ipv4Address to, std::uint64_t bytes) {
  const Path& p = PathOf(from, to);
  if (!p.reachable) return std::nullopt;
  return p.delay_s + 8.0 * static_cast<double>(bytes + kFrameHeaderBytes) / p.bottleneck_bps;
}

void FlowRpcServer::Start() {
  if (running_) return;
  running_ = true;
  fabric_.Listen(at_, this);
}

void FlowRpcServer::Stop() {
  if (!running_) return;
  running_ = false;
  ++generation_;
  fabric_.Unlisten(at_);
}

void FlowRpcServer::Receive(const RpcMessage& request, Ipv4Address from, std::function<void(RpcMessage)> deliver) {
  ++served_;
  handler_(request, [this, generation = generation_, from, deliver = std::move(deliver)](RpcMessage response) {
    if (generation != generation_ || fabric_.Unreachable(at_.address.V4())) return;  // crashed meanwhile
    const auto back = fabric_.TransferTime(at_.address.V4(), from, response.bytes);
    if (!back) return;
    ns3::Simulator::Schedule(SecondsToTime(*back),
                             [deliver, response = std::move(response)]() mutable { deliver(std::move(response)); });
  });
}

void FlowRpcClient::Call(const Endpoint& server, RpcMessage request, Duration timeout, Done done) {
  auto call = std::make_shared<PendingCall>();
  call->done = std::move(done);
  call->timeout = ns3::Simulator::Schedule(ns3::NanoSeconds(timeout.count()),
                                           [call] { call->Finish(std::nullopt, /*by_timeout=*/true); });
  const Ipv4Address to = server.address.V4();
  if (fabric_.Unreachable(local_) || fabric_.Unreachable(to)) return;  // lost: the timeout fails it
  const auto there = fabric_.TransferTime(local_, to, request.bytes);
  if (!there) return;
  FlowRpcServer* listening = fabric_.Find(server);
  if (!listening || !listening->Running()) {
    // Refused: the reset comes back a round trip later.
    ns3::Simulator::Schedule(SecondsToTime(2 * *fabric_.Delay(local_, to)),
                             [call] { call->Finish(std::nullopt, /*by_timeout=*/false); });
    return;
  }
  FlowRpcFabric& fabric = fabric_;
  const Ipv4Address from = local_;
  ns3::Simulator::Schedule(SecondsToTime(*there), [&fabric, server, from, call, request = std::move(request)] {
    if (call->finished) return;
    FlowRpcServer* s = fabric.Find(server);
    if (!s || !s->Running() || fabric.Unreachable(server.address.V4())) return;  // the timeout fails it
    s->Receive(request, from, [&fabric, from, call](RpcMessage response) {
      if (fabric.Unreachable(from)) return;
      fabric.CountExchange();
      call->Finish(std::move(response), /*by_timeout=*/false);
    });
  });
}

}  // namespace cdnlab
