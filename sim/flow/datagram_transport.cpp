#include "sim/flow/datagram_transport.h"

#include <cmath>
#include <stdexcept>

#include <ns3/simulator.h>

namespace cdnlab {

FlowDatagramTransport::FlowDatagramTransport(FlowNetwork& network, std::uint64_t seed, std::uint64_t stream)
    : network_(network), random_(seed, stream) {}

std::uint64_t FlowDatagramTransport::Key(const Endpoint& e) const {
  const std::uint64_t family = e.address.IsV6() ? std::uint64_t{1} << 48 : 0;
  return family | (std::uint64_t{network_.HostAddress(e.address).value} << 16) | e.port;
}

void FlowDatagramTransport::Bind(const Endpoint& local, ReceiveHandler handler) {
  if (!network_.HasHost(local.address)) {
    throw std::invalid_argument("no simulated host has address " + local.address.ToString());
  }
  if (!bindings_.emplace(Key(local), std::make_shared<ReceiveHandler>(std::move(handler))).second) {
    throw std::logic_error("endpoint bound twice: " + local.ToString());
  }
}

void FlowDatagramTransport::Unbind(const Endpoint& local) { bindings_.erase(Key(local)); }

void FlowDatagramTransport::Send(const Endpoint& from, const Endpoint& to, Bytes payload) {
  if (bindings_.count(Key(from)) == 0) throw std::logic_error("send from unbound endpoint " + from.ToString());
  if (!network_.HasHost(to.address) || network_.HostDown(from.address) || network_.HostDown(to.address) ||
      network_.HostUnreachable(from.address)) {
    ++dropped_;
    return;
  }
  const PathMetrics path = network_.Path(from.address, to.address);
  // Draw only on lossy paths: a lossless run then never touches the stream.
  if (!path.reachable || (path.loss > 0 && random_.Uniform01() < path.loss)) {
    ++dropped_;
    return;
  }
  const double bits = 8.0 * (payload.size() + (to.address.IsV6() ? kHeaderBytes6 : kHeaderBytes));
  const double seconds = path.one_way_delay_ms / 1000 + bits / (path.bottleneck_mbps * 1e6);
  ns3::Simulator::Schedule(ns3::NanoSeconds(static_cast<std::int64_t>(std::llround(seconds * 1e9))),
                           [this, from, to, payload = std::move(payload)] { Deliver(from, to, payload); });
}

void FlowDatagramTransport::Deliver(const Endpoint& from, const Endpoint& to, const Bytes& payload) {
  auto it = bindings_.find(Key(to));
  // A PoP that failed while the datagram was in flight loses it, as its LAN would; so does a
  // host cut off by the time the datagram reaches it.
  if (it == bindings_.end() || network_.HostDown(to.address) || network_.HostUnreachable(to.address)) {
    ++dropped_;
    return;
  }
  ++delivered_;
  // The handler may unbind its own endpoint: hold it by a second reference (no copy of the
  // callable per datagram), so it lives until it returns.
  const std::shared_ptr<ReceiveHandler> handler = it->second;
  (*handler)(from, payload);
}

}  // namespace cdnlab
