#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "analysis/metrics_recorder.h"
#include "models/routing/pop_load_meter.h"

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

// What the summary needs to know about the scenario (the same for every policy).
struct RoutingSummaryContext {
  std::map<std::string, double> population_by_group;
  // Groups whose resolver is a public one; empty = the scenario has none, no public/ISP split.
  std::set<std::string> public_resolver_groups;
  // Dual-stack groups: the share of their users' requests made over IPv6. Their regret samples
  // come in pairs (IPv4 users, and IPv6 users labelled family=ipv6), weighted population x share.
  // Empty = no dual-stack group, no per-family split.
  std::map<std::string, double> ipv6_share_by_group;
  std::vector<EventWindow> events;
  double warmup_s = 0;    // flaps count from here on, like regret
  double duration_s = 0;  // 0 = unknown: per-minute and per-hour rates are NaN
};

// What a policy run reports besides its metrics (copied from sim's RoutingRunResult, so
// analysis/ does not depend on the simulator).
struct RoutingRunTotals {
  std::uint64_t dns_queries_answered = 0;  // at the authoritative, whole run
  std::uint64_t rum_page_views = 0;
  std::uint64_t rum_beacons_sent = 0;
  std::map<std::string, std::uint64_t> rum_beacons_by_verdict;  // "accepted", "replayed", ...
  std::vector<PopOverload> pop_overload;   // per PoP, after the warm-up
  std::uint64_t capacity_spilled_rows = 0;
  std::uint64_t dwell_held_rows = 0;
};

// Answered-PoP changes (routing.effective_change after the warm-up): a policy that keeps
// switching groups back and forth costs cache hit ratio and TCP warmth even at low regret.
struct FlapStats {
  std::size_t changes = 0;
  double per_group_per_hour = 0;      // changes / groups / evaluated hours
  double max_group_per_hour = 0;      // the worst group's rate
  std::string max_group;              // "" when no group changed
};

// Traffic spent measuring, whole run. A RUM exchange (a test-object fetch or a beacon) counts
// as one packet in `packets_per_group_per_min`: a lower bound, as it is an HTTP exchange over
// TCP; its bytes are exact (payload).
struct MeasurementOverhead {
  double probe_packets = 0;
  double probe_bytes = 0;
  double rum_test_fetches = 0;
  double rum_beacons = 0;
  double rum_bytes = 0;
  double packets_per_group_per_min = 0;
  double bytes_per_group_per_min = 0;
};

struct RumSummary {
  std::uint64_t page_views = 0;
  std::uint64_t beacons_accepted = 0;
  std::uint64_t beacons_rejected = 0;                    // every other verdict
  std::map<std::string, std::uint64_t> beacons_by_verdict;
};

// The worst PoP overload of the run (demand mapped to a PoP above its capacity_rps).
struct OverloadSummary {
  double peak_ratio = 0;             // max over PoPs of peak demand / capacity (0: no capacities)
  std::string peak_pop;              // the PoP with that ratio ("" when none is capacity-limited)
  std::size_t overloaded_pops = 0;   // PoPs over capacity at some time
  double seconds_over = 0;           // the longest time any PoP spent over capacity
  double excess_requests = 0;        // requests beyond capacity, summed over PoPs
  std::vector<PopOverload> pops;
};

struct RoutingPolicySummary {
  std::string policy;      // the policy's label (results are keyed by it)
  std::string kind;        // probe | rum | hybrid | anycast | geo | random | oracle ("" if unknown)
  std::string map_by;      // client_subnet | resolver ("" if unknown)
  // Runs whose authoritative honours ECS: whether answers carried the widest true scope.
  std::optional<bool> scope_aggregation;
  double dns_ttl_s = 0;    // the TTL this run answered with (0 if unknown)
  Quantiles regret_ms;     // population-weighted over groups and sample times
  // The same split by the groups' resolver, when the scenario has public resolvers.
  std::optional<Quantiles> regret_public_ms;
  std::optional<Quantiles> regret_isp_ms;
  // The same split by the users' address family, when the scenario has dual-stack groups.
  std::optional<Quantiles> regret_ipv4_ms;
  std::optional<Quantiles> regret_ipv6_ms;
  std::optional<Quantiles> download_ipv4_ms;
  std::optional<Quantiles> download_ipv6_ms;
  Quantiles download_ms;   // population-weighted over downloads
  double downloads_failed = 0;
  double dns_failures = 0;
  double dns_updates = 0;      // non-empty mapping diffs pushed to DNS
  double dns_update_rows = 0;  // rows in those diffs
  double dns_queries_answered = 0;
  double dns_queries_per_min = 0;  // at the authoritative, over the whole run
  // Runs mapped by client subnet that have a run of the same kind mapped by resolver (see
  // CompareEcsWithResolverMapping): that run's label, and this run's query rate over its.
  std::string resolver_mapped_policy;
  std::optional<double> ecs_query_rate_over_resolver;
  double probe_packets = 0;
  double probe_bytes = 0;
  double probe_trains = 0;
  FlapStats flaps;
  MeasurementOverhead overhead;
  RumSummary rum;
  OverloadSummary overload;
  std::uint64_t capacity_spilled_rows = 0;
  std::uint64_t dwell_held_rows = 0;
  std::vector<EventSettle> events;
};

// Turns one policy run's recorded metrics into the numbers summary.json reports.
class RoutingSummaryBuilder {
 public:
  explicit RoutingSummaryBuilder(RoutingSummaryContext context);
  // Without duration and warm-up: rates per time are NaN, flaps count from t = 0.
  RoutingSummaryBuilder(std::map<std::string, double> population_by_group, std::vector<EventWindow> events);

  // `label` keys the result. Throws std::logic_error for a sample naming an unknown group.
  RoutingPolicySummary Summarize(const std::string& label, const MetricsRecorder& recorder,
                                 const RoutingRunTotals& totals = {}) const;

 private:
  // How each sample counts: its group's population; with per_user_family (samples taken per
  // group and family, like regret), times the share of the group's requests in that family.
  enum class Weighting { kPopulation, kPopulationByFamilyShare };
  Quantiles WeightedQuantiles(const std::vector<const MetricsRecorder::SampleRecord*>& samples,
                              Weighting weighting = Weighting::kPopulation) const;
  double WeightOf(const MetricsRecorder::SampleRecord& sample, Weighting weighting) const;
  void SplitByFamily(const std::vector<const MetricsRecorder::SampleRecord*>& samples, Weighting weighting,
                     std::optional<Quantiles>& ipv4, std::optional<Quantiles>& ipv6) const;
  void SplitRegretByResolver(const std::vector<const MetricsRecorder::SampleRecord*>& regret,
                             RoutingPolicySummary& s) const;
  static bool IsIpv6(const MetricsRecorder::SampleRecord& sample);
  std::vector<EventSettle> Settles(const std::vector<const MetricsRecorder::SampleRecord*>& changes) const;
  MeasurementOverhead Overhead(const MetricsRecorder& recorder, const RoutingRunTotals& totals) const;
  // total / (groups x run minutes); NaN when the duration is unknown.
  double PerGroupPerMinute(double total) const;

  RoutingSummaryContext context_;
};

// From the per-PoP overload of a run.
OverloadSummary SummarizeOverload(const std::vector<PopOverload>& pops);
// From the beacon counts by collector verdict.
RumSummary SummarizeRum(std::uint64_t page_views, const std::map<std::string, std::uint64_t>& by_verdict);

}  // namespace cdnlab
