#pragma once
// The metric names the ns-3 runtime itself emits (beside the routing models' names in
// models/routing/metric_names.h), listed in one place so analysis/ never guesses.
namespace cdnlab::sim_metric {

// counters
inline constexpr const char* kDnsUpstreamQueries = "dns.upstream_queries";        // resolver -> authoritative, retries included
// At the authoritative, IPv6 only (IPv4 queries are in dns_queries): AAAA queries, those with
// an ECS family 2 subnet, and those of them answered by an IPv6 mapping row (scope > 0).
inline constexpr const char* kDnsAaaaQueries = "dns.aaaa_queries";
inline constexpr const char* kDnsEcs6Queries = "dns.ecs6_queries";
inline constexpr const char* kDnsEcs6AnsweredByRow = "dns.ecs6_answered_by_row";
inline constexpr const char* kTimelineEventsApplied = "timeline.events_applied";

// samples
inline constexpr const char* kDnsReplicaVersion = "dns.replica_version";  // value = version the DNS node now holds
inline constexpr const char* kTimelineEvent = "timeline.event";           // value = index in Scenario::timeline; label type

// label keys
inline constexpr const char* kLabelEventType = "type";  // link_change | pop_fail | pop_recover

}  // namespace cdnlab::sim_metric
