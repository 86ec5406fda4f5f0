#include "models/federation/reliable_channel.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "models/federation/metric_names.h"

namespace cdnlab {

namespace fm = federation_metrics;

ReliableChannel::ReliableChannel(DatagramTransport& transport, const Clock& clock, TimerScheduler& timers,
                                 RandomSource& random, MetricsSink& metrics, TransferLimits limits)
    : transport_(transport),
      clock_(clock),
      timers_(timers),
      random_(random),
      metrics_(metrics),
      limits_(limits),
      incarnation_(random.NextU64()),
      inbound_(limits_) {
  if (limits_.fragment_bytes == 0 || limits_.send_window == 0 || limits_.max_active_transfers == 0) {
    throw std::invalid_argument("transfer limits: fragment_bytes, send_window and max_active_transfers must be > 0");
  }
}

ReliableChannel::~ReliableChannel() {
  *alive_ = false;
  for (const auto& [local, handler] : bindings_) transport_.Unbind(local);
  for (auto& [id, o] : active_) {
    if (o.transfer->timer) timers_.Cancel(*o.transfer->timer);
  }
  for (const auto& [timer, endpoint] : deferred_) timers_.Cancel(timer);
}

TimerId ReliableChannel::Schedule(Duration delay, std::function<void()> callback) {
  return timers_.ScheduleAfter(delay, [alive = std::weak_ptr<bool>(alive_), cb = std::move(callback)] {
    if (auto a = alive.lock(); a && *a) cb();
  });
}

// --- receiving ---

void ReliableChannel::Bind(const Endpoint& local, MessageHandler handler) {
  const bool bound = bindings_.count(local) > 0;
  bindings_[local] = std::move(handler);
  if (bound) return;
  transport_.Bind(local, [this, local](const Endpoint& from, const Bytes& payload) { OnDatagram(local, from, payload); });
  transport_.OnError(local, [this](const DatagramFailure& failure) {
    // The stack may report from inside Send(): act on it later, from the event loop.
    Schedule(Duration::zero(), [this, failure] { OnTransportError(failure); });
  });
}

void ReliableChannel::Unbind(const Endpoint& local) {
  if (bindings_.erase(local) == 0) return;
  transport_.Unbind(local);
  inbound_.Forget(local);
  for (auto it = active_.begin(); it != active_.end();) {
    auto next = std::next(it);
    if (it->second.transfer->From() == local) {
      if (it->second.transfer->timer) timers_.Cancel(*it->second.transfer->timer);
      Release(*it->second.transfer);
      active_.erase(it);
    }
    it = next;
  }
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    auto next = std::next(it);
    if (it->first.first == local) {
      for (const Outbound& o : it->second) {
        outbound_bytes_ -= o.transfer->MessageBytes();
        --waiting_count_;
      }
      waiting_.erase(it);
    }
    it = next;
  }
  backlog_by_sender_.erase(local);
  for (auto it = deferred_.begin(); it != deferred_.end();) {
    auto next = std::next(it);
    if (it->second == local) {
      timers_.Cancel(it->first);
      deferred_.erase(it);
    }
    it = next;
  }
}

void ReliableChannel::OnDatagram(const Endpoint& local, const Endpoint& from, const Bytes& payload) {
  const auto datagram = DecodeTransferDatagram(payload);
  if (!datagram) {
    metrics_.Count(fm::kRejectedMessages, 1, {{"reason", "malformed_fragment"}});
    return;
  }
  if (const auto* data = std::get_if<DataFragment>(&*datagram)) return OnData(local, from, *data);
  if (const auto* ack = std::get_if<FragmentAck>(&*datagram)) return OnAck(local, from, *ack);
  OnRefusal(local, from, std::get<TransferRefusal>(*datagram));
}

void ReliableChannel::OnData(const Endpoint& local, const Endpoint& from, const DataFragment& fragment) {
  const std::size_t incomplete_before = inbound_.Incomplete();
  auto result = inbound_.Add(local, from, fragment, clock_.Now(), incarnation_);
  if (result.duplicate) metrics_.Count(fm::kDuplicateFragments, 1);
  if (result.refusal) {
    metrics_.Count(fm::kReassemblyRefused, 1,
                   {{"reason", result.refusal->reason == RefusalReason::kTooLarge ? "too_large" : "no_memory"}});
    transport_.Send(local, from, EncodeTransferDatagram(*result.refusal));
    return;
  }
  if (result.ack) transport_.Send(local, from, EncodeTransferDatagram(*result.ack));
  if (inbound_.Incomplete() > incomplete_before) ArmExpiry();
  if (result.message) {
    auto it = bindings_.find(local);
    if (it == bindings_.end()) return;
    const MessageHandler handler = it->second;  // a copy: the handler may unbind
    handler(from, *result.message);
  }
}

void ReliableChannel::ArmExpiry() {
  if (expiry_armed_) return;
  expiry_armed_ = true;
  Schedule(limits_.reassembly_timeout, [this] {
    expiry_armed_ = false;
    const std::size_t dropped = inbound_.Expire(clock_.Now());
    if (dropped > 0) metrics_.Count(fm::kReassemblyExpired, static_cast<double>(dropped));
    if (inbound_.Incomplete() > 0) ArmExpiry();
  });
}

// --- sending ---

void ReliableChannel::Send(const Endpoint& from, const Endpoint& to, Bytes message, OutcomeHandler on_outcome) {
  if (message.size() > limits_.max_message_bytes) {
    return FailLater(from, std::move(on_outcome),
                     {DeliveryFailure::kMessageTooLarge,
                      fmt::format("message of {} bytes is over the limit of {} bytes", message.size(),
                                  limits_.max_message_bytes)});
  }
  Backlog& backlog = backlog_by_sender_[from];
  if (backlog.messages >= limits_.max_outbound_messages || backlog.bytes + message.size() > limits_.max_outbound_bytes) {
    return FailLater(from, std::move(on_outcome),
                     {DeliveryFailure::kQueueFull,
                      fmt::format("send queue full ({} messages, {} bytes waiting at {})", backlog.messages,
                                  backlog.bytes, from.ToString())});
  }
  std::uint64_t id = random_.NextU64();
  while (id == 0 || active_.count(id) != 0) id = random_.NextU64();
  ++backlog.messages;
  backlog.bytes += message.size();
  outbound_bytes_ += message.size();
  const Pair pair{from, to};
  waiting_[pair].push_back(
      Outbound{std::make_unique<OutboundTransfer>(id, from, to, std::move(message), limits_.fragment_bytes),
               std::move(on_outcome)});
  ++waiting_count_;
  StartWaiting(pair);
}

void ReliableChannel::Release(const OutboundTransfer& t) {
  outbound_bytes_ -= t.MessageBytes();
  const Pair pair{t.From(), t.To()};
  if (auto a = active_by_pair_.find(pair); a != active_by_pair_.end() && --a->second == 0) active_by_pair_.erase(a);
  if (auto b = backlog_by_sender_.find(t.From()); b != backlog_by_sender_.end()) {
    --b->second.messages;
    b->second.bytes -= t.MessageBytes();
    if (b->second.messages == 0) backlog_by_sender_.erase(b);
  }
}

void ReliableChannel::FailLater(const Endpoint& from, OutcomeHandler on_outcome, DeliveryOutcome outcome) {
  metrics_.Count(fm::kTransfers, 1, {{"outcome", ToString(outcome.failure)}});
  if (!on_outcome) return;
  auto slot = std::make_shared<TimerId>(0);
  const TimerId timer = Schedule(Duration::zero(), [this, slot, cb = std::move(on_outcome), outcome] {
    deferred_.erase(*slot);
    cb(outcome);
  });
  *slot = timer;
  deferred_[timer] = from;
}

void ReliableChannel::StartWaiting(const Pair& pair) {
  auto queue = waiting_.find(pair);
  while (queue != waiting_.end() && active_by_pair_[pair] < limits_.max_active_transfers) {
    Outbound o = std::move(queue->second.front());
    queue->second.pop_front();
    --waiting_count_;
    if (queue->second.empty()) {
      waiting_.erase(queue);
      queue = waiting_.end();
    }
    ++active_by_pair_[pair];
    OutboundTransfer& t = *o.transfer;
    const std::uint64_t id = t.Id();
    t.last_progress = clock_.Now();
    t.rto = limits_.initial_rto;
    active_.emplace(id, std::move(o));
    Transmit(t, t.FillWindow(limits_.send_window), nullptr);
    ArmTimer(t);
  }
}

void ReliableChannel::Transmit(OutboundTransfer& t, const std::vector<std::uint32_t>& indices, const char* reason) {
  for (std::uint32_t i : indices) {
    transport_.Send(t.From(), t.To(), EncodeTransferDatagram(t.Fragment(i)));
  }
  if (indices.empty()) return;
  metrics_.Count(fm::kFragmentsSent, static_cast<double>(indices.size()));
  if (reason) metrics_.Count(fm::kFragmentsRetransmitted, static_cast<double>(indices.size()), {{"reason", reason}});
}

void ReliableChannel::ArmTimer(OutboundTransfer& t) {
  if (t.timer) timers_.Cancel(*t.timer);
  const std::uint64_t id = t.Id();
  t.timer = Schedule(t.rto, [this, id] { OnTimeout(id); });
}

void ReliableChannel::OnTimeout(std::uint64_t id) {
  auto it = active_.find(id);
  if (it == active_.end()) return;
  OutboundTransfer& t = *it->second.transfer;
  t.timer.reset();
  const SimTime now = clock_.Now();
  if (now - t.last_progress >= limits_.give_up_after) {
    return Finish(id, {DeliveryFailure::kTimeout,
                       fmt::format("no acknowledgement from {} for {:.0f} s ({} of {} fragments unacknowledged)",
                                   t.To().ToString(), ToSeconds(now - t.last_progress), t.InFlight().size(),
                                   t.FragmentCount())});
  }
  t.rto = std::min(t.rto * 2, limits_.max_rto);
  auto resend = t.InFlight();
  if (resend.empty()) resend = t.FillWindow(limits_.send_window);
  Transmit(t, resend, "timeout");
  ArmTimer(t);
}

void ReliableChannel::OnAck(const Endpoint& local, const Endpoint& from, const FragmentAck& ack) {
  auto it = active_.find(ack.message_id);
  if (it == active_.end()) return;  // finished already, or not ours
  OutboundTransfer& t = *it->second.transfer;
  if (t.From() != local || t.To() != from) return;
  const auto effect = t.OnAck(ack);
  if (effect.peer_reset) metrics_.Count(fm::kPeerResets, 1);
  if (t.Done()) return Finish(ack.message_id, {});
  if (effect.progress || effect.peer_reset) {
    t.last_progress = clock_.Now();
    t.rto = limits_.initial_rto;
  }
  Transmit(t, effect.resend_now, "hole");
  Transmit(t, t.FillWindow(limits_.send_window), effect.peer_reset ? "peer_reset" : nullptr);
  if (effect.progress || effect.peer_reset) ArmTimer(t);
}

void ReliableChannel::OnRefusal(const Endpoint& local, const Endpoint& from, const TransferRefusal& refusal) {
  auto it = active_.find(refusal.message_id);
  if (it == active_.end()) return;
  const OutboundTransfer& t = *it->second.transfer;
  if (t.From() != local || t.To() != from) return;
  if (refusal.reason == RefusalReason::kTooLarge) {
    return Finish(refusal.message_id, {DeliveryFailure::kMessageTooLarge,
                                       fmt::format("{} refused a message of {} bytes as too large",
                                                   from.ToString(), t.MessageBytes())});
  }
  Finish(refusal.message_id, {DeliveryFailure::kReceiverFull,
                              fmt::format("{} has no reassembly memory left for {} bytes", from.ToString(),
                                          t.MessageBytes())});
}

void ReliableChannel::OnTransportError(const DatagramFailure& failure) {
  metrics_.Count(fm::kTransportErrors, 1, {{"error", ToString(failure.error)}});
  DeliveryFailure reason = DeliveryFailure::kRefused;
  switch (failure.error) {
    case DatagramError::kTooLarge: reason = DeliveryFailure::kDatagramTooLarge; break;
    case DatagramError::kRefused: reason = DeliveryFailure::kRefused; break;
    case DatagramError::kUnreachable:
    case DatagramError::kOther: reason = DeliveryFailure::kUnreachable; break;
  }
  std::vector<std::uint64_t> hit;
  for (const auto& [id, o] : active_) {
    if (o.transfer->From() == failure.local && o.transfer->To() == failure.peer) hit.push_back(id);
  }
  const std::string detail = fmt::format("{} sending to {}{}{}", ToString(failure.error), failure.peer.ToString(),
                                         failure.detail.empty() ? "" : ": ", failure.detail);
  for (std::uint64_t id : hit) Finish(id, {reason, detail});
}

void ReliableChannel::Finish(std::uint64_t id, DeliveryOutcome outcome) {
  auto it = active_.find(id);
  if (it == active_.end()) return;
  Outbound o = std::move(it->second);
  active_.erase(it);
  if (o.transfer->timer) timers_.Cancel(*o.transfer->timer);
  Release(*o.transfer);
  metrics_.Count(fm::kTransfers, 1, {{"outcome", ToString(outcome.failure)}});
  StartWaiting({o.transfer->From(), o.transfer->To()});
  if (o.on_outcome) o.on_outcome(outcome);
}

}  // namespace cdnlab
