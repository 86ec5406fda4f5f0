#pragma once
// A strict reader for the live HLS media playlists this CDN moves: what ffmpeg's HLS muxer
// uploads and what LivePlaylist::ToM3u8 serves. It reads #EXTM3U, EXT-X-VERSION,
// EXT-X-TARGETDURATION, EXT-X-MEDIA-SEQUENCE, EXT-X-MAP:URI="init.mp4" (fMP4),
// EXT-X-PROGRAM-DATE-TIME (kept per segment), EXT-X-DISCONTINUITY(-SEQUENCE), EXT-X-GAP,
// EXTINF + URI and EXT-X-ENDLIST, skips tags that change nothing for a cache (playlist type,
// the LL-HLS EXT-X-PART/-PART-INF/-SERVER-CONTROL/-PRELOAD-HINT, ...), and refuses everything else.
// Segment URIs must be "seg-<n>.ts" or "seg-<n>.m4s" (one container per playlist) with n the
// segment's media sequence number: caches name segments by (stream, sequence) (ContentKey), so
// a playlist whose URIs say something else could not be served. Hostile input (oversized, overflowing
// numbers, NaN durations, a URI without EXTINF, binary junk) gives nullopt, never a crash.
#include <cstddef>
#include <optional>
#include <string_view>

#include "models/streaming/live_stream.h"

namespace cdnlab {

struct M3u8Limits {
  std::size_t max_bytes = 1 << 20;
  std::size_t max_segments = 10000;
  double max_duration_s = 86400;  // EXTINF and EXT-X-TARGETDURATION
};

// The playlist of `stream` (segments' `bytes` unknown: 0), or nullopt if the text is not a
// playlist of the accepted shape.
std::optional<LivePlaylist> ReadM3u8(std::string_view text, const StreamId& stream, const M3u8Limits& limits = {});

}  // namespace cdnlab
