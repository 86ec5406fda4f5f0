#include "realnet/streaming/m3u8_reader.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "models/core/decimal_digits.h"
#include "models/streaming/program_date_time.h"

namespace cdnlab {
namespace {

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && text.compare(0, prefix.size(), prefix) == 0;
}

// Decimal digits only (no sign, no spaces), at most `max`.
// "12" or "12.345" (what HLS calls a decimal-floating-point, without exponent or sign).
std::optional<double> ParseDecimal(std::string_view text, double max) {
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 9) return std::nullopt;
  if (dot != std::string_view::npos && (fraction.empty() || fraction.size() > 9)) return std::nullopt;
  const auto w = ParseDecimalDigits(whole, 999'999'999);
  if (!w) return std::nullopt;
  double value = static_cast<double>(*w);
  if (!fraction.empty()) {
    const auto f = ParseDecimalDigits(fraction, 999'999'999);
    if (!f) return std::nullopt;
    value += static_cast<double>(*f) / std::pow(10.0, static_cast<double>(fraction.size()));
  }
  if (!std::isfinite(value) || value > max) return std::nullopt;
  return value;
}

// Tags that carry nothing a live cache or this reader's caller acts on.
bool Ignorable(std::string_view line) {
  for (std::string_view tag : {"#EXT-X-PLAYLIST-TYPE:", "#EXT-X-INDEPENDENT-SEGMENTS", "#EXT-X-ALLOW-CACHE:",
                               // LL-HLS (the ingest's own playlist): the cache serves the text as it is
                               "#EXT-X-PART:", "#EXT-X-PART-INF:", "#EXT-X-SERVER-CONTROL:", "#EXT-X-PRELOAD-HINT:"}) {
    if (StartsWith(line, tag)) return true;
  }
  return false;
}

// Printable ASCII only: a URI, a title, a tag value.
bool Printable(std::string_view line) {
  for (unsigned char c : line) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

std::optional<LivePlaylist> ReadM3u8(std::string_view text, const StreamId& stream, const M3u8Limits& limits) {
  if (text.size() > limits.max_bytes) return std::nullopt;
  LivePlaylist playlist;
  playlist.stream = stream;
  std::optional<std::uint64_t> media_sequence;
  bool have_target = false;
  bool have_version = false;
  bool pending = false;  // EXTINF seen, URI expected
  bool discontinuity = false;  // EXT-X-DISCONTINUITY seen, applies to the next segment
  bool gap = false;            // EXT-X-GAP seen, applies to the next segment
  bool have_discontinuity_sequence = false;
  double pending_duration = 0;
  bool first_line = true;
  std::optional<SegmentContainer> container;     // from the first segment URI
  std::optional<std::int64_t> pending_date_time;  // EXT-X-PROGRAM-DATE-TIME of the next segment

  std::size_t from = 0;
  while (from < text.size()) {
    auto end = text.find('\n', from);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(from, end - from);
    from = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!Printable(line)) return std::nullopt;
    if (first_line) {
      if (line != "#EXTM3U") return std::nullopt;
      first_line = false;
      continue;
    }
    if (line.empty()) continue;
    if (playlist.ended) return std::nullopt;  // nothing may follow EXT-X-ENDLIST
    if (line[0] != '#') {
      // A URI: it must follow an EXTINF and name the next sequence number.
      if (!pending) return std::nullopt;
      const std::uint64_t base = media_sequence.value_or(0);
      const std::uint64_t sequence = base + playlist.segments.size();
      if (sequence < base) return std::nullopt;
      // Exactly the name ContentKey gives it (no leading zeros, no path), all in one container.
      const std::string name = "seg-" + std::to_string(sequence);
      SegmentContainer this_container = SegmentContainer::kTs;
      if (line == name + ".m4s") {
        this_container = SegmentContainer::kFmp4;
      } else if (line != name + ".ts") {
        return std::nullopt;
      }
      if (container && *container != this_container) return std::nullopt;
      container = this_container;
      if (playlist.segments.size() >= limits.max_segments) return std::nullopt;
      SegmentInfo segment;
      segment.sequence = sequence;
      segment.duration = FromSeconds(pending_duration);
      segment.program_date_time_ms = pending_date_time;
      segment.discontinuity = discontinuity;
      segment.gap = gap;
      playlist.segments.push_back(segment);
      pending = false;
      pending_date_time.reset();
      discontinuity = false;
      gap = false;
      if (!media_sequence) media_sequence = 0;  // a later EXT-X-MEDIA-SEQUENCE is an error
      continue;
    }
    if (!StartsWith(line, "#EXT")) continue;  // a comment
    if (StartsWith(line, "#EXTINF:")) {
      if (pending) return std::nullopt;  // two EXTINF for one URI
      std::string_view value = line.substr(8);
      const auto comma = value.find(',');
      if (comma == std::string_view::npos) return std::nullopt;  // "#EXTINF:<duration>,[<title>]"
      const auto duration = ParseDecimal(value.substr(0, comma), limits.max_duration_s);
      if (!duration) return std::nullopt;
      pending = true;
      pending_duration = *duration;
    } else if (StartsWith(line, "#EXT-X-TARGETDURATION:")) {
      if (have_target) return std::nullopt;
      const auto seconds = ParseDecimalDigits(line.substr(22), static_cast<std::uint64_t>(limits.max_duration_s));
      if (!seconds) return std::nullopt;
      playlist.target_duration = FromSeconds(static_cast<double>(*seconds));
      have_target = true;
    } else if (StartsWith(line, "#EXT-X-MEDIA-SEQUENCE:")) {
      if (media_sequence) return std::nullopt;  // twice, or after the first segment
      // At most 2^63: sequence arithmetic below stays far from wrapping.
      const auto n = ParseDecimalDigits(line.substr(22), std::uint64_t{1} << 63);
      if (!n) return std::nullopt;
      media_sequence = *n;
    } else if (StartsWith(line, "#EXT-X-VERSION:")) {
      if (have_version || !ParseDecimalDigits(line.substr(15), 12)) return std::nullopt;
      have_version = true;
    } else if (StartsWith(line, "#EXT-X-MAP:")) {
      // One init segment for the whole stream, named as ContentKey names it; no byte range.
      if (playlist.has_init || !playlist.segments.empty() || pending) return std::nullopt;
      if (line != "#EXT-X-MAP:URI=\"init.mp4\"") return std::nullopt;
      playlist.has_init = true;
    } else if (StartsWith(line, "#EXT-X-PROGRAM-DATE-TIME:")) {
      // Applies to the next segment; ffmpeg writes it between EXTINF and the URI.
      if (pending_date_time) return std::nullopt;
      pending_date_time = ParseProgramDateTime(line.substr(25));
      if (!pending_date_time) return std::nullopt;
    } else if (StartsWith(line, "#EXT-X-DISCONTINUITY-SEQUENCE:")) {
      // Once, before the first segment (RFC 8216 4.3.3.3).
      if (have_discontinuity_sequence || !playlist.segments.empty() || pending) return std::nullopt;
      const auto n = ParseDecimalDigits(line.substr(30), std::uint64_t{1} << 63);
      if (!n) return std::nullopt;
      playlist.discontinuity_sequence = *n;
      have_discontinuity_sequence = true;
    } else if (line == "#EXT-X-GAP") {
      gap = true;
    } else if (line == "#EXT-X-DISCONTINUITY") {
      discontinuity = true;  // (twice before one segment says no more than once)
    } else if (line == "#EXT-X-ENDLIST") {
      if (pending || pending_date_time || discontinuity || gap) return std::nullopt;
      playlist.ended = true;
    } else if (Ignorable(line)) {
      continue;
    } else {
      return std::nullopt;  // EXT-X-KEY, EXT-X-BYTERANGE, EXT-X-SKIP, a master playlist...: not ours
    }
  }
  if (first_line || pending || pending_date_time || discontinuity || gap || !have_target) return std::nullopt;
  // An init segment (init.mp4) goes with fMP4 segments only.
  playlist.container = container.value_or(playlist.has_init ? SegmentContainer::kFmp4 : SegmentContainer::kTs);
  if (playlist.has_init && playlist.container != SegmentContainer::kFmp4) return std::nullopt;
  return playlist;
}

}  // namespace cdnlab
