#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "models/ports/clock.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/probe_train.h"
#include "models/routing/probe_train_tally.h"

namespace cdnlab {

// The pacing every probe train shares, whatever carries its probes (UDP ProbeAgent, realnet's
// ICMP echo agent): `packets` probes `spacing` apart, then `timeout` for stragglers; echoes
// counted by train id and sequence number; the outcome reported once, when every probe was
// answered or the timeout ran out. The carrier only puts probes on the wire and hands back
// the echoes it recognises.
class ProbeTrainPacer {
 public:
  // Puts probe `seq` of train `train_id` on the wire toward spec.target, stamped with the
  // clock's now; returns the bytes sent. Every transport delivers asynchronously, so no
  // echo can arrive before this returns.
  using SendProbe = std::function<std::size_t(std::uint64_t train_id, int seq, const ProbeTrainSpec& spec)>;

  ProbeTrainPacer(PopIndex pop, Clock& clock, TimerScheduler& timers, SendProbe send);
  ~ProbeTrainPacer();
  ProbeTrainPacer(const ProbeTrainPacer&) = delete;
  ProbeTrainPacer& operator=(const ProbeTrainPacer&) = delete;

  void Run(const ProbeTrainSpec& spec, ProbeTrainRunner::Done done);
  // An echo of probe `seq` of train `train_id`, from `from`, whose probe was stamped `sent_at`.
  // Ignored unless it answers a probe of a train in flight, from that train's target.
  void OnEcho(std::uint64_t train_id, std::uint64_t seq, const IpAddress& from, SimTime sent_at, std::size_t bytes);
  // Drops every train in flight without reporting it (the carrier is going away).
  void Abandon();
  std::size_t InFlight() const { return trains_.size(); }

 private:
  struct Train {
    ProbeTrainSpec spec;
    ProbeTrainRunner::Done done;
    ProbeTrainTally tally;
    std::optional<TimerId> timer;  // next send, or the final timeout
  };
  void SendNext(std::uint64_t train_id);
  void Finish(std::uint64_t train_id);

  PopIndex pop_;
  Clock& clock_;
  TimerScheduler& timers_;
  SendProbe send_;
  std::uint64_t next_train_id_ = 1;
  std::map<std::uint64_t, std::unique_ptr<Train>> trains_;
};

}  // namespace cdnlab
