#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/ports/metrics_sink.h"
#include "models/ports/name_resolver.h"
#include "models/routing/pop_load_meter.h"
#include "models/routing/probe_scheduler.h"
#include "scenarios/core/scenario.h"
#include "sim/net/progress.h"

namespace cdnlab {

// Where a client group ended up: the PoP its prefix is mapped to, and what was measured.
struct GroupFinalState {
  std::string group;
  std::string pop;                     // "" when unmapped
  std::string pop6;                    // its IPv6 prefix's PoP: "" when unmapped or IPv4-only
  std::map<std::string, double> measured_rtt_ms;  // by PoP id; fresh cells only
  double true_rtt_ms = 0;              // to `pop`, from the topology
};

// What one policy run did, beyond the metrics it streamed to the sink.
struct RoutingRunResult {
  std::string policy;  // the spec's name as written
  std::string label;   // the spec's result label (unique per scenario)
  std::uint64_t probe_rounds = 0;
  ProbeOverhead probe_overhead;
  // The RUM tool (rum, hybrid): page views started, test-object fetches started, bytes on the
  // wire (test objects received + beacons sent, payload only) and beacons by collector verdict
  // ("accepted", "replayed", ..., "malformed", "oversized").
  std::uint64_t rum_page_views = 0;
  std::uint64_t rum_test_fetches = 0;
  std::uint64_t rum_bytes = 0;
  std::uint64_t rum_beacons_sent = 0;
  std::map<std::string, std::uint64_t> rum_beacons_by_verdict;
  // Per PoP (catalog order), from the published table and each row's demand after the
  // warm-up, for every policy.
  std::vector<PopOverload> pop_overload;
  std::uint64_t capacity_spilled_rows = 0;  // rows moved by capacity_spill, over all recomputes
  std::uint64_t dwell_held_rows = 0;        // switches min_dwell_s held back, over all recomputes
  std::uint64_t mapping_versions_pushed = 0;   // the controller's final table version
  std::uint64_t dns_replica_version = 0;       // the DNS node's replica version at the end
  bool dns_replica_matches_controller = false;
  std::uint64_t dns_queries_answered = 0;      // by the authoritative node
  std::map<DnsRcode, std::uint64_t> dns_answers_by_rcode;  // the same, by rcode (only those seen)
  std::uint64_t resolver_upstream_queries = 0;
  std::uint64_t config_retransmissions = 0;
  std::uint64_t downloads_started = 0;
  std::uint64_t downloads_completed = 0;
  std::uint64_t downloads_failed = 0;
  // IPv6 (dual-stack groups only): downloads over IPv6, and at the authoritative the AAAA
  // queries, those with an ECS family 2 subnet, and those answered by an IPv6 row (scope > 0).
  std::uint64_t downloads_started_ipv6 = 0;
  std::uint64_t downloads_completed_ipv6 = 0;
  std::uint64_t dns_aaaa_queries = 0;
  std::uint64_t dns_ecs6_queries = 0;
  std::uint64_t dns_ecs6_answered_by_row = 0;
  std::vector<double> event_times_s;           // timeline events as applied
  std::vector<GroupFinalState> final_groups;   // at the end of the run
  std::uint64_t simulator_events = 0;          // ns-3 events executed (benchmarks' denominator)
};

// Runs request routing for one policy on the network of `scenario.fidelity` (packet: ns-3
// nodes, links and sockets; flow: delays computed from the topology, see sim/flow/): its
// measurement sources (probes for probe/measured, the RUM tool in page views for rum, both for
// hybrid), the mapping controller (with min-dwell and capacity-spill adjusters when asked)
// pushing diffs to the authoritative DNS node, caching resolvers, clients downloading over
// TCP, the timeline, and the evaluator (which sees what resolver caches hand out).
// Deterministic for a given scenario (seed included); callable repeatedly in one process.
// Throws std::invalid_argument for a policy it cannot build.
// `progress`, when set, hears the simulated time about 200 times over the run.
RoutingRunResult RunRoutingExperiment(const Scenario& scenario, const PolicySpec& policy, MetricsSink& metrics,
                                      const SimProgress& progress = {});

}  // namespace cdnlab
