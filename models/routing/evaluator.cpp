#include "models/routing/evaluator.h"

#include "models/routing/metric_names.h"

namespace cdnlab {

RoutingEvaluator::RoutingEvaluator(const RoutingCatalog& catalog, const AuthoritativeAnswerer& answerer,
                                   const GroundTruth& truth, Clock& clock, TimerScheduler& timers,
                                   MetricsSink& metrics, RoutingEvaluatorConfig config)
    : catalog_(catalog),
      answerer_(answerer),
      truth_(truth),
      clock_(clock),
      timers_(timers),
      metrics_(metrics),
      config_(config),
      last_(catalog.groups.size()),
      last6_(catalog.groups.size()) {}

RoutingEvaluator::~RoutingEvaluator() { Stop(); }

void RoutingEvaluator::Start() {
  SampleNow();
  timer_ = timers_.ScheduleAfter(config_.sample_interval, [this] {
    timer_.reset();
    Start();
  });
}

void RoutingEvaluator::Stop() {
  if (timer_) timers_.Cancel(*timer_);
  timer_.reset();
}

std::optional<PopIndex> RoutingEvaluator::EffectivePop(GroupIndex g, IpFamily family) const {
  const std::optional<PopIndex> answered = AnsweredPop(g, family);
  if (!answered || !routed_) return answered;
  return routed_(g, *answered);
}

std::optional<PopIndex> RoutingEvaluator::AnsweredPop(GroupIndex g, IpFamily family) const {
  if (cached_answer_) {
    if (const std::optional<DnsAnswer> cached = cached_answer_(g, family)) return cached->pop;
  }
  return AuthoritativePop(g, family);
}

std::optional<PopIndex> RoutingEvaluator::AuthoritativePop(GroupIndex g, IpFamily family) const {
  const ClientGroupInfo& group = catalog_.groups[g];
  const ResolverInfo& resolver = catalog_.resolvers.at(group.resolver);
  DnsQuestion q;
  q.qname = answerer_.Config().hostname;
  q.source = resolver.address;
  if (family == IpFamily::kV4) {
    q.qtype = static_cast<std::uint16_t>(DnsType::kA);
    if (resolver.sends_client_subnet) q.client_subnet = Ipv4Prefix::Of(group.representative, kClientSubnetLength);
  } else {
    const std::optional<Ipv6Address> host = group.Representative6();
    if (!host) return std::nullopt;
    q.qtype = static_cast<std::uint16_t>(DnsType::kAaaa);
    if (resolver.sends_client_subnet) q.client_subnet = Ipv6Prefix::Of(*host, kClientSubnetLength6);
  }
  return answerer_.Answer(q).pop;
}

void RoutingEvaluator::SampleGroup(GroupIndex g, IpFamily family, SimTime now) {
  const bool v6 = family == IpFamily::kV6;
  const std::optional<PopIndex> pop = EffectivePop(g, family);
  const std::string pop_id = pop ? catalog_.pops[*pop].id : "none";
  MetricLabels labels{{metric::kLabelGroup, catalog_.groups[g].id}, {metric::kLabelPop, pop_id}};
  if (v6) labels.push_back({metric::kLabelFamily, metric::kFamilyIpv6});
  if (pop && truth_.PopAvailable(*pop)) {
    const double chosen = truth_.RttMs(g, *pop);
    metrics_.Sample(metric::kRegretMs, now, chosen - truth_.BestRttMs(g), labels);
    metrics_.Sample(metric::kChosenRttMs, now, chosen, labels);
  } else {
    metrics_.Sample(metric::kRegretMs, now, config_.unavailable_penalty_ms, labels);
  }
  std::optional<PopIndex>& last = v6 ? last6_[g] : last_[g];
  if (sampled_ && last != pop) {
    const std::string from = last ? catalog_.pops[*last].id : "none";
    MetricLabels change{{metric::kLabelGroup, catalog_.groups[g].id}, {"from", from}, {"to", pop_id}};
    if (v6) change.push_back({metric::kLabelFamily, metric::kFamilyIpv6});
    if (change_labeler_) {
      for (auto& label : change_labeler_(g, family, last, pop)) change.push_back(std::move(label));
    }
    metrics_.Sample(metric::kEffectiveChange, now, 1, change);
  }
  last = pop;
}

void RoutingEvaluator::SampleNow() {
  const SimTime now = clock_.Now();
  for (GroupIndex g = 0; g < catalog_.groups.size(); ++g) {
    SampleGroup(g, IpFamily::kV4, now);
    if (catalog_.groups[g].prefix6) SampleGroup(g, IpFamily::kV6, now);
  }
  sampled_ = true;
}

}  // namespace cdnlab
