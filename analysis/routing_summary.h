#pragma once
#include <map>
#include <string>
#include <vector>

#include "analysis/metrics_recorder.h"

namespace cdnlab {

// A timeline event as the summary sees it: when it happened and until when its effects
// are attributed to it (the next event, or the end of the run).
struct EventWindow {
  double at_s = 0;
  double until_s = 0;
  std::string description;
};

struct Quantiles {
  double p50 = 0;
  double p95 = 0;
  double mean = 0;
  std::size_t count = 0;
};

struct EventSettle {
  double at_s = 0;
  std::string description;
  double settle_s = 0;        // last change of any group's answered PoP in the window, minus at_s
  std::size_t remapped_groups = 0;  // groups whose answered PoP changed in the window
};

struct RoutingPolicySummary {
  std::string policy;
  Quantiles regret_ms;     // population-weighted over groups and sample times
  Quantiles download_ms;   // population-weighted over downloads
  double downloads_failed = 0;
  double dns_failures = 0;
  double dns_updates = 0;      // non-empty mapping diffs pushed to DNS
  double dns_update_rows = 0;  // rows in those diffs
  double probe_packets = 0;
  double probe_bytes = 0;
  double probe_trains = 0;
  std::vector<EventSettle> events;
};

// Turns one policy run's recorded metrics into the numbers summary.json reports.
class RoutingSummaryBuilder {
 public:
  RoutingSummaryBuilder(std::map<std::string, double> population_by_group, std::vector<EventWindow> events);
  RoutingPolicySummary Summarize(const std::string& policy, const MetricsRecorder& recorder) const;

 private:
  Quantiles WeightedQuantiles(const std::vector<const MetricsRecorder::SampleRecord*>& samples) const;
  double WeightOf(const MetricsRecorder::SampleRecord& sample) const;

  std::map<std::string, double> population_by_group_;
  std::vector<EventWindow> events_;
};

}  // namespace cdnlab
