#include "models/routing/probe_agent.h"

#include <algorithm>

#include "models/routing/probe_packet.h"

namespace cdnlab {

struct ProbeAgent::Train {
  ProbeTrainSpec spec;
  Done done;
  int sent = 0;
  std::vector<bool> answered;
  std::vector<double> rtts_ms;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::optional<TimerId> timer;  // next send, or the final timeout
};

ProbeAgent::ProbeAgent(PopIndex pop, Endpoint local, DatagramTransport& transport, Clock& clock,
                       TimerScheduler& timers)
    : pop_(pop), local_(local), transport_(transport), clock_(clock), timers_(timers) {}

ProbeAgent::~ProbeAgent() { Stop(); }

void ProbeAgent::Start() {
  if (bound_) return;
  transport_.Bind(local_, [this](const Endpoint& from, const Bytes& payload) { OnDatagram(from, payload); });
  bound_ = true;
}

void ProbeAgent::Stop() {
  for (auto& [id, train] : trains_) {
    if (train->timer) timers_.Cancel(*train->timer);
  }
  trains_.clear();
  if (bound_) transport_.Unbind(local_);
  bound_ = false;
}

void ProbeAgent::RunTrain(const ProbeTrainSpec& spec, Done done) {
  const std::uint64_t id = next_train_id_++;
  auto train = std::make_unique<Train>();
  train->spec = spec;
  train->done = std::move(done);
  train->answered.assign(static_cast<std::size_t>(std::max(spec.packets, 0)), false);
  trains_.emplace(id, std::move(train));
  SendNext(id);
}

void ProbeAgent::SendNext(std::uint64_t train_id) {
  auto it = trains_.find(train_id);
  if (it == trains_.end()) return;
  Train& t = *it->second;
  t.timer.reset();
  if (t.sent >= t.spec.packets) {
    Finish(train_id);  // packets == 0
    return;
  }
  ProbePacket probe;
  probe.kind = ProbePacket::Kind::kRequest;
  probe.seq = static_cast<std::uint16_t>(t.sent);
  probe.train_id = train_id;
  probe.sent_at_ns = clock_.Now().count();
  Bytes bytes = probe.Encode(t.spec.packet_bytes);
  t.bytes_sent += bytes.size();
  ++t.sent;
  transport_.Send(local_, t.spec.target, std::move(bytes));
  // Either space out the next probe or, after the last, wait for stragglers.
  const bool last = t.sent >= t.spec.packets;
  t.timer = timers_.ScheduleAfter(last ? t.spec.timeout : t.spec.spacing, [this, train_id, last] {
    auto again = trains_.find(train_id);
    if (again == trains_.end()) return;
    again->second->timer.reset();
    if (last) {
      Finish(train_id);
    } else {
      SendNext(train_id);
    }
  });
}

void ProbeAgent::OnDatagram(const Endpoint& from, const Bytes& payload) {
  const auto probe = ProbePacket::Decode(payload);
  if (!probe || probe->kind != ProbePacket::Kind::kReply) return;
  auto it = trains_.find(probe->train_id);
  if (it == trains_.end()) return;
  Train& t = *it->second;
  if (!(from.address == t.spec.target.address) || probe->seq >= t.sent || t.answered[probe->seq]) return;
  t.answered[probe->seq] = true;
  t.rtts_ms.push_back(ToMillis(clock_.Now() - SimTime(probe->sent_at_ns)));
  t.bytes_received += payload.size();
  if (static_cast<int>(t.rtts_ms.size()) == t.spec.packets) {
    if (t.timer) timers_.Cancel(*t.timer);
    t.timer.reset();
    Finish(probe->train_id);
  }
}

void ProbeAgent::Finish(std::uint64_t train_id) {
  auto it = trains_.find(train_id);
  if (it == trains_.end()) return;
  std::unique_ptr<Train> t = std::move(it->second);
  trains_.erase(it);
  ProbeOutcome outcome;
  outcome.pop = pop_;
  outcome.group = t->spec.group;
  outcome.finished_at = clock_.Now();
  outcome.sent = t->sent;
  outcome.received = static_cast<int>(t->rtts_ms.size());
  outcome.loss = t->sent > 0 ? 1.0 - static_cast<double>(outcome.received) / t->sent : 0.0;
  outcome.bytes_sent = t->bytes_sent;
  outcome.bytes_received = t->bytes_received;
  if (!t->rtts_ms.empty()) {
    // The median resists one queued or retransmitted probe better than the mean.
    auto& r = t->rtts_ms;
    std::sort(r.begin(), r.end());
    const std::size_t n = r.size();
    outcome.rtt_ms = n % 2 == 1 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
  }
  if (t->done) t->done(outcome);
}

}  // namespace cdnlab
