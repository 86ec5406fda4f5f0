#include "analysis/routing_summary.h"

#include <algorithm>
#include <limits>
#include <set>
#include <stdexcept>

#include "analysis/weighted_percentile.h"
#include "models/routing/routing_metric_names.h"

namespace cdnlab {

RoutingSummaryBuilder::RoutingSummaryBuilder(std::map<std::string, double> population_by_group,
                                             std::vector<EventWindow> events)
    : population_by_group_(std::move(population_by_group)), events_(std::move(events)) {}

double RoutingSummaryBuilder::WeightOf(const MetricsRecorder::SampleRecord& sample) const {
  const std::string& group = sample.Label(metric::kLabelGroup);
  auto it = population_by_group_.find(group);
  if (it == population_by_group_.end()) {
    // A sample from a group the scenario does not have is a wiring bug, not data to guess at.
    throw std::logic_error("metric sample '" + sample.name + "' names unknown group '" + group + "'");
  }
  return it->second;
}

Quantiles RoutingSummaryBuilder::WeightedQuantiles(
    const std::vector<const MetricsRecorder::SampleRecord*>& samples) const {
  Quantiles q;
  std::vector<WeightedValue> values;
  values.reserve(samples.size());
  double weighted_sum = 0;
  double total_weight = 0;
  for (const auto* s : samples) {
    const double w = WeightOf(*s);
    values.push_back({s->value, w});
    weighted_sum += w * s->value;
    total_weight += w;
  }
  q.count = samples.size();
  q.p50 = WeightedPercentile(values, 0.50);
  q.p95 = WeightedPercentile(values, 0.95);
  q.mean = total_weight > 0 ? weighted_sum / total_weight : std::numeric_limits<double>::quiet_NaN();
  return q;
}

RoutingPolicySummary RoutingSummaryBuilder::Summarize(const std::string& policy,
                                                      const MetricsRecorder& recorder) const {
  RoutingPolicySummary s;
  s.policy = policy;
  s.regret_ms = WeightedQuantiles(recorder.SamplesNamed(metric::kRegretMs));
  s.download_ms = WeightedQuantiles(recorder.SamplesNamed(metric::kDownloadMs));
  s.downloads_failed = recorder.Counter(metric::kDownloadFailed);
  s.dns_failures = recorder.Counter(metric::kDnsFailed);
  s.dns_updates = recorder.Counter(metric::kMappingUpdates);
  s.dns_update_rows = recorder.Counter(metric::kMappingRowsChanged);
  s.probe_packets = recorder.Counter(metric::kProbePackets);
  s.probe_bytes = recorder.Counter(metric::kProbeBytes);
  s.probe_trains = recorder.Counter(metric::kProbeTrains);

  const auto changes = recorder.SamplesNamed(metric::kEffectiveChange);
  for (const auto& window : events_) {
    EventSettle e;
    e.at_s = window.at_s;
    e.description = window.description;
    std::set<std::string> groups;
    for (const auto* c : changes) {
      const double t = ToSeconds(c->at);
      if (t < window.at_s || t >= window.until_s) continue;
      e.settle_s = std::max(e.settle_s, t - window.at_s);
      groups.insert(c->Label(metric::kLabelGroup));
    }
    e.remapped_groups = groups.size();
    s.events.push_back(e);
  }
  return s;
}

}  // namespace cdnlab
