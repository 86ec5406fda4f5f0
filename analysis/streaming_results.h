#pragma once
// What one live-streaming run produced, as plain data: every viewer, every cache node and
// ingest, each stream's availability at the caches, the scale-out and the ingest failures.
// The ns-3 runtime fills it (sim/streaming/experiment.h); the summary, CSV and table writers
// read it. Times are seconds from the start of the run unless the name says otherwise.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/weighted_percentile.h"

namespace cdnlab {

struct StreamingViewerResult {
  std::string viewer;   // "<group>-<n>"
  std::string group;
  std::string edge;
  std::string stream;
  double join_s = 0;
  std::optional<double> startup_ms;  // join -> first frame (none: not started)
  bool failed_start = false;         // not started within the player's give-up time
  // Its stream ended (EXT-X-ENDLIST): when playback ended after the last segment, or when a
  // viewer that joined after the end was told so (then without startup_ms). None: no end seen.
  std::optional<double> ended_s;
  std::uint64_t stalls = 0;
  double stall_ms = 0;
  double played_s = 0;
  std::uint64_t segments_fetched = 0;
  std::uint64_t fetch_failures = 0;
  // An ingest failure hit its stream while it was playing: when it played again (playing, with
  // a segment that came through the stream's new ingest), in seconds after the failure.
  bool affected = false;
  std::optional<double> resumed_after_s;
  std::uint64_t stalls_after_failure = 0;
  double stall_ms_after_failure = 0;
  // Jumps past segments no longer listed (LivePlayer skips like hls.js and ffmpeg), and the
  // content time jumped over.
  std::uint64_t skips = 0;
  double skipped_ms = 0;
  // Glass-to-glass latency per segment played, as runs of equal values (analysis/streaming_latency.h).
  std::vector<WeightedValue> latency_ms;
};

struct StreamingAvailabilityResult {
  std::string stream;
  std::optional<double> first_segment_s;  // its first segment was ingested (anywhere)
  // Edge (and mid-tier) id -> ms from the first ingested segment to the stream's appearance
  // in that cache's stream directory (none: never appeared).
  std::map<std::string, std::optional<double>> edges_ms;
  std::map<std::string, std::optional<double>> mids_ms;
};

struct StreamingCacheResult {
  std::string node;
  std::string tier;  // edge | mid
  std::uint64_t requests = 0;
  std::uint64_t hits = 0;
  std::uint64_t collapsed = 0;
  std::uint64_t upstream_requests = 0;
  std::uint64_t upstream_failures = 0;
  std::uint64_t not_found = 0;
  std::uint64_t segment_requests = 0;        // segments asked of this node
  std::uint64_t segments_fetched = 0;        // distinct segments it fetched upstream
  std::uint64_t segment_upstream_requests = 0;
  double upstream_per_segment_mean = 0;      // over the distinct segments it fetched
  std::uint64_t upstream_per_segment_max = 0;
  std::uint64_t evictions = 0;
  std::uint64_t bytes_cached = 0;            // at the end
  // LL-HLS playlist requests with delivery directives (BlockingReloadRelay): received,
  // answered from a kept answer, collapsed into one waiting upstream, sent upstream.
  std::uint64_t blocking_reloads = 0;
  std::uint64_t blocking_hits = 0;
  std::uint64_t blocking_collapsed = 0;
  std::uint64_t blocking_upstream = 0;
};

struct StreamingIngestResult {
  std::string id;
  double join_at_s = 0;
  std::optional<double> failed_at_s;
  std::uint64_t segments_accepted = 0;
  std::uint64_t requests_served = 0;        // playlist and segment requests from caches
  std::uint64_t segment_requests_served = 0;
  std::vector<std::string> streams_held;    // streams it accepted segments of, sorted
};

// An ingest that joined the pool during the run.
struct StreamingScaleOutResult {
  std::string ingest;
  double at_s = 0;
  // Every server that existed before the join (ingests: their relay lists; mid-tier and edge
  // caches: their parents) compared before and after it: how many changed, of how many.
  std::size_t servers_compared = 0;
  std::size_t config_changes = 0;
  std::vector<std::string> changed_servers;
  // The balancer's sessions per member just before the join, just after it, and at the next
  // event (the next failure, or the end of the run).
  std::map<std::string, std::size_t> sessions_before;
  std::map<std::string, std::size_t> sessions_just_after;
  std::map<std::string, std::size_t> sessions_later;
  double later_at_s = 0;
  std::vector<std::string> streams_taken;   // streams whose session started on the new ingest
};

// How long after an ingest failure every affected viewer can take to play again, term by term
// (sim/streaming/experiment.cpp derives it from the scenario and the network):
struct StreamingRecoveryBound {
  double detection_s = 0;        // unhealthy_after x interval + probe timeout
  double reconnect_s = 0;        // an upload forwarded to the dead ingest just before detection times
                                 // out (forward timeout), the publisher's reconnect delay, then one
                                 // upload through the virtual address to the new ingest
  double switch_s = 0;           // the new ingest's announcement reaches the caches; a cache request
                                 // sent to the dead ingest just before fails only after its timeout;
                                 // the player retries a failed fetch after its retry delay
  double playlist_refresh_s = 0; // the player's playlist period + two tiers of cached playlist (ttl)
  double segment_s = 0;          // a full player buffer frees a slot within one segment duration, then
                                 // one segment from the new ingest through the tiers to the viewer
  double total_s = 0;
};

struct StreamingFailureResult {
  double at_s = 0;
  std::string ingest;                      // the ingest that failed
  std::string requested;                   // what the event named (an ingest or "stream <id>")
  std::vector<std::string> streams;        // streams it held then
  std::optional<double> detection_s;       // -> the balancer's health checker marked it down
  std::map<std::string, std::optional<double>> publisher_reconnect_s;  // per stream -> first segment at a new ingest
  std::map<std::string, std::string> new_ingest;                       // per stream
  std::size_t affected_viewers = 0;        // playing one of `streams` at the failure
  std::size_t viewers_stalled = 0;         // of those, stalled at least once afterwards
  std::size_t viewers_resumed = 0;
  double max_stalled_s = 0;              // the most time one affected viewer spent stalled afterwards
  std::optional<double> recovery_s;        // every affected viewer played again (none: some never did)
  StreamingRecoveryBound bound;
};

struct StreamingPublisherResult {
  std::string stream;
  std::uint64_t segments_published = 0;
  std::uint64_t reconnects = 0;
  std::uint64_t segments_dropped = 0;
  std::string last_ingest;
};

struct StreamingRunResult {
  std::string balancing;
  std::vector<StreamingViewerResult> viewers;            // by group (scenario order), then n
  std::vector<StreamingAvailabilityResult> availability; // by publisher (scenario order)
  std::vector<StreamingCacheResult> caches;              // mids, then edges (scenario order)
  std::vector<StreamingIngestResult> ingests;            // scenario order
  std::vector<StreamingPublisherResult> publishers;      // scenario order
  std::vector<StreamingScaleOutResult> scale_outs;       // by time
  std::vector<StreamingFailureResult> failures;          // by time
  std::uint64_t healthy_sessions_moved = 0;
  std::uint64_t uploads_ok = 0;
  std::uint64_t uploads_failed = 0;
  std::uint64_t simulator_events = 0;  // ns-3 events executed (benchmarks; not in the summary)
};

}  // namespace cdnlab
