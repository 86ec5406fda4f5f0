#pragma once
#include <optional>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/resolver_config_sink.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/mapping_decision_observer.h"
#include "models/routing/mapping_table.h"
#include "models/routing/mapping_target.h"
#include "models/routing/ranking_adjuster.h"
#include "models/routing/selection_policy.h"

namespace cdnlab {

struct MappingControllerConfig {
  Duration recompute_interval = std::chrono::seconds(5);
  std::size_t ranked_pops = 3;  // how many PoPs each published row keeps
};

// Periodically asks the policy to rank every target, runs the ranking adjusters (in the order
// added) over all targets' rankings, truncates each row to ranked_pops, publishes the result in
// its MappingTable, and pushes the diff (if any) to the resolver configuration sink.
// Emits routing.mapping_updates / routing.mapping_rows_changed counters.
class MappingController {
 public:
  MappingController(std::vector<MappingTarget> targets, SelectionPolicy& policy, ResolverConfigSink& sink,
                    Clock& clock, TimerScheduler& timers, MetricsSink& metrics,
                    MappingControllerConfig config = {});
  ~MappingController();

  // Adjusters run after ranking, before truncation to ranked_pops (so a spill has PoPs to spill
  // to), in the order they were added. The adjuster must outlive the controller.
  void AddAdjuster(RankingAdjuster& adjuster);
  // Told each recompute's rankings and decisions (mapping_changes.csv's reasons); must outlive
  // the controller. nullptr = none.
  void SetDecisionObserver(MappingDecisionObserver* observer) { observer_ = observer; }

  // Before Start: takes a saved mapping (a restarted controller) and pushes it to the sink, so
  // DNS answers from it before any new measurement; the next version is `version` + 1.
  void Restore(const std::vector<MappingEntry>& rows, std::uint64_t version);

  void Start();  // recomputes now, then every recompute_interval
  void Stop();
  // One recomputation; returns the diff that was pushed (possibly empty).
  MappingDiff RecomputeNow();

  const MappingTable& Table() const { return table_; }
  const std::vector<MappingTarget>& Targets() const { return targets_; }

 private:
  void ScheduleNext();

  std::vector<MappingTarget> targets_;
  SelectionPolicy& policy_;
  ResolverConfigSink& sink_;
  Clock& clock_;
  TimerScheduler& timers_;
  MetricsSink& metrics_;
  MappingControllerConfig config_;
  MappingTable table_;
  std::vector<RankingAdjuster*> adjusters_;
  std::optional<TimerId> timer_;
  MappingDecisionObserver* observer_ = nullptr;
};

}  // namespace cdnlab
