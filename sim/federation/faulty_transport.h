#pragma once
#include <cstdint>
#include <map>
#include <set>

#include "models/ports/datagram_transport.h"

namespace cdnlab {

// A DatagramTransport in front of another (in simulation: Ns3DatagramTransport) that plays
// the faults a real network and its hosts produce, at the sender, before a datagram touches
// the network; everything else passes through unchanged:
//  - DropNext: the next n datagrams sent to a destination are lost (the federation's
//    "message_loss" fault);
//  - Silence: every datagram sent from an endpoint is lost (a peer that never answers);
//  - Refuse: datagrams to an endpoint are lost and reported as ECONNREFUSED, as the ICMP
//    port unreachable of a host with nothing listening is on a real socket;
//  - SetMaxDatagramBytes: larger datagrams are not sent and reported as EMSGSIZE.
// Reports go to the handlers given to OnError (also forwarded to the inner transport, so
// its own errors still arrive).
class FaultyDatagramTransport final : public DatagramTransport {
 public:
  explicit FaultyDatagramTransport(DatagramTransport& inner) : inner_(inner) {}

  void Bind(const Endpoint& local, ReceiveHandler handler) override { inner_.Bind(local, std::move(handler)); }
  void Unbind(const Endpoint& local) override {
    error_handlers_.erase(local);
    inner_.Unbind(local);
  }
  void Send(const Endpoint& from, const Endpoint& to, Bytes payload) override;
  void OnError(const Endpoint& local, ErrorHandler handler) override;

  // The next `count` datagrams addressed to `to` are lost (adds to any still pending).
  void DropNext(const Endpoint& to, int count);
  void Silence(const Endpoint& from, bool silent);
  void Refuse(const Endpoint& to, bool refuse);
  void SetMaxDatagramBytes(std::size_t bytes) { max_datagram_bytes_ = bytes; }  // 0: no limit

  std::uint64_t PendingDrops(const Endpoint& to) const;
  std::uint64_t Dropped(const Endpoint& to) const;
  std::uint64_t DroppedTotal() const { return dropped_total_; }
  std::uint64_t ErrorsReported() const { return errors_reported_; }

 private:
  void Drop(const Endpoint& to);
  void Report(const Endpoint& from, const Endpoint& to, DatagramError error, const std::string& detail);

  DatagramTransport& inner_;
  std::map<Endpoint, std::uint64_t> pending_;
  std::map<Endpoint, std::uint64_t> dropped_;
  std::uint64_t dropped_total_ = 0;
  std::set<Endpoint> silent_;
  std::set<Endpoint> refusing_;
  std::size_t max_datagram_bytes_ = 0;
  std::map<Endpoint, ErrorHandler> error_handlers_;
  std::uint64_t errors_reported_ = 0;
};

}  // namespace cdnlab
