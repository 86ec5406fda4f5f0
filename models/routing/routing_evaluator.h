#pragma once
#include <optional>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/authoritative_answerer.h"
#include "models/routing/ground_truth.h"

namespace cdnlab {

struct RoutingEvaluatorConfig {
  Duration sample_interval = std::chrono::seconds(1);
  double unavailable_penalty_ms = 1000;  // regret charged while a group is sent to a failed PoP
};

// Every sample interval, asks the DNS node's answerer what each client group would get
// right now (through its resolver, with the client subnet when the resolver sends it)
// and compares that PoP's true RTT with the best available one. Emits, per group:
// routing.regret_ms and routing.chosen_rtt_ms samples (labels group, pop) and
// routing.effective_change samples (value 1) whenever a group's answered PoP changes.
class RoutingEvaluator {
 public:
  RoutingEvaluator(const RoutingCatalog& catalog, const AuthoritativeAnswerer& answerer, const GroundTruth& truth,
                   Clock& clock, TimerScheduler& timers, MetricsSink& metrics, RoutingEvaluatorConfig config = {});
  ~RoutingEvaluator();
  void Start();  // samples now, then every interval
  void Stop();
  void SampleNow();

  // The PoP group g is answered with right now (nullopt: no answer).
  std::optional<PopIndex> EffectivePop(GroupIndex g) const;

 private:
  const RoutingCatalog& catalog_;
  const AuthoritativeAnswerer& answerer_;
  const GroundTruth& truth_;
  Clock& clock_;
  TimerScheduler& timers_;
  MetricsSink& metrics_;
  RoutingEvaluatorConfig config_;
  std::vector<std::optional<PopIndex>> last_;
  bool sampled_ = false;  // no change is reported on the very first sample
  std::optional<TimerId> timer_;
};

}  // namespace cdnlab
