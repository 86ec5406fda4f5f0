#pragma once
// Every metric the streaming models emit, so analysis/ and sim/ never guess a name.
namespace cdnlab::streaming_metrics {

inline constexpr char kStartupDelay[] = "streaming.startup_delay_ms";   // sample per viewer; labels viewer, edge
inline constexpr char kStall[] = "streaming.stall_ms";                  // sample per stall; labels viewer, edge
inline constexpr char kCacheRequest[] = "streaming.cache_requests";     // counter; labels node, tier, result
inline constexpr char kUpstreamRequest[] = "streaming.upstream_requests";  // counter; labels node, tier
inline constexpr char kAnnouncementsSent[] = "streaming.announcements_sent";  // counter per datagram; labels ingest
inline constexpr char kAnnouncementsRejected[] = "streaming.announcements_rejected";  // counter; labels node
inline constexpr char kSegmentsIngested[] = "streaming.segments_ingested";  // counter; labels ingest, stream
inline constexpr char kPublisherReconnects[] = "streaming.publisher_reconnects";  // counter; labels stream
// Segments a publisher gave up on after PublisherConfig::max_resends; labels stream.
inline constexpr char kPublisherSegmentsDropped[] = "streaming.publisher_segments_dropped";
// Sample when a stream first becomes known at a cache node: value = ms since its first
// segment was ingested; labels stream, node.
inline constexpr char kStreamAvailable[] = "streaming.stream_available_ms";
// Sample per jump of a player past segments no longer listed: ms of content skipped; labels viewer, edge.
inline constexpr char kSkipped[] = "streaming.skipped_ms";
// Sample per segment played: ms from its capture at the publisher to its playback; labels viewer, edge.
inline constexpr char kLatency[] = "streaming.latency_ms";
// Failover continuity (issue 17 item 4): an expired copy served because the upstream failed
// (labels node, tier, kind = playlist|segment); segments copied to a peer ingest (labels
// ingest, peer); a stream continued here from replicated segments (labels ingest, stream).
inline constexpr char kStaleServed[] = "streaming.stale_served";
inline constexpr char kSegmentsReplicated[] = "streaming.segments_replicated";
inline constexpr char kStreamsTakenOver[] = "streaming.streams_taken_over";

}  // namespace cdnlab::streaming_metrics
