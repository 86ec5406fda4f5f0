#include "scenarios/streaming/from_scenario.h"

#include <algorithm>
#include <cmath>

namespace cdnlab {

IngestBalancing StreamingBalancing(const StreamingSpec& spec) {
  return spec.balancing == "least_load" ? IngestBalancing::kLeastLoad : IngestBalancing::kConsistentHash;
}

IngestConfig StreamingIngestConfig(const StreamingSpec& spec) {
  IngestConfig c;
  c.window_segments = static_cast<std::size_t>(spec.window_segments);
  // Late caches may still ask for segments that just left the window.
  c.retained_segments = std::max<std::size_t>(c.window_segments * 5, 30);
  c.target_duration = FromSeconds(spec.segment_s);
  return c;
}

CacheFreshness StreamingFreshness(const StreamingSpec& spec) {
  CacheFreshness f;
  f.playlist_ttl = FromSeconds(spec.playlist_ttl_s);
  f.segment_ttl = FromSeconds(spec.segment_ttl_s);
  f.stale_if_error = FromSeconds(spec.stale_if_error_s);
  return f;
}

PlayerConfig StreamingPlayerConfig(const StreamingSpec& spec) {
  PlayerConfig c;
  if (spec.player_live_sync_s > 0 && spec.segment_s > 0) {
    // Starting with segment newest - k puts playback (k + 1) segments behind the live edge;
    // the position live_sync behind the edge lies in segment newest - (ceil(sync / seg) - 1).
    c.start_offset = std::max(0, static_cast<int>(std::ceil(spec.player_live_sync_s / spec.segment_s - 1e-9)) - 1);
  }
  return c;
}

AnnouncerConfig StreamingAnnouncerConfig(const StreamingSpec& spec) {
  AnnouncerConfig c;
  c.interval = FromSeconds(spec.announce_interval_s);
  c.ttl = FromSeconds(spec.announce_ttl_s);
  // An ended stream stays findable for one playlist window: its viewers read the ended
  // playlist and fetch its last segments well within that.
  c.stopped_linger = FromSeconds(spec.window_segments * spec.segment_s);
  return c;
}

HealthCheckConfig StreamingHealthCheckConfig(const StreamingSpec& spec) {
  HealthCheckConfig c;
  c.interval = FromSeconds(spec.health_interval_s);
  // A probe is answered or missed before the next one goes out (150 ms of 200, as the real
  // stream-balancer's defaults).
  c.timeout = FromSeconds(spec.health_interval_s * kStreamingHealthTimeoutShare);
  c.unhealthy_after = spec.health_unhealthy_after;
  return c;
}

PublisherConfig StreamingPublisherConfig(const StreamingSpec& spec, const StreamingPublisherSpec& publisher) {
  PublisherConfig c;
  c.segment_duration =
      StreamingLowLatency(spec) ? StreamingPartPackagerConfig(spec).part_target : FromSeconds(spec.segment_s);
  c.bitrate_bps = static_cast<std::uint64_t>(std::llround(publisher.bitrate_mbps * 1e6));
  return c;
}

bool StreamingLowLatency(const StreamingSpec& spec) { return spec.parts_per_segment > 0; }

PartPackagerConfig StreamingPartPackagerConfig(const StreamingSpec& spec) {
  PartPackagerConfig c;
  c.parts_per_segment = static_cast<std::uint32_t>(std::max(1, spec.parts_per_segment));
  c.part_target = FromSeconds(spec.part_target_s > 0 ? spec.part_target_s : spec.segment_s / c.parts_per_segment);
  c.target_duration = FromSeconds(spec.segment_s);
  c.can_skip_until = FromSeconds(spec.can_skip_until_s);
  c.retained_segments = StreamingIngestConfig(spec).retained_segments;
  return c;
}

std::uint64_t StreamingSegmentBytes(const StreamingSpec& spec, const StreamingPublisherSpec& publisher) {
  return static_cast<std::uint64_t>(std::llround(publisher.bitrate_mbps * 1e6 * spec.segment_s / 8));
}

}  // namespace cdnlab
