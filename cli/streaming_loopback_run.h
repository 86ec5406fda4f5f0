#pragma once
// A scenario's live streaming on real processes on loopback (the real side of
// `cdnlab compare-streaming`):
//  - the balancer, every ingest and every cache are `cdnlab realnet stream-*` child processes
//    configured from the scenario (balancing, health checks, playlist window and target
//    duration, cache TTLs, eviction, capacity, and the simulation's timeouts: the balancer's
//    proxy timeout and the caches' fetch timeouts, StreamingTimeoutsFor); an edge without a parent runs as a mid-tier
//    cache (it fetches from the ingests, as in the simulation); an ingest with join_at_s starts
//    then; an ingest_fail event is a SIGKILL of that ingest (or of the live ingest whose playlist
//    of the stream is newest) at that time;
//  - each publisher is the LivePublisher model uploading synthetic segments of its bitrate over
//    real HTTP PUT through the virtual address, with playlist uploads like ffmpeg's
//    (HttpSegmentUploader);
//  - viewers are the LivePlayer model over real HTTP (HttpContentFetcher), with the
//    simulation's ids and join times; at most `max_viewers` of them, taken in turn from each
//    group (so every group plays), the rest are not run.
// Time 0 is when every initial ingest is registered and healthy at the balancer; the run lasts
// the scenario's duration_s of wall-clock time. The links' delays and bandwidths are not
// reproduced (everything is loopback): compare with scenarios whose links are fast and short.
// Fills the StreamingRunResult fields the comparison and the viewer CSV read: viewers (their
// failure, recovery, skips and glass-to-glass latency measured as the simulation measures
// them), failures (affected viewers, detection read from the balancer's /members, publisher reconnect, recovery) and publishers; caches,
// ingests and availability stay empty. Logs of every process go to <out_dir>/logs/.
#include <cstdint>
#include <string>

#include "analysis/streaming_results.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

struct LoopbackStreamingOptions {
  std::string cdnlab_binary;  // the program whose `realnet stream-*` services run
  std::string out_dir;
  std::uint16_t port_base = 30500;  // every port is port_base + k (k < 3 + 3 x ingests + 2 x caches)
  std::size_t max_viewers = 8;
  double ready_timeout_s = 20;      // for the services to listen and the ingests to register
  // How an ingest_fail event kills: SIGKILL (a process crash: the host's kernel refuses new
  // connections at once), or SIGSTOP (a frozen process or a dead host: connections and probes go
  // unanswered until they time out, as the simulation's failure cuts the ingest's link).
  int fail_signal = 9;
};

// Throws std::runtime_error when a service cannot start or does not become ready.
StreamingRunResult RunStreamingOnLoopback(const Scenario& scenario, const LoopbackStreamingOptions& options);

}  // namespace cdnlab
