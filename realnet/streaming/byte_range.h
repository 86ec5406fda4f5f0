#pragma once
// Range requests (RFC 9110 14) on segments: players and proxies fetch parts of a segment.
// One range per request: "bytes=a-b", "bytes=a-" or "bytes=-n". A request asking for several
// ranges, sending If-Range (nothing here to validate it against) or a Range this does not
// parse gets the whole body with 200, as RFC 9110 14.2 allows a server to do.
#include <cstdint>
#include <optional>
#include <string>

#include "realnet/net/http_server.h"

namespace cdnlab {

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive
};

enum class RangeVerdict { kWhole, kPartial, kUnsatisfiable };

// What a Range header asks of a body of `size` bytes; `range` set for kPartial.
RangeVerdict EvaluateRange(const std::string& header, std::uint64_t size, ByteRange& range);

// Turns a 200 reply for `request` into 206 (one range, Content-Range) or 416
// (Content-Range: bytes */size) as the request's Range asks, and advertises
// Accept-Ranges: bytes. Replies other than 200 are left alone.
void ApplyByteRange(const StreamingHttpRequest& request, StreamingHttpReply& reply);

}  // namespace cdnlab
