#include "models/routing/mapping_controller.h"

#include "models/routing/routing_metric_names.h"

namespace cdnlab {

MappingController::MappingController(std::vector<MappingTarget> targets, SelectionPolicy& policy,
                                     ResolverConfigSink& sink, Clock& clock, TimerScheduler& timers,
                                     MetricsSink& metrics, MappingControllerConfig config)
    : targets_(std::move(targets)),
      policy_(policy),
      sink_(sink),
      clock_(clock),
      timers_(timers),
      metrics_(metrics),
      config_(config) {}

MappingController::~MappingController() { Stop(); }

void MappingController::Start() {
  RecomputeNow();
  ScheduleNext();
}

void MappingController::Stop() {
  if (timer_) timers_.Cancel(*timer_);
  timer_.reset();
}

void MappingController::ScheduleNext() {
  timer_ = timers_.ScheduleAfter(config_.recompute_interval, [this] {
    timer_.reset();
    RecomputeNow();
    ScheduleNext();
  });
}

MappingDiff MappingController::RecomputeNow() {
  const SimTime now = clock_.Now();
  std::vector<MappingEntry> rows;
  rows.reserve(targets_.size());
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    const MappingEntry* published = table_.Find(targets_[i].prefix);
    const std::vector<PopIndex> previous = published ? published->ranked_pops : std::vector<PopIndex>{};
    std::vector<PopIndex> ranked = policy_.Rank(i, targets_[i], now, previous);
    if (ranked.size() > config_.ranked_pops) ranked.resize(config_.ranked_pops);
    // A policy that knows no usable PoP for a row (e.g. before the first probe round)
    // keeps what was published: a stale answer beats no answer for users.
    if (ranked.empty()) ranked = previous;
    if (!ranked.empty()) rows.push_back({targets_[i].prefix, std::move(ranked)});
  }
  MappingDiff diff = table_.Replace(rows);
  if (!diff.Empty()) {
    metrics_.Count(metric::kMappingUpdates, 1);
    metrics_.Count(metric::kMappingRowsChanged, static_cast<double>(diff.upserts.size() + diff.removals.size()));
    sink_.Apply(diff);
  }
  return diff;
}

}  // namespace cdnlab
