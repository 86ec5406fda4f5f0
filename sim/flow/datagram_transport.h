#pragma once
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "models/core/seeded_random_source.h"
#include "models/ports/datagram_transport.h"
#include "sim/flow/network.h"

namespace cdnlab {

// DatagramTransport without packets: a datagram is delivered by an ns-3 simulator event at
// now + one-way path delay + serialization at the path's bottleneck, or dropped with the
// path's loss (drawn from its own seeded stream, so runs repeat exactly), when a failed
// PoP's server sends or receives it, when the path is unreachable, when an unreachable host
// sends it or it arrives at one (FlowNetwork::SetHostReachable), or when nothing is bound
// at the destination. Bind/Unbind/Send behave as Ns3DatagramTransport's.
class FlowDatagramTransport final : public DatagramTransport {
 public:
  static constexpr std::uint32_t kHeaderBytes = 28;  // IPv4 + UDP, serialized with the payload
  static constexpr std::uint32_t kHeaderBytes6 = 48;  // IPv6 + UDP

  FlowDatagramTransport(FlowNetwork& network, std::uint64_t seed, std::uint64_t stream);

  void Bind(const Endpoint& local, ReceiveHandler handler) override;
  void Unbind(const Endpoint& local) override;
  void Send(const Endpoint& from, const Endpoint& to, Bytes payload) override;

  std::uint64_t Delivered() const { return delivered_; }
  std::uint64_t Dropped() const { return dropped_; }

 private:
  // The host's IPv4 address and the port; bit 48 set for an IPv6 endpoint (a dual-stack
  // host's IPv6 address stands for the same host as its IPv4 one, but binds apart from it).
  std::uint64_t Key(const Endpoint& e) const;
  void Deliver(const Endpoint& from, const Endpoint& to, const Bytes& payload);

  FlowNetwork& network_;
  SeededRandomSource random_;
  std::unordered_map<std::uint64_t, std::shared_ptr<ReceiveHandler>> bindings_;
  std::uint64_t delivered_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace cdnlab
