#pragma once
// How the live-streaming HTTP services name content: "/<stream>/playlist.m3u8",
// "/<stream>/seg-<n>.ts", "/<stream>/seg-<n>.m4s" and "/<stream>/init.mp4"
// (ContentKey::ToString behind a slash), with the media types and cache lifetimes caches and
// players expect.
#include <optional>
#include <string>

#include "models/core/sim_time.h"
#include "models/streaming/live_stream.h"

namespace cdnlab {

inline constexpr char kNotAStreamPath[] =
    "not a stream path: /<stream>/playlist.m3u8, /<stream>/seg-<n>.ts, /<stream>/seg-<n>.m4s or /<stream>/init.mp4";

// The content a request target names (a query string is ignored); nullopt when the path
// is not one of the two shapes (ParseContentPath decides).
std::optional<ContentKey> ContentKeyOfTarget(const std::string& target);
// "application/vnd.apple.mpegurl", "video/mp2t" (TS segments) or "video/mp4" (fMP4 segments
// and init segments).
const char* StreamingContentType(const ContentKey& key);
// "public, max-age=N" with N the whole seconds of `ttl` (at least 1 for a nonzero ttl).
std::string StreamingCacheControl(Duration ttl);
// The same plus "immutable" (RFC 8246): a segment or init segment never changes under its name.
std::string StreamingSegmentCacheControl(Duration ttl);

}  // namespace cdnlab
