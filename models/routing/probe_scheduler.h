#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/random_source.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/probe_agent.h"

namespace cdnlab {

// Adaptive probing: the PoPs that probe `group` in the round starting at `now` (e.g.
// CandidateChooser::Choose). Unknown or repeated PoPs are ignored.
using ProbeTargetSelector = std::function<std::vector<PopIndex>(GroupIndex group, SimTime now)>;

struct ProbeSchedulerConfig {
  Duration interval = std::chrono::seconds(10);  // one round per interval
  int packets_per_train = 5;
  Duration spacing = std::chrono::milliseconds(20);
  Duration timeout = std::chrono::seconds(1);
  std::size_t packet_bytes = 64;
  std::uint16_t responder_port = 7;
  double spread = 0.5;  // trains of a round start uniformly within the first `spread` of the interval
  // Empty = every PoP probes every group each round. Set = only the PoPs it returns probe that
  // group this round (asked once per group per round, groups in index order); overhead is counted
  // exactly as without it, so per-group-per-minute numbers compare across both modes.
  ProbeTargetSelector selector;
  const Clock* clock = nullptr;  // the selector's `now`; required when selector is set
};

struct ProbeOverhead {
  std::uint64_t packets = 0;  // requests sent plus replies received
  std::uint64_t bytes = 0;
  std::uint64_t trains = 0;
};

// Decides who probes whom and when: every round, every PoP (or, with a selector, every chosen
// PoP) probes every client group with one train, run by one of the PoP's servers (chosen
// round-robin per group so load is spread). Counts the overhead, emits probe.* metrics, and
// hands each outcome on.
class ProbeScheduler {
 public:
  using OutcomeHandler = std::function<void(const ProbeOutcome&)>;

  // agents_by_pop[p] are the agents running on PoP p's servers (at least one per PoP).
  // Throws std::invalid_argument on a bad config (spread, missing agents, selector without clock).
  ProbeScheduler(const RoutingCatalog& catalog, std::vector<std::vector<ProbeTrainRunner*>> agents_by_pop,
                 TimerScheduler& timers, RandomSource& random, MetricsSink& metrics,
                 OutcomeHandler on_outcome, ProbeSchedulerConfig config = {});
  ~ProbeScheduler();

  void Start();  // first round now, then one per interval
  void Stop();
  void RunRoundNow();

  std::uint64_t RoundsStarted() const { return rounds_; }
  const ProbeOverhead& Overhead() const { return overhead_; }
  const ProbeSchedulerConfig& Config() const { return config_; }

 private:
  void ScheduleNextRound();
  // [group][pop]: whether that PoP probes that group in the round starting now.
  std::vector<std::vector<bool>> PairsThisRound() const;
  void OnOutcome(const ProbeOutcome& outcome);

  const RoutingCatalog& catalog_;
  std::vector<std::vector<ProbeTrainRunner*>> agents_by_pop_;
  TimerScheduler& timers_;
  RandomSource& random_;
  MetricsSink& metrics_;
  OutcomeHandler on_outcome_;
  ProbeSchedulerConfig config_;
  std::optional<TimerId> round_timer_;
  std::vector<TimerId> pending_starts_;
  std::uint64_t rounds_ = 0;
  ProbeOverhead overhead_;
};

}  // namespace cdnlab
