#pragma once
// Live streams as the streaming models see them: a stream is a growing sequence of
// segments (HLS-like), published by one publisher through the ingest pool; its playlist is a
// sliding window of the newest segments. Plain values, no I/O.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/core/sim_time.h"

namespace cdnlab {

using StreamId = std::string;

struct SegmentInfo {
  std::uint64_t sequence = 0;   // media sequence number
  Duration duration{0};
  std::uint64_t bytes = 0;
  std::optional<std::int64_t> program_date_time_ms;  // EXT-X-PROGRAM-DATE-TIME, ms since the Unix epoch
  // EXT-X-DISCONTINUITY before this segment: segments before it are missing (a failover lost
  // them) or its encoding differs from the previous one's.
  bool discontinuity = false;
  // EXT-X-GAP (RFC 8216bis 4.4.4.7): a placeholder for a sequence number whose segment was
  // lost; it keeps the media sequence numbers equal to the publisher's (a playlist's Nth
  // entry is EXT-X-MEDIA-SEQUENCE + N) and is never fetched (404 if asked).
  bool gap = false;
};

// How a stream's segments are packaged: MPEG-TS ("seg-<n>.ts") or fragmented MP4 / CMAF
// ("seg-<n>.m4s", decoded with the stream's init segment "init.mp4", named by EXT-X-MAP).
enum class SegmentContainer { kTs, kFmp4 };

// What a cache holds and a player asks for: a playlist, one segment of a stream, or the
// stream's init segment (fMP4 only; `sequence` 0).
struct ContentKey {
  StreamId stream;
  bool playlist = true;
  std::uint64_t sequence = 0;  // segments only
  SegmentContainer container = SegmentContainer::kTs;  // segments only
  bool init = false;  // the init segment (playlist false, container kFmp4)
  // LL-HLS: one partial segment (EXT-X-PART) of segment `sequence`, "news/seg-42.part-3.ts".
  std::optional<std::uint32_t> part = std::nullopt;

  // "news/playlist.m3u8", "news/seg-42.ts", "news/seg-42.m4s", "news/init.mp4"
  std::string ToString() const;
  bool IsSegment() const { return !playlist && !init; }
  friend bool operator<(const ContentKey& a, const ContentKey& b) {
    if (a.stream != b.stream) return a.stream < b.stream;
    if (a.playlist != b.playlist) return a.playlist;
    if (a.init != b.init) return a.init;
    if (a.sequence != b.sequence) return a.sequence < b.sequence;
    if (a.part != b.part) return a.part < b.part;
    return a.container < b.container;
  }
  friend bool operator==(const ContentKey& a, const ContentKey& b) {
    return a.stream == b.stream && a.playlist == b.playlist && a.sequence == b.sequence &&
           a.container == b.container && a.init == b.init && a.part == b.part;
  }
};

// The inverse of ContentKey::ToString, for request paths (no leading slash, no query):
// "<stream>/playlist.m3u8", "<stream>/seg-<n>.ts", "<stream>/seg-<n>.m4s",
// "<stream>/init.mp4" or (LL-HLS parts) "<stream>/seg-<n>.part-<m>.ts|.m4s". Strict: the stream id is one or more of
// [A-Za-z0-9._-] (but not "." or ".."), <n> is a decimal uint64 without sign, spaces or
// leading zeros (<m> likewise, a uint32); anything else (other names, more slashes, percent escapes) is nullopt.
std::optional<ContentKey> ParseContentPath(const std::string& path);

// The sliding window of a live stream's newest segments (EXT-X-MEDIA-SEQUENCE = first).
struct LivePlaylist {
  StreamId stream;
  Duration target_duration{0};
  std::vector<SegmentInfo> segments;  // ascending sequence
  bool ended = false;                 // EXT-X-ENDLIST
  SegmentContainer container = SegmentContainer::kTs;  // the segments' URIs: seg-<n>.ts or .m4s
  bool has_init = false;  // EXT-X-MAP:URI="init.mp4" (fMP4)
  // EXT-X-DISCONTINUITY-SEQUENCE: discontinuities that slid out of the window before the
  // first segment (RFC 8216 4.3.3.3; rendered only when nonzero, absent means 0).
  std::uint64_t discontinuity_sequence = 0;

  std::optional<std::uint64_t> FirstSequence() const;
  std::optional<std::uint64_t> LastSequence() const;
  const SegmentInfo* Find(std::uint64_t sequence) const;
  // The m3u8 text (realnet serves it; its size is what the simulation transfers).
  std::string ToM3u8() const;
  // Sum of the listed segments' durations (RFC 8216 6.2.2: a live playlist never lists less
  // than three target durations).
  Duration TotalDuration() const;
};

// A response to a request for a ContentKey.
struct ContentResponse {
  bool found = false;
  std::uint64_t bytes = 0;
  std::optional<LivePlaylist> playlist;  // set for a found playlist
  std::string served_by;                 // node that produced it (cache or ingest)
  // The bytes themselves where a runtime moves real ones (realnet); the simulation moves
  // `bytes` over the network and leaves this empty. Shared: caches and waiters copy freely.
  std::shared_ptr<const std::string> body;
  bool from_cache = false;               // answered from a cache without going upstream
  // When the origin (ingest) produced this response, on the clock of the node holding it: a
  // cache fetching it sets it from the upstream's Age, and serves Age = now - produced_at.
  std::optional<SimTime> produced_at;
  bool stale = false;                    // an expired copy served because the upstream failed
};

}  // namespace cdnlab
