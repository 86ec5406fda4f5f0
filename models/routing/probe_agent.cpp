#include "models/routing/probe_agent.h"

#include <algorithm>

#include "models/routing/probe_packet.h"
#include "models/routing/probe_train_tally.h"

namespace cdnlab {

struct ProbeAgent::Train {
  ProbeTrainSpec spec;
  Done done;
  ProbeTrainTally tally;
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
  trains_.emplace(id, std::make_unique<Train>(Train{spec, std::move(done), ProbeTrainTally(spec.packets), {}}));
  SendNext(id);
}

void ProbeAgent::SendNext(std::uint64_t train_id) {
  auto it = trains_.find(train_id);
  if (it == trains_.end()) return;
  Train& t = *it->second;
  t.timer.reset();
  if (t.tally.AllSent()) {
    Finish(train_id);  // packets == 0
    return;
  }
  ProbePacket probe;
  probe.kind = ProbePacket::Kind::kRequest;
  probe.seq = static_cast<std::uint16_t>(t.tally.Sent());
  probe.train_id = train_id;
  probe.sent_at_ns = clock_.Now().count();
  Bytes bytes = probe.Encode(t.spec.packet_bytes);
  t.tally.RecordSent(bytes.size());
  transport_.Send(local_, t.spec.target, std::move(bytes));
  // Either space out the next probe or, after the last, wait for stragglers.
  const bool last = t.tally.AllSent();
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
  if (!(from.address == t.spec.target.address)) return;
  if (!t.tally.RecordReply(probe->seq, ToMillis(clock_.Now() - SimTime(probe->sent_at_ns)), payload.size())) return;
  if (t.tally.AllAnswered()) {
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
  const ProbeOutcome outcome = t->tally.Outcome(pop_, t->spec.group, clock_.Now());
  if (t->done) t->done(outcome);
}

}  // namespace cdnlab
