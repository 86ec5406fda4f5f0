#pragma once
// The streaming section of a loaded scenario in the models' terms: the node ids of the hosts
// it implies beyond the ones it names (the load balancer of the virtual address, one host per
// publisher), and the models' configurations from its settings. The loader has already
// checked everything, so nothing here fails for a scenario that loaded; both runtimes
// (sim/, realnet/) build from here.
#include <string>

#include "models/streaming/ingest_balancer.h"
#include "models/streaming/ingest_server.h"
#include "models/streaming/live_cache.h"
#include "models/streaming/live_player.h"
#include "models/streaming/live_publisher.h"
#include "models/streaming/member_health_checker.h"
#include "models/streaming/part_packager.h"
#include "models/streaming/stream_announcer.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// The node holding the ingest pool's virtual address (and its health checker).
inline std::string StreamingLoadBalancerNodeId() { return "streaming-lb"; }
// The host a stream's publisher runs on: "publisher-<stream>".
inline std::string StreamingPublisherNodeId(const std::string& stream) { return "publisher-" + stream; }

IngestBalancing StreamingBalancing(const StreamingSpec& spec);   // consistent_hash | least_load
IngestConfig StreamingIngestConfig(const StreamingSpec& spec);   // window, retention, target duration
CacheFreshness StreamingFreshness(const StreamingSpec& spec);    // playlist / segment TTLs
AnnouncerConfig StreamingAnnouncerConfig(const StreamingSpec& spec);
HealthCheckConfig StreamingHealthCheckConfig(const StreamingSpec& spec);
// A health probe's timeout as a share of the probe interval.
inline constexpr double kStreamingHealthTimeoutShare = 0.75;
// The player's start position (streaming.player_live_sync_s).
PlayerConfig StreamingPlayerConfig(const StreamingSpec& spec);
PublisherConfig StreamingPublisherConfig(const StreamingSpec& spec, const StreamingPublisherSpec& publisher);

// LL-HLS (parts_per_segment > 0): how the ingests package parts. The publishers then send
// short segments of part_target_s (StreamingPublisherConfig).
bool StreamingLowLatency(const StreamingSpec& spec);
PartPackagerConfig StreamingPartPackagerConfig(const StreamingSpec& spec);

// The bytes of one segment of `publisher` (bitrate x segment duration / 8).
std::uint64_t StreamingSegmentBytes(const StreamingSpec& spec, const StreamingPublisherSpec& publisher);

}  // namespace cdnlab
