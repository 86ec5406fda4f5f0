#pragma once
// Runs a scenario's live streaming (issue 5) on the network its fidelity asks for
// (sim/streaming/runtime.h: ns-3 packets and TCP, or flow fidelity's computed transfers):
//  - the load balancer host holds the virtual address: an IngestFront routes every segment
//    upload with the IngestBalancer, whose members come and go with the MemberHealthChecker
//    (UDP probes to a HealthResponder on each ingest);
//  - each ingest runs an IngestServer, a StreamAnnouncer to the relays it is configured with
//    (the mid-tier caches, and any edge without a parent), an upload port and a content port;
//  - each mid-tier and edge cache runs a StreamDirectoryNode (edges subscribe to their mid),
//    a LiveCache and a LiveCacheNode serving playlists and segments over TCP; mids fetch
//    from the ingest their directory names, edges from their mid;
//  - each publisher is a LivePublisher on its own host, uploading through the virtual address;
//  - each viewer is a LivePlayer on its group's host, watching at its edge.
// Ingests join at join_at_s (scale-out); an ingest_fail event silences the ingest and cuts its
// access link; a publisher with stop_s stops then, and once its last upload has landed its
// session ends at the balancer and its ingest ends the stream (EXT-X-ENDLIST). Metrics
// stream to `metrics` as well. Deterministic for a given scenario (seed included); callable
// repeatedly in one process. Requires scenario.streaming.present.
#include "analysis/streaming_results.h"
#include "models/core/sim_time.h"
#include "models/ports/metrics_sink.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// How long each kind of exchange may take before it counts as failed. Tiered, so a cache
// that gives up on its upstream answers before the one below it gives up on it.
struct StreamingTimeouts {
  Duration forward;       // load balancer -> ingest (an upload to a dead ingest fails after this)
  Duration upload;        // publisher -> load balancer
  Duration mid_fetch;     // mid-tier (or an edge without a parent) -> ingest
  Duration edge_fetch;    // edge -> mid-tier
  Duration viewer_fetch;  // viewer -> edge
};
StreamingTimeouts StreamingTimeoutsFor(const StreamingSpec& spec);

StreamingRunResult RunStreamingExperiment(const Scenario& scenario, MetricsSink& metrics);

}  // namespace cdnlab
