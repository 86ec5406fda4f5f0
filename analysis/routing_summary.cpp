#include "analysis/routing_summary.h"

#include <algorithm>
#include <limits>
#include <set>
#include <stdexcept>

#include "analysis/routing_flap_counter.h"
#include "analysis/weighted_percentile.h"
#include "models/routing/metric_names.h"

namespace cdnlab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

RoutingSummaryBuilder::RoutingSummaryBuilder(RoutingSummaryContext context) : context_(std::move(context)) {}

RoutingSummaryBuilder::RoutingSummaryBuilder(std::map<std::string, double> population_by_group,
                                             std::vector<EventWindow> events)
    : RoutingSummaryBuilder(RoutingSummaryContext{std::move(population_by_group), {}, {}, std::move(events), 0, 0}) {}

bool RoutingSummaryBuilder::IsIpv6(const MetricsRecorder::SampleRecord& sample) {
  return sample.Label(metric::kLabelFamily) == metric::kFamilyIpv6;
}

double RoutingSummaryBuilder::WeightOf(const MetricsRecorder::SampleRecord& sample, Weighting weighting) const {
  const std::string& group = sample.Label(metric::kLabelGroup);
  auto it = context_.population_by_group.find(group);
  if (it == context_.population_by_group.end()) {
    // A sample from a group the scenario does not have is a wiring bug, not data to guess at.
    throw std::logic_error("metric sample '" + sample.Name() + "' names unknown group '" + group + "'");
  }
  if (weighting == Weighting::kPopulation) return it->second;
  const auto share = context_.ipv6_share_by_group.find(group);
  if (share == context_.ipv6_share_by_group.end()) {
    if (IsIpv6(sample)) throw std::logic_error("IPv6 sample '" + sample.Name() + "' of IPv4-only group '" + group + "'");
    return it->second;
  }
  return it->second * (IsIpv6(sample) ? share->second : 1.0 - share->second);
}

Quantiles RoutingSummaryBuilder::WeightedQuantiles(const std::vector<const MetricsRecorder::SampleRecord*>& samples,
                                                   Weighting weighting) const {
  Quantiles q;
  std::vector<WeightedValue> values;
  values.reserve(samples.size());
  double weighted_sum = 0;
  double total_weight = 0;
  for (const auto* s : samples) {
    const double w = WeightOf(*s, weighting);
    values.push_back({s->value, w});
    weighted_sum += w * s->value;
    total_weight += w;
  }
  q.count = samples.size();
  q.p50 = WeightedPercentile(values, 0.50);
  q.p95 = WeightedPercentile(values, 0.95);
  q.mean = total_weight > 0 ? weighted_sum / total_weight : kNaN;
  return q;
}

void RoutingSummaryBuilder::SplitByFamily(const std::vector<const MetricsRecorder::SampleRecord*>& samples,
                                          Weighting weighting, std::optional<Quantiles>& ipv4,
                                          std::optional<Quantiles>& ipv6) const {
  if (context_.ipv6_share_by_group.empty()) return;
  std::vector<const MetricsRecorder::SampleRecord*> v4;
  std::vector<const MetricsRecorder::SampleRecord*> v6;
  for (const auto* r : samples) (IsIpv6(*r) ? v6 : v4).push_back(r);
  ipv4 = WeightedQuantiles(v4, weighting);
  ipv6 = WeightedQuantiles(v6, weighting);
}

void RoutingSummaryBuilder::SplitRegretByResolver(const std::vector<const MetricsRecorder::SampleRecord*>& regret,
                                                  RoutingPolicySummary& s) const {
  if (context_.public_resolver_groups.empty()) return;
  std::vector<const MetricsRecorder::SampleRecord*> public_users;
  std::vector<const MetricsRecorder::SampleRecord*> isp_users;
  for (const auto* r : regret) {
    const bool is_public = context_.public_resolver_groups.count(r->Label(metric::kLabelGroup)) != 0;
    (is_public ? public_users : isp_users).push_back(r);
  }
  s.regret_public_ms = WeightedQuantiles(public_users, Weighting::kPopulationByFamilyShare);
  s.regret_isp_ms = WeightedQuantiles(isp_users, Weighting::kPopulationByFamilyShare);
}

std::vector<EventSettle> RoutingSummaryBuilder::Settles(
    const std::vector<const MetricsRecorder::SampleRecord*>& changes) const {
  std::vector<EventSettle> out;
  for (const auto& window : context_.events) {
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
    out.push_back(e);
  }
  return out;
}

double RoutingSummaryBuilder::PerGroupPerMinute(double total) const {
  const double minutes = context_.duration_s / 60;
  if (minutes <= 0 || context_.population_by_group.empty()) return kNaN;
  return total / static_cast<double>(context_.population_by_group.size()) / minutes;
}

MeasurementOverhead RoutingSummaryBuilder::Overhead(const MetricsRecorder& recorder,
                                                    const RoutingRunTotals& totals) const {
  MeasurementOverhead o;
  o.probe_packets = recorder.Counter(metric::kProbePackets);
  o.probe_bytes = recorder.Counter(metric::kProbeBytes);
  o.rum_test_fetches = recorder.Counter(metric::kRumTestFetches);
  o.rum_beacons = static_cast<double>(totals.rum_beacons_sent);
  o.rum_bytes = recorder.Counter(metric::kRumBytes);
  o.packets_per_group_per_min = PerGroupPerMinute(o.probe_packets + o.rum_test_fetches + o.rum_beacons);
  o.bytes_per_group_per_min = PerGroupPerMinute(o.probe_bytes + o.rum_bytes);
  return o;
}

RoutingPolicySummary RoutingSummaryBuilder::Summarize(const std::string& label, const MetricsRecorder& recorder,
                                                      const RoutingRunTotals& totals) const {
  RoutingPolicySummary s;
  s.policy = label;
  const auto regret = recorder.SamplesNamed(metric::kRegretMs);
  // Regret is sampled per group (and family), so a family's samples count by its share of the
  // group's users; downloads are one sample per download, so they already come in that share.
  s.regret_ms = WeightedQuantiles(regret, Weighting::kPopulationByFamilyShare);
  SplitRegretByResolver(regret, s);
  SplitByFamily(regret, Weighting::kPopulationByFamilyShare, s.regret_ipv4_ms, s.regret_ipv6_ms);
  const auto downloads = recorder.SamplesNamed(metric::kDownloadMs);
  s.download_ms = WeightedQuantiles(downloads);
  SplitByFamily(downloads, Weighting::kPopulation, s.download_ipv4_ms, s.download_ipv6_ms);
  s.downloads_failed = recorder.Counter(metric::kDownloadFailed);
  s.dns_failures = recorder.Counter(metric::kDnsFailed);
  s.dns_updates = recorder.Counter(metric::kMappingUpdates);
  s.dns_update_rows = recorder.Counter(metric::kMappingRowsChanged);
  s.dns_queries_answered = static_cast<double>(totals.dns_queries_answered);
  s.dns_queries_per_min = context_.duration_s > 0 ? s.dns_queries_answered / (context_.duration_s / 60) : kNaN;
  s.probe_packets = recorder.Counter(metric::kProbePackets);
  s.probe_bytes = recorder.Counter(metric::kProbeBytes);
  s.probe_trains = recorder.Counter(metric::kProbeTrains);
  s.overhead = Overhead(recorder, totals);
  s.rum = SummarizeRum(totals.rum_page_views, totals.rum_beacons_by_verdict);
  s.overload = SummarizeOverload(totals.pop_overload);
  s.capacity_spilled_rows = totals.capacity_spilled_rows;
  s.dwell_held_rows = totals.dwell_held_rows;

  const auto changes = recorder.SamplesNamed(metric::kEffectiveChange);
  std::vector<std::string> groups;
  for (const auto& entry : context_.population_by_group) groups.push_back(entry.first);
  const double evaluated_h = context_.duration_s > 0 ? (context_.duration_s - context_.warmup_s) / 3600 : 0;
  // Flaps per group follow its IPv4 users' answers (a dual-stack group's IPv6 users get their
  // own changes, which would count the same move twice); settle times count every change.
  std::vector<const MetricsRecorder::SampleRecord*> ipv4_changes;
  for (const auto* c : changes) {
    if (!IsIpv6(*c)) ipv4_changes.push_back(c);
  }
  s.flaps = CountFlaps(ipv4_changes, groups, context_.warmup_s, evaluated_h);
  s.events = Settles(changes);
  return s;
}

OverloadSummary SummarizeOverload(const std::vector<PopOverload>& pops) {
  OverloadSummary o;
  o.pops = pops;
  for (const auto& p : pops) {
    if (p.capacity_rps > 0 && p.peak_ratio > o.peak_ratio) {  // ties keep the first PoP
      o.peak_ratio = p.peak_ratio;
      o.peak_pop = p.pop;
    }
    if (p.seconds_over > 0) ++o.overloaded_pops;
    o.seconds_over = std::max(o.seconds_over, p.seconds_over);
    o.excess_requests += p.excess_demand_rps_s;
  }
  return o;
}

RumSummary SummarizeRum(std::uint64_t page_views, const std::map<std::string, std::uint64_t>& by_verdict) {
  RumSummary r;
  r.page_views = page_views;
  r.beacons_by_verdict = by_verdict;
  for (const auto& [verdict, count] : by_verdict) {
    (verdict == "accepted" ? r.beacons_accepted : r.beacons_rejected) += count;
  }
  return r;
}

}  // namespace cdnlab
