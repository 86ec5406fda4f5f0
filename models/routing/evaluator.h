#pragma once
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/authoritative_answerer.h"
#include "models/routing/ground_truth.h"

namespace cdnlab {

// What group g's resolver would answer its users from its cache right now (nullopt: nothing
// cached for them, so their query would reach the authoritative).
using CachedAnswerLookup = std::function<std::optional<DnsAnswer>(GroupIndex g)>;

struct RoutingEvaluatorConfig {
  Duration sample_interval = std::chrono::seconds(1);
  double unavailable_penalty_ms = 1000;  // regret charged while a group is sent to a failed PoP
};

// Every sample interval, works out what each client group would get right now: its
// resolver's cached answer when given a cache lookup and one is cached, else the DNS node's
// answerer (asked through the group's resolver, with the client subnet when the resolver sends
// it); and compares that PoP's true RTT with the best available one. Emits, per group:
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

  // From now on a group gets its resolver's cached answer while that answer's TTL lasts, so a
  // mapping change reaches users only as caches expire (the TTL's cost in reaction time).
  // Without it (or with an empty lookup) every group gets the answerer's current answer.
  void UseResolverCaches(CachedAnswerLookup lookup) { cached_answer_ = std::move(lookup); }

  // The PoP group g is answered with right now (nullopt: no answer).
  std::optional<PopIndex> EffectivePop(GroupIndex g) const;
  // The same from the authoritative's current mapping alone, caches aside.
  std::optional<PopIndex> AuthoritativePop(GroupIndex g) const;

 private:
  const RoutingCatalog& catalog_;
  const AuthoritativeAnswerer& answerer_;
  const GroundTruth& truth_;
  Clock& clock_;
  TimerScheduler& timers_;
  MetricsSink& metrics_;
  RoutingEvaluatorConfig config_;
  CachedAnswerLookup cached_answer_;
  std::vector<std::optional<PopIndex>> last_;
  bool sampled_ = false;  // no change is reported on the very first sample
  std::optional<TimerId> timer_;
};

}  // namespace cdnlab
