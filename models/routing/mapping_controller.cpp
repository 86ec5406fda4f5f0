#include "models/routing/mapping_controller.h"

#include "models/routing/metric_names.h"

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

void MappingController::Restore(const std::vector<MappingEntry>& rows, std::uint64_t version) {
  const MappingDiff diff = table_.Restore(rows, version);
  sink_.Apply(diff);
}

void MappingController::AddAdjuster(RankingAdjuster& adjuster) { adjusters_.push_back(&adjuster); }

MappingDiff MappingController::RecomputeNow() {
  const SimTime now = clock_.Now();
  // Adjusters see full rankings; without them only the published few matter.
  const std::size_t depth = adjusters_.empty() ? config_.ranked_pops : 0;
  policy_.SetRankingDepth(depth);
  std::vector<std::vector<PopIndex>> published(targets_.size());
  std::vector<std::vector<PopIndex>> rankings(targets_.size());
  policy_.BeginRecompute(targets_, now);
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    if (const MappingEntry* row = table_.Find(targets_[i].prefix)) published[i] = row->ranked_pops;
    rankings[i] = policy_.Rank(i, targets_[i], now, published[i]);
    // A policy that knows no usable PoP for a row (e.g. before the first probe round)
    // keeps what was published: a stale answer beats no answer for users.
    if (rankings[i].empty()) rankings[i] = published[i];
  }
  policy_.EndRecompute();
  if (observer_) observer_->PolicyRanked(rankings, depth, now);
  // Adjusters see full rankings, so a spill can reach PoPs beyond the published few.
  for (RankingAdjuster* adjuster : adjusters_) adjuster->Adjust(targets_, rankings, published, now);
  for (auto& ranking : rankings) {
    if (ranking.size() > config_.ranked_pops) ranking.resize(config_.ranked_pops);
  }
  if (observer_) observer_->Decided(published, rankings, now);
  std::vector<MappingEntry> rows;
  rows.reserve(targets_.size());
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    if (!rankings[i].empty()) rows.push_back({targets_[i].prefix, std::move(rankings[i])});
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
