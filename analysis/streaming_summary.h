#pragma once
// The run-level numbers of a live-streaming run and the "streaming" object of summary.json.
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/routing_summary.h"
#include "analysis/streaming_latency.h"
#include "analysis/streaming_results.h"

namespace cdnlab {

struct StreamingUpstreamPerSegment {
  double mean = 0;            // upstream requests per distinct segment fetched
  std::uint64_t max = 0;
  std::uint64_t segments = 0; // distinct (node, segment) pairs fetched upstream
};

struct StreamingAggregate {
  std::size_t viewers = 0;
  std::size_t started = 0;
  Quantiles startup_ms;             // over viewers that started
  double play_s = 0;
  double stall_s = 0;
  double stall_ratio = 0;           // stall time / (play + stall time), over all viewers
  std::uint64_t stalls = 0;
  std::size_t failed_starts = 0;
  std::size_t ended = 0;               // viewers that saw their stream end (ended_s)
  std::size_t ended_before_start = 0;  // of those, joined after the end: never started
  std::uint64_t skips = 0;             // players' jumps past segments no longer listed
  double skipped_s = 0;                // content jumped over, all viewers
  LatencyQuantiles latency;            // glass-to-glass, every segment played by every viewer
  // Per stream: ms from its first ingested segment to its appearance at each edge; the max
  // over edges (none when some edge never saw it).
  std::map<std::string, std::optional<double>> available_max_ms;
  std::map<std::string, StreamingUpstreamPerSegment> upstream_per_tier;  // "edge", "mid"
  // 100 x (1 - upstream requests / requests served): "edge" and "mid" per cache tier (all
  // their requests); "ingest": 1 - requests that reached the ingests / requests viewers made.
  std::map<std::string, double> offload_pct;
  std::map<std::string, double> segment_offload_pct;  // the same, counting segments only
  std::size_t config_changes_on_scale_out = 0;
  std::optional<double> recovery_s;  // the worst over failures (none: a viewer never resumed)
  bool recovery_within_bound = true;
};

StreamingAggregate SummarizeStreaming(const StreamingRunResult& run);

// The "streaming" object of summary.json: balancing, viewers, startup_delay_ms {p50, p95,
// mean, samples}, stall_ratio, stall_time_s, play_time_s, stalls, failed_starts,
// viewers_ended, viewers_ended_before_start, skips, skipped_s, latency_ms {p50, p95, samples},
// stream_available_ms {stream: {edges: {edge: ms}, max, mids: {mid: ms}}},
// recovery_s, failures[] {at_s, ingest, streams, detection_s, publisher_reconnect_s {stream},
// new_ingest {stream}, recovery_s, affected_viewers, viewers_stalled, viewers_resumed, max_stalled_s,
// bound_s {detection, reconnect, switch, playlist_refresh, segment, total}, within_bound},
// upstream_requests_per_segment {nodes: {node: {tier, mean, max, segments}}, tiers: {tier:
// {mean, max}}}, offload_pct {edge, mid, ingest}, segment_offload_pct {...},
// config_changes_on_scale_out, healthy_sessions_moved, scale_out[] {ingest, at_s,
// servers_compared, config_changes, changed_servers, sessions_before, sessions_just_after,
// sessions_later, later_at_s, streams_taken}, ingests[], publishers[], uploads {ok, failed}.
// Same number formats as the other parts, so equal runs give byte-identical files.
nlohmann::ordered_json StreamingSummaryJson(const StreamingRunResult& run);

}  // namespace cdnlab
