#pragma once
// EXT-X-PROGRAM-DATE-TIME values (RFC 8216 4.3.2.6): an ISO 8601 date-time with a time zone,
// carried per segment as milliseconds since the Unix epoch. Players compute glass-to-glass
// latency from it, so the caches must pass on exactly what the publisher wrote.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cdnlab {

// "2026-12-06T08:04:18.488Z": UTC, always three decimals.
std::string FormatProgramDateTime(std::int64_t ms_since_epoch);

// Reads "YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm|+hhmm|-hhmm)" (ffmpeg writes "+0000");
// digits beyond milliseconds are truncated. Years 1970-9999. nullopt for anything else.
std::optional<std::int64_t> ParseProgramDateTime(std::string_view text);

}  // namespace cdnlab
