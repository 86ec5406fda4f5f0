#include "models/routing/probe_train_pacer.h"

#include <utility>

namespace cdnlab {

ProbeTrainPacer::ProbeTrainPacer(PopIndex pop, Clock& clock, TimerScheduler& timers, SendProbe send)
    : pop_(pop), clock_(clock), timers_(timers), send_(std::move(send)) {}

ProbeTrainPacer::~ProbeTrainPacer() { Abandon(); }

void ProbeTrainPacer::Abandon() {
  for (auto& [id, train] : trains_) {
    if (train->timer) timers_.Cancel(*train->timer);
  }
  trains_.clear();
}

void ProbeTrainPacer::Run(const ProbeTrainSpec& spec, ProbeTrainRunner::Done done) {
  const std::uint64_t id = next_train_id_++;
  trains_.emplace(id, std::make_unique<Train>(Train{spec, std::move(done), ProbeTrainTally(spec.packets), {}}));
  SendNext(id);
}

void ProbeTrainPacer::SendNext(std::uint64_t train_id) {
  auto it = trains_.find(train_id);
  if (it == trains_.end()) return;
  Train& t = *it->second;
  t.timer.reset();
  if (t.tally.AllSent()) {
    Finish(train_id);  // packets == 0
    return;
  }
  t.tally.RecordSent(send_(train_id, t.tally.Sent(), t.spec));
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

void ProbeTrainPacer::OnEcho(std::uint64_t train_id, std::uint64_t seq, const IpAddress& from, SimTime sent_at,
                             std::size_t bytes) {
  auto it = trains_.find(train_id);
  if (it == trains_.end()) return;
  Train& t = *it->second;
  if (!(from == t.spec.target.address)) return;
  if (!t.tally.RecordReply(seq, ToMillis(clock_.Now() - sent_at), bytes)) return;
  if (t.tally.AllAnswered()) {
    if (t.timer) timers_.Cancel(*t.timer);
    t.timer.reset();
    Finish(train_id);
  }
}

void ProbeTrainPacer::Finish(std::uint64_t train_id) {
  auto it = trains_.find(train_id);
  if (it == trains_.end()) return;
  std::unique_ptr<Train> t = std::move(it->second);
  trains_.erase(it);
  const ProbeOutcome outcome = t->tally.Outcome(pop_, t->spec.group, clock_.Now());
  if (t->done) t->done(outcome);
}

}  // namespace cdnlab
