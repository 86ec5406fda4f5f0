#pragma once
#include <functional>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/ground_truth.h"
#include "models/topology/graph.h"
#include "scenarios/core/scenario.h"
#include "sim/net/network_controls.h"

namespace cdnlab {

// Plays the scenario's timeline: at each event's time it changes the runtime's network
// (link delay/loss/bandwidth and routing, or a PoP's servers going dark) and the ground
// truth the evaluation compares against, so truth and simulation never disagree. Each
// applied event is counted and sampled (sim_metric::kTimelineEvent, value = its index).
class TimelinePlayer {
 public:
  TimelinePlayer(const Scenario& scenario, TopologyGraph& graph, NetworkControls& network, GroundTruth& truth,
                 Clock& clock, TimerScheduler& timers, MetricsSink& metrics);

  // Computes the ground truth for the network as it is now (call once before the run).
  void RefreshTruth();
  void Start();
  const std::vector<double>& AppliedAtSeconds() const { return applied_at_s_; }
  // Told when a PoP fails or recovers, as it happens (what the PoP's own routers know).
  void OnPopAvailability(std::function<void(PopIndex, bool up)> listener) { pop_listener_ = std::move(listener); }

 private:
  void Apply(std::size_t index);

  const Scenario& scenario_;
  TopologyGraph& graph_;
  NetworkControls& network_;
  GroundTruth& truth_;
  Clock& clock_;
  TimerScheduler& timers_;
  MetricsSink& metrics_;
  std::vector<double> applied_at_s_;
  std::function<void(PopIndex, bool)> pop_listener_;
};

}  // namespace cdnlab
