#pragma once
// A live playlist with the LL-HLS additions of RFC 8216bis (draft-pantos-hls-rfc8216bis):
// partial segments (EXT-X-PART, EXT-X-PART-INF), a preload hint for the next part
// (EXT-X-PRELOAD-HINT), what the server can do (EXT-X-SERVER-CONTROL: CAN-BLOCK-RELOAD,
// PART-HOLD-BACK, CAN-SKIP-UNTIL) and delta updates (EXT-X-SKIP). Plain values, no I/O; a
// playlist without parts is rendered by LivePlaylist::ToM3u8, unchanged.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/streaming/live_stream.h"

namespace cdnlab {

// One partial segment: part `index` of segment `sequence`, URI "seg-<sequence>.part-<index>.ts".
struct PartInfo {
  std::uint64_t sequence = 0;
  std::uint32_t index = 0;
  Duration duration{0};
  bool independent = false;  // starts with a key frame (INDEPENDENT=YES)
  std::uint64_t bytes = 0;
};

// Where the newest part of a stream is: (media sequence number, part index).
struct PartPosition {
  std::uint64_t sequence = 0;
  std::uint32_t index = 0;
  friend bool operator<(const PartPosition& a, const PartPosition& b) {
    return a.sequence != b.sequence ? a.sequence < b.sequence : a.index < b.index;
  }
  friend bool operator==(const PartPosition& a, const PartPosition& b) {
    return a.sequence == b.sequence && a.index == b.index;
  }
};

// "seg-42.part-3.ts": the URI of a part relative to its playlist.
std::string PartUri(std::uint64_t sequence, std::uint32_t index);

struct LowLatencyPlaylist {
  LivePlaylist base;                                // the complete segments (window)
  Duration part_target{0};                          // EXT-X-PART-INF:PART-TARGET
  std::map<std::uint64_t, std::vector<PartInfo>> parts;  // of listed segments (recent ones only)
  std::vector<PartInfo> open_parts;                 // of the segment being built (last + 1)
  std::optional<PartPosition> preload_hint;         // the next part, not yet there
  Duration part_hold_back{0};                       // >= 2 part targets (RFC 8216bis)
  Duration can_skip_until{0};                       // 0: no delta updates; else >= 6 target durations

  // The media sequence number of the segment whose parts `open_parts` are.
  std::uint64_t OpenSequence() const;
  // The newest part listed (complete segments' parts included), if any.
  std::optional<PartPosition> LastPart() const;
  // How many segments from the front a delta update leaves out: the oldest ones that start more
  // than CAN-SKIP-UNTIL before the end of the playlist (0 when delta updates are off).
  std::size_t SkippableSegments() const;
  // The playlist text; `delta` replaces the skippable segments with EXT-X-SKIP.
  std::string ToM3u8(bool delta = false) const;
};

}  // namespace cdnlab
