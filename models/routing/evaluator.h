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

// What group g's resolver would answer its users of one family from its cache right now
// (nullopt: nothing cached for them, so their query would reach the authoritative).
using CachedAnswerLookup = std::function<std::optional<DnsAnswer>(GroupIndex g, IpFamily family)>;

// Where group g's packets to `answered` actually go (anycast routing); nullopt: nowhere.
using RoutedPopLookup = std::function<std::optional<PopIndex>(GroupIndex g, PopIndex answered)>;
// Labels added to a routing.effective_change sample (the change's reason).
using ChangeLabeler =
    std::function<MetricLabels(GroupIndex g, IpFamily family, std::optional<PopIndex> from, std::optional<PopIndex> to)>;

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
// A dual-stack group is evaluated for each family: its IPv6 users ask with an IPv6 client
// subnet (a /56 of prefix6), and their samples carry the label family=ipv6.
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
  // Users reach the PoP routing delivers their packets to, not the one their answer names.
  void UseRouting(RoutedPopLookup routed) { routed_ = std::move(routed); }
  // Each effective change sample also carries these labels.
  void LabelChanges(ChangeLabeler labeler) { change_labeler_ = std::move(labeler); }

  // The PoP group g's users of `family` are answered with right now (nullopt: no answer, or
  // an IPv6 question for a group without IPv6).
  std::optional<PopIndex> EffectivePop(GroupIndex g, IpFamily family = IpFamily::kV4) const;
  // The same from the authoritative's current mapping alone, caches aside.
  std::optional<PopIndex> AuthoritativePop(GroupIndex g, IpFamily family = IpFamily::kV4) const;

  // The client subnets a resolver that sends ECS forwards for its clients (RFC 7871 11.1
  // recommends /24 and /56).
  static constexpr std::uint8_t kClientSubnetLength = 24;
  static constexpr std::uint8_t kClientSubnetLength6 = 56;

 private:
  const RoutingCatalog& catalog_;
  const AuthoritativeAnswerer& answerer_;
  const GroundTruth& truth_;
  Clock& clock_;
  TimerScheduler& timers_;
  MetricsSink& metrics_;
  RoutingEvaluatorConfig config_;
  CachedAnswerLookup cached_answer_;
  RoutedPopLookup routed_;
  ChangeLabeler change_labeler_;
  std::optional<PopIndex> AnsweredPop(GroupIndex g, IpFamily family) const;
  void SampleGroup(GroupIndex g, IpFamily family, SimTime now);

  std::vector<std::optional<PopIndex>> last_;
  std::vector<std::optional<PopIndex>> last6_;
  bool sampled_ = false;  // no change is reported on the very first sample
  std::optional<TimerId> timer_;
};

}  // namespace cdnlab
