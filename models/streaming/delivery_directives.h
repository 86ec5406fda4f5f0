#pragma once
// LL-HLS playlist delivery directives (RFC 8216bis 6.2.5): the query parameters a client adds
// to a playlist request (_HLS_msn=<M>[&_HLS_part=<P>][&_HLS_skip=YES|v2]) and what a server
// does with them against its current playlist: answer now, hold the request until segment M
// (part P) exists, or refuse with 400 when M/P is too far ahead. Plain values, no I/O.
#include <cstdint>
#include <optional>
#include <string>

#include "models/streaming/low_latency_playlist.h"

namespace cdnlab {

struct DeliveryDirectives {
  std::optional<std::uint64_t> msn;   // _HLS_msn
  std::optional<std::uint32_t> part;  // _HLS_part (only with _HLS_msn)
  bool skip = false;                  // _HLS_skip=YES (or v2): a delta update

  bool Blocking() const { return msn.has_value(); }
  bool Any() const { return msn.has_value() || skip; }
  // "_HLS_msn=5&_HLS_part=2&_HLS_skip=YES" in this fixed order: identical requests, one key.
  std::string Canonical() const;
  friend bool operator<(const DeliveryDirectives& a, const DeliveryDirectives& b) {
    if (a.msn != b.msn) return a.msn < b.msn;
    if (a.part != b.part) return a.part < b.part;
    return a.skip < b.skip;
  }
};

// The directives of a request target's query ("?..." after the path; other parameters are
// kept out of it and ignored). An error message naming the parameter when a directive is
// malformed (not a decimal number, _HLS_part without _HLS_msn, an unknown _HLS_skip value).
struct ParsedDirectives {
  DeliveryDirectives directives;
  std::string error;  // empty: fine
};
ParsedDirectives ParseDeliveryDirectives(const std::string& target);

enum class ReloadDecision {
  kAnswerNow,     // the playlist already holds what was asked for (or nothing was asked)
  kHold,          // wait until it does (at most 3 target durations)
  kTooFarAhead,   // 400: _HLS_msn beyond the last segment + 2, or _HLS_part beyond the Advance Part Limit
};
ReloadDecision DecideReload(const LowLatencyPlaylist& playlist, const DeliveryDirectives& directives);

// Whether the playlist holds segment `msn` complete (no part asked) or part `part` of it (or later).
bool Satisfies(const LowLatencyPlaylist& playlist, const DeliveryDirectives& directives);

// How long a blocked request may wait before the server answers 503: three target durations.
Duration BlockingReloadBound(Duration target_duration);

}  // namespace cdnlab
