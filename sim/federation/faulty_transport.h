#pragma once
#include <cstdint>
#include <map>

#include "models/ports/datagram_transport.h"

namespace cdnlab {

// A DatagramTransport in front of another (in simulation: Ns3DatagramTransport) that drops
// the next n datagrams sent to a destination endpoint when told to: the federation's
// "message_loss" fault. Drops happen at the sender, before the datagram touches the network;
// everything else passes through unchanged.
class FaultyDatagramTransport final : public DatagramTransport {
 public:
  explicit FaultyDatagramTransport(DatagramTransport& inner) : inner_(inner) {}

  void Bind(const Endpoint& local, ReceiveHandler handler) override { inner_.Bind(local, std::move(handler)); }
  void Unbind(const Endpoint& local) override { inner_.Unbind(local); }
  void Send(const Endpoint& from, const Endpoint& to, Bytes payload) override;

  // The next `count` datagrams addressed to `to` are lost (adds to any still pending).
  void DropNext(const Endpoint& to, int count);
  std::uint64_t PendingDrops(const Endpoint& to) const;
  std::uint64_t Dropped(const Endpoint& to) const;
  std::uint64_t DroppedTotal() const { return dropped_total_; }

 private:
  DatagramTransport& inner_;
  std::map<Endpoint, std::uint64_t> pending_;
  std::map<Endpoint, std::uint64_t> dropped_;
  std::uint64_t dropped_total_ = 0;
};

}  // namespace cdnlab
