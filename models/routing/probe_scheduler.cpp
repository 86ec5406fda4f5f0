#include "models/routing/probe_scheduler.h"

#include <stdexcept>

#include "models/routing/metric_names.h"

namespace cdnlab {

ProbeScheduler::ProbeScheduler(const RoutingCatalog& catalog, std::vector<std::vector<ProbeTrainRunner*>> agents_by_pop,
                               TimerScheduler& timers, RandomSource& random, MetricsSink& metrics,
                               OutcomeHandler on_outcome, ProbeSchedulerConfig config)
    : catalog_(catalog),
      agents_by_pop_(std::move(agents_by_pop)),
      timers_(timers),
      random_(random),
      metrics_(metrics),
      on_outcome_(std::move(on_outcome)),
      config_(config) {
  if (!(config_.spread >= 0 && config_.spread < 1)) {
    throw std::invalid_argument("ProbeScheduler: spread must be in [0, 1) so a round ends before the next starts");
  }
  if (agents_by_pop_.size() != catalog_.pops.size()) {
    throw std::invalid_argument("ProbeScheduler: agents_by_pop must have one entry per PoP");
  }
  for (std::size_t p = 0; p < agents_by_pop_.size(); ++p) {
    if (agents_by_pop_[p].empty()) throw std::invalid_argument("ProbeScheduler: PoP " + catalog_.pops[p].id + " has no probe agent");
  }
  if (config_.selector && config_.clock == nullptr) {
    throw std::invalid_argument("ProbeScheduler: an adaptive selector needs a clock for its `now`");
  }
}

std::vector<std::vector<bool>> ProbeScheduler::PairsThisRound() const {
  const bool everyone = !config_.selector;
  std::vector<std::vector<bool>> probes(catalog_.groups.size(), std::vector<bool>(catalog_.pops.size(), everyone));
  if (everyone) return probes;
  const SimTime now = config_.clock->Now();
  for (GroupIndex g = 0; g < catalog_.groups.size(); ++g) {
    for (PopIndex p : config_.selector(g, now)) {
      if (p < catalog_.pops.size()) probes[g][p] = true;  // unknown PoPs ignored, repeats collapse
    }
  }
  return probes;
}

ProbeScheduler::~ProbeScheduler() { Stop(); }

void ProbeScheduler::Start() {
  RunRoundNow();
  ScheduleNextRound();
}

void ProbeScheduler::Stop() {
  if (round_timer_) timers_.Cancel(*round_timer_);
  round_timer_.reset();
  for (TimerId t : pending_starts_) timers_.Cancel(t);
  pending_starts_.clear();
}

void ProbeScheduler::ScheduleNextRound() {
  round_timer_ = timers_.ScheduleAfter(config_.interval, [this] {
    round_timer_.reset();
    RunRoundNow();
    ScheduleNextRound();
  });
}

void ProbeScheduler::RunRoundNow() {
  // Timers of the previous round have all fired by now (spread < 1), so forget them.
  pending_starts_.clear();
  const std::uint64_t round = rounds_++;
  const double window_s = ToSeconds(config_.interval) * config_.spread;
  const std::vector<std::vector<bool>> probes = PairsThisRound();
  // PoP-major order with one random draw per train, as before adaptive probing existed, so
  // runs without a selector keep their random stream.
  for (PopIndex p = 0; p < catalog_.pops.size(); ++p) {
    const auto& agents = agents_by_pop_[p];
    for (GroupIndex g = 0; g < catalog_.groups.size(); ++g) {
      if (!probes[g][p]) continue;
      ProbeTrainRunner* agent = agents[(g + round) % agents.size()];
      ProbeTrainSpec spec;
      spec.group = g;
      spec.target = Endpoint{catalog_.groups[g].representative, config_.responder_port};
      spec.packets = config_.packets_per_train;
      spec.spacing = config_.spacing;
      spec.timeout = config_.timeout;
      spec.packet_bytes = config_.packet_bytes;
      // Spreading trains over the round keeps probe bursts from queueing behind each other.
      const Duration offset = FromSeconds(random_.Uniform(0, window_s));
      pending_starts_.push_back(timers_.ScheduleAfter(offset, [this, agent, spec] {
        agent->RunTrain(spec, [this](const ProbeOutcome& o) { OnOutcome(o); });
      }));
    }
  }
}

void ProbeScheduler::OnOutcome(const ProbeOutcome& outcome) {
  const auto packets = static_cast<std::uint64_t>(outcome.sent + outcome.received);
  const std::uint64_t bytes = outcome.bytes_sent + outcome.bytes_received;
  overhead_.packets += packets;
  overhead_.bytes += bytes;
  ++overhead_.trains;
  metrics_.Count(metric::kProbePackets, static_cast<double>(packets));
  metrics_.Count(metric::kProbeBytes, static_cast<double>(bytes));
  metrics_.Count(metric::kProbeTrains, 1);
  if (outcome.rtt_ms) {
    metrics_.Sample(metric::kProbeRttMs, outcome.finished_at, *outcome.rtt_ms,
                    {{metric::kLabelGroup, catalog_.groups[outcome.group].id},
                     {metric::kLabelPop, catalog_.pops[outcome.pop].id}});
  }
  if (on_outcome_) on_outcome_(outcome);
}

}  // namespace cdnlab
