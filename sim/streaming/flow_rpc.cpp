#include "sim/streaming/flow_rpc.h"

#include <cmath>
#include <memory>
#include <utility>

#include <ns3/simulator.h>

namespace cdnlab {
namespace {

std::uint64_t Key(const Endpoint& e) { return (std::uint64_t{e.address.V4().value} << 16) | e.port; }

ns3::Time SecondsToTime(double seconds) { return ns3::NanoSeconds(static_cast<std::int64_t>(std::llround(seconds * 1e9))); }

}  // namespace

// One exchange in flight: finished exactly once, by its answer or at its deadline.
struct FlowRpcCall {
  RpcClientPort::Done done;
  ns3::Time deadline;
  ns3::EventId timeout;
  bool armed = false;     // the timeout event is scheduled
  bool answered = false;  // the server's answer is on its way (or was dropped)
  bool finished = false;

  void Finish(std::optional<RpcMessage> response) {
    if (finished) return;
    finished = true;
    if (armed) ns3::Simulator::Cancel(timeout);
    std::exchange(done, nullptr)(std::move(response));
  }
  // Fail at the deadline (once, however many reasons there are).
  static void FailAtDeadline(const std::shared_ptr<FlowRpcCall>& call) {
    if (call->finished || call->armed) return;
    call->armed = true;
    const ns3::Time left = call->deadline - ns3::Simulator::Now();
    call->timeout = ns3::Simulator::Schedule(left.IsStrictlyNegative() ? ns3::Time(0) : left, [call] {
      call->armed = false;
      call->Finish(std::nullopt);
    });
  }
};

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

void FlowRpcServer::Receive(const RpcMessage& request, Ipv4Address from, const std::shared_ptr<FlowRpcCall>& call) {
  ++served_;
  handler_(request, [this, generation = generation_, from, call](RpcMessage response) {
    call->answered = true;
    const auto back = fabric_.TransferTime(at_.address.V4(), from, response.bytes);
    // Crashed meanwhile, or no way back: the answer is lost and the client times out.
    if (generation != generation_ || fabric_.Unreachable(at_.address.V4()) || !back) {
      FlowRpcCall::FailAtDeadline(call);
      return;
    }
    const ns3::Time lands = ns3::Simulator::Now() + SecondsToTime(*back);
    if (lands > call->deadline) {
      FlowRpcCall::FailAtDeadline(call);
      return;
    }
    FlowRpcFabric& fabric = fabric_;
    ns3::Simulator::Schedule(lands - ns3::Simulator::Now(), [&fabric, from, call, response = std::move(response)]() mutable {
      if (fabric.Unreachable(from)) {
        FlowRpcCall::FailAtDeadline(call);
        return;
      }
      fabric.CountExchange();
      call->Finish(std::move(response));
    });
  });
  // Answered later (a miss waiting on its upstream): the deadline must be kept from now on.
  if (!call->answered) FlowRpcCall::FailAtDeadline(call);
}

void FlowRpcClient::Call(const Endpoint& server, RpcMessage request, Duration timeout, Done done) {
  auto call = std::make_shared<FlowRpcCall>();
  call->done = std::move(done);
  call->deadline = ns3::Simulator::Now() + ns3::NanoSeconds(timeout.count());
  const Ipv4Address to = server.address.V4();
  const auto there = fabric_.TransferTime(local_, to, request.bytes);
  if (fabric_.Unreachable(local_) || fabric_.Unreachable(to) || !there) {  // lost
    FlowRpcCall::FailAtDeadline(call);
    return;
  }
  FlowRpcServer* listening = fabric_.Find(server);
  if (!listening || !listening->Running()) {
    // Refused: the reset comes back a round trip later (or the timeout comes first).
    const ns3::Time rtt = SecondsToTime(2 * *fabric_.Delay(local_, to));
    if (ns3::Simulator::Now() + rtt > call->deadline) {
      FlowRpcCall::FailAtDeadline(call);
    } else {
      ns3::Simulator::Schedule(rtt, [call] { call->Finish(std::nullopt); });
    }
    return;
  }
  // Too slow to make it: fail at the deadline, but the request still lands (and is served).
  if (ns3::Simulator::Now() + SecondsToTime(*there) > call->deadline) FlowRpcCall::FailAtDeadline(call);
  FlowRpcFabric& fabric = fabric_;
  const Ipv4Address from = local_;
  ns3::Simulator::Schedule(SecondsToTime(*there), [&fabric, server, from, call, request = std::move(request)] {
    FlowRpcServer* s = fabric.Find(server);
    if (fabric.Unreachable(server.address.V4())) {
      FlowRpcCall::FailAtDeadline(call);
      return;
    }
    if (!s || !s->Running()) {
      // The server crashed while the request was on its way: its host answers with a reset,
      // which takes the way back (as packet fidelity's TCP and a real kernel do).
      const auto back = fabric.Delay(server.address.V4(), from);
      if (!back || ns3::Simulator::Now() + SecondsToTime(*back) > call->deadline) {
        FlowRpcCall::FailAtDeadline(call);
      } else {
        ns3::Simulator::Schedule(SecondsToTime(*back), [call] { call->Finish(std::nullopt); });
      }
      return;
    }
    s->Receive(request, from, call);
  });
}

}  // namespace cdnlab
