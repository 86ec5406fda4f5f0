#pragma once
// Messages of any length over an unreliable DatagramTransport, in bounded memory. Each
// message is cut into fragments (fragment.h, TransferLimits::fragment_bytes each, small
// enough to avoid IP fragmentation) and sent with a window; the receiver acknowledges every
// fragment with the set it holds (selective acks), the sender resends holes at once and
// everything unacknowledged on a timeout that backs off, and gives up after
// TransferLimits::give_up_after without progress. The receiver reassembles within fixed
// budgets (reassembler.h) and hands on each message exactly once.
//
// Every message ends in exactly one outcome for its sender (delivery.h): delivered, or
// failed with a reason, including the errors the network stack reports (EMSGSIZE,
// ECONNREFUSED) and a full queue. Nothing is dropped silently. Outcome handlers never run
// inside Send(); a sender that Unbinds (stops, crashes) gets no outcome for what it had in flight.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <utility>
#include <memory>

#include "models/federation/delivery.h"
#include "models/federation/outbound_transfer.h"
#include "models/federation/reassembler.h"
#include "models/federation/transfer_limits.h"
#include "models/ports/clock.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/random_source.h"
#include "models/ports/timer_scheduler.h"

namespace cdnlab {

class ReliableChannel {
 public:
  using MessageHandler = std::function<void(const Endpoint& from, const Bytes& message)>;
  using OutcomeHandler = std::function<void(const DeliveryOutcome& outcome)>;

  ReliableChannel(DatagramTransport& transport, const Clock& clock, TimerScheduler& timers, RandomSource& random,
                  MetricsSink& metrics, TransferLimits limits = {});
  ~ReliableChannel();
  ReliableChannel(const ReliableChannel&) = delete;
  ReliableChannel& operator=(const ReliableChannel&) = delete;

  void Bind(const Endpoint& local, MessageHandler handler);
  // Stops receiving at `local` and forgets its half-received messages and its unfinished sends.
  void Unbind(const Endpoint& local);
  // Sends `message` from a bound endpoint; `on_outcome` (may be empty) runs once, later.
  void Send(const Endpoint& from, const Endpoint& to, Bytes message, OutcomeHandler on_outcome);

  const TransferLimits& Limits() const { return limits_; }
  std::size_t OutboundMessages() const { return active_.size() + waiting_count_; }
  std::size_t OutboundBytes() const { return outbound_bytes_; }
  const Reassembler& Inbound() const { return inbound_; }
  std::uint64_t Incarnation() const { return incarnation_; }

 private:
  struct Outbound {
    std::unique_ptr<OutboundTransfer> transfer;
    OutcomeHandler on_outcome;
  };

  void OnDatagram(const Endpoint& local, const Endpoint& from, const Bytes& payload);
  void OnData(const Endpoint& local, const Endpoint& from, const DataFragment& fragment);
  void OnAck(const Endpoint& local, const Endpoint& from, const FragmentAck& ack);
  void OnRefusal(const Endpoint& local, const Endpoint& from, const TransferRefusal& refusal);
  void OnTransportError(const DatagramFailure& failure);
  using Pair = std::pair<Endpoint, Endpoint>;  // (sender, receiver)
  void StartWaiting(const Pair& pair);
  void Release(const OutboundTransfer& t);  // its share of the per-sender and per-pair counts
  void Transmit(OutboundTransfer& t, const std::vector<std::uint32_t>& indices, const char* reason);
  void ArmTimer(OutboundTransfer& t);
  void OnTimeout(std::uint64_t id);
  void Finish(std::uint64_t id, DeliveryOutcome outcome);
  void FailLater(const Endpoint& from, OutcomeHandler on_outcome, DeliveryOutcome outcome);
  void ArmExpiry();
  TimerId Schedule(Duration delay, std::function<void()> callback);

  DatagramTransport& transport_;
  const Clock& clock_;
  TimerScheduler& timers_;
  RandomSource& random_;
  MetricsSink& metrics_;
  TransferLimits limits_;
  std::uint64_t incarnation_;
  std::map<Endpoint, MessageHandler> bindings_;
  std::map<std::uint64_t, Outbound> active_;
  // Limits are per sender and per (sender, receiver): in a simulation one channel serves every
  // node, and one slow receiver must not hold up a gateway's fan-out to the others.
  std::map<Pair, std::deque<Outbound>> waiting_;
  std::size_t waiting_count_ = 0;
  std::map<Pair, std::size_t> active_by_pair_;
  struct Backlog {
    std::size_t messages = 0;
    std::size_t bytes = 0;
  };
  std::map<Endpoint, Backlog> backlog_by_sender_;
  std::size_t outbound_bytes_ = 0;
  Reassembler inbound_;
  bool expiry_armed_ = false;
  std::map<TimerId, Endpoint> deferred_;  // outcomes scheduled for later, by sender endpoint
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // timers outliving the channel do nothing
};

}  // namespace cdnlab
