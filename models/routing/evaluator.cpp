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
      last_(catalog.groups.size()) {}

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

std::optional<PopIndex> RoutingEvaluator::EffectivePop(GroupIndex g) const {
  if (cached_answer_) {
    if (const std::optional<DnsAnswer> cached = cached_answer_(g)) return cached->pop;
  }
  return AuthoritativePop(g);
}

std::optional<PopIndex> RoutingEvaluator::AuthoritativePop(GroupIndex g) const {
  const ClientGroupInfo& group = catalog_.groups[g];
  const ResolverInfo& resolver = catalog_.resolvers.at(group.resolver);
  DnsQuestion q;
  q.qname = answerer_.Config().hostname;
  q.qtype = static_cast<std::uint16_t>(DnsType::kA);
  q.source = resolver.address;
  if (resolver.sends_client_subnet) q.client_subnet = Ipv4Prefix::Of(group.representative, 24);
  return answerer_.Answer(q).pop;
}

void RoutingEvaluator::SampleNow() {
  const SimTime now = clock_.Now();
  for (GroupIndex g = 0; g < catalog_.groups.size(); ++g) {
    const std::optional<PopIndex> pop = EffectivePop(g);
    const std::string pop_id = pop ? catalog_.pops[*pop].id : "none";
    const MetricLabels labels{{metric::kLabelGroup, catalog_.groups[g].id}, {metric::kLabelPop, pop_id}};
    if (pop && truth_.PopAvailable(*pop)) {
      const double chosen = truth_.RttMs(g, *pop);
      metrics_.Sample(metric::kRegretMs, now, chosen - truth_.BestRttMs(g), labels);
      metrics_.Sample(metric::kChosenRttMs, now, chosen, labels);
    } else {
      metrics_.Sample(metric::kRegretMs, now, config_.unavailable_penalty_ms, labels);
    }
    if (sampled_ && last_[g] != pop) {
      const std::string from = last_[g] ? catalog_.pops[*last_[g]].id : "none";
      metrics_.Sample(metric::kEffectiveChange, now, 1,
                      {{metric::kLabelGroup, catalog_.groups[g].id}, {"from", from}, {"to", pop_id}});
    }
    last_[g] = pop;
  }
  sampled_ = true;
}

}  // namespace cdnlab
