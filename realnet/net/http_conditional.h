#pragma once
// Conditional GET (RFC 9110 sections 8.8 and 13): validators a server attaches to a
// representation, and the If-None-Match check that turns a repeated poll into 304 Not Modified.
#include <cstdint>
#include <string>

namespace cdnlab {

// A strong entity tag for exactly these bytes ("\"9f3a...\"", quotes included): equal bodies
// give equal tags, a changed body a different one.
std::string StrongEntityTag(const std::string& body);

// Whether an If-None-Match field value matches `etag` (the current representation's tag):
// "*", or any listed tag under the weak comparison (W/"x" matches "x"), as RFC 9110 section
// 13.1.2 requires. A malformed list matches nothing, so the full response is sent.
bool IfNoneMatchMatches(const std::string& field, const std::string& etag);

// An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") for Date, Expires and Last-Modified.
std::string HttpDate(std::int64_t unix_seconds);

}  // namespace cdnlab
