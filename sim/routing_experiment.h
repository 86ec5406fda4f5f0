#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/ports/metrics_sink.h"
#include "models/ports/name_resolver.h"
#include "models/routing/probe_scheduler.h"
#include "scenarios/scenario.h"

namespace cdnlab {

// Where a client group ended up: the PoP its prefix is mapped to, and what was measured.
struct GroupFinalState {
  std::string group;
  std::string pop;                     // "" when unmapped
  std::map<std::string, double> measured_rtt_ms;  // by PoP id; fresh cells only
  double true_rtt_ms = 0;              // to `pop`, from the topology
};

// What one policy run did, beyond the metrics it streamed to the sink.
struct RoutingRunResult {
  std::string policy;
  std::uint64_t probe_rounds = 0;
  ProbeOverhead probe_overhead;
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
  std::vector<double> event_times_s;           // timeline events as applied
  std::vector<GroupFinalState> final_groups;   // at the end of the run
};

// Runs measured request routing for one policy on an ns-3 network built from the scenario:
// probing (policy `measured`), the mapping controller pushing diffs to the authoritative DNS
// node, caching resolvers, clients downloading over TCP, the timeline, and the evaluator.
// Deterministic for a given scenario (seed included); callable repeatedly in one process.
RoutingRunResult RunRoutingExperiment(const Scenario& scenario, const PolicySpec& policy, MetricsSink& metrics);

}  // namespace cdnlab
