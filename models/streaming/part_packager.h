#pragma once
// How the ingest makes LL-HLS parts out of what a publisher can send. ffmpeg's HLS muxer
// cannot publish partial segments, so the publisher sends short segments instead (e.g.
// -hls_time 0.5 with a key frame every 0.5 s) and the ingest packages them: published
// segment k becomes part k % N of media segment k / N, and segment m is complete when its
// last part (N - 1) arrives, or when a part of a later segment does (a lost upload closes it
// with the parts it has). MPEG-TS segments concatenate, so a complete segment's bytes are its
// parts' bytes in order. Every part starts on a key frame (ffmpeg cuts segments there):
// INDEPENDENT=YES. A segment's EXT-X-PROGRAM-DATE-TIME is its first part's (the publisher's
// short segment's). One stream; plain values, no I/O.
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "models/streaming/low_latency_playlist.h"

namespace cdnlab {

struct PartPackagerConfig {
  std::uint32_t parts_per_segment = 4;
  Duration part_target = FromMillis(500);
  Duration target_duration = FromSeconds(2);   // parts are listed for the last 3 of these
  Duration can_skip_until = FromSeconds(12);   // delta updates; >= 6 target durations (0: off)
  std::size_t retained_segments = 30;          // the parts of this many complete segments are kept
};

class PartPackager {
 public:
  explicit PartPackager(PartPackagerConfig config);

  struct Packaged {
    std::optional<PartInfo> part;            // none: late (older than the open segment) and dropped
    std::vector<SegmentInfo> completed;      // segments this part completed (at most two)
  };
  // The publisher's short segment (its own sequence number, duration and size) arrives.
  Packaged Add(const SegmentInfo& published);
  // The stream ended: the open segment is complete with the parts it has (if any).
  std::optional<SegmentInfo> Close();

  // The parts of segment `sequence` (complete and retained, or open); nullptr when unknown.
  const std::vector<PartInfo>* PartsOf(std::uint64_t sequence) const;
  const PartInfo* Find(const PartPosition& position) const;
  std::optional<PartPosition> Newest() const;
  // The part the publisher will send next (EXT-X-PRELOAD-HINT).
  PartPosition Next() const;
  // The ingest's playlist of complete segments with the LL-HLS parts, hint and controls.
  LowLatencyPlaylist Decorate(const LivePlaylist& plain) const;
  const PartPackagerConfig& Config() const { return config_; }

 private:
  std::optional<SegmentInfo> CloseOpen();

  PartPackagerConfig config_;
  std::map<std::uint64_t, std::vector<PartInfo>> complete_;  // retained parts of complete segments
  std::vector<PartInfo> open_;
  std::optional<std::int64_t> open_program_date_time_ms_;  // of the open segment's first part
  std::uint64_t open_sequence_ = 0;
  bool started_ = false;
};

}  // namespace cdnlab
