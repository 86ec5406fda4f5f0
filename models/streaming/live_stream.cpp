#include "models/streaming/live_stream.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "models/core/decimal_digits.h"
#include "models/streaming/program_date_time.h"

namespace cdnlab {
namespace {

constexpr char kPlaylistName[] = "playlist.m3u8";
constexpr char kSegmentPrefix[] = "seg-";
constexpr char kTsSuffix[] = ".ts";
constexpr char kFmp4Suffix[] = ".m4s";
constexpr char kInitName[] = "init.mp4";
constexpr char kPartInfix[] = ".part-";

const char* SegmentSuffix(SegmentContainer container) {
  return container == SegmentContainer::kFmp4 ? kFmp4Suffix : kTsSuffix;
}

bool IsStreamIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-';
}

bool IsValidStreamId(const std::string& id) {
  if (id.empty() || id == "." || id == "..") return false;
  return std::all_of(id.begin(), id.end(), IsStreamIdChar);
}

// A decimal uint64 as ToString writes it: digits only, no leading zero (except "0" itself).
// Path numbers have no leading zeros: one name per segment.
std::optional<std::uint64_t> ParseSequence(const std::string& text) {
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  return ParseDecimalDigits(text);
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Whole seconds, rounded up.
std::int64_t CeilSeconds(Duration d) {
  const std::int64_t ns = d.count();
  if (ns <= 0) return 0;
  return (ns + 999'999'999) / 1'000'000'000;
}

// "2.000": seconds with three decimals, rounded to the nearest millisecond.
std::string SecondsWithMillis(Duration d) {
  const std::int64_t ns = std::max<std::int64_t>(0, d.count());
  const std::int64_t ms = (ns + 500'000) / 1'000'000;
  return fmt::format("{}.{:03}", ms / 1000, ms % 1000);
}

}  // namespace

std::string ContentKey::ToString() const {
  if (playlist) return stream + "/" + kPlaylistName;
  if (init) return stream + "/" + kInitName;
  std::string name = stream + "/" + kSegmentPrefix + std::to_string(sequence);
  if (part) name += kPartInfix + std::to_string(*part);
  return name + SegmentSuffix(container);
}

std::optional<ContentKey> ParseContentPath(const std::string& path) {
  const auto slash = path.find('/');
  if (slash == std::string::npos) return std::nullopt;
  ContentKey key;
  key.stream = path.substr(0, slash);
  if (!IsValidStreamId(key.stream)) return std::nullopt;
  const std::string name = path.substr(slash + 1);  // any further '/' fails both shapes below
  if (name == kPlaylistName) {
    key.playlist = true;
    return key;
  }
  if (name == kInitName) {
    key.playlist = false;
    key.init = true;
    key.container = SegmentContainer::kFmp4;
    return key;
  }
  if (name.rfind(kSegmentPrefix, 0) != 0) return std::nullopt;
  if (EndsWith(name, kTsSuffix)) {
    key.container = SegmentContainer::kTs;
  } else if (EndsWith(name, kFmp4Suffix)) {
    key.container = SegmentContainer::kFmp4;
  } else {
    return std::nullopt;
  }
  const std::size_t prefix = sizeof(kSegmentPrefix) - 1;
  const std::size_t suffix = std::string(SegmentSuffix(key.container)).size();
  if (name.size() < prefix + suffix) return std::nullopt;
  std::string number = name.substr(prefix, name.size() - prefix - suffix);
  const auto infix = number.find(kPartInfix);
  if (infix != std::string::npos) {  // "seg-<n>.part-<m>.ts"
    auto part = ParseSequence(number.substr(infix + sizeof(kPartInfix) - 1));
    if (!part || *part > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
    key.part = static_cast<std::uint32_t>(*part);
    number.resize(infix);
  }
  auto sequence = ParseSequence(number);
  if (!sequence) return std::nullopt;
  key.playlist = false;
  key.sequence = *sequence;
  return key;
}

std::optional<std::uint64_t> LivePlaylist::FirstSequence() const {
  if (segments.empty()) return std::nullopt;
  return segments.front().sequence;
}

std::optional<std::uint64_t> LivePlaylist::LastSequence() const {
  if (segments.empty()) return std::nullopt;
  return segments.back().sequence;
}

const SegmentInfo* LivePlaylist::Find(std::uint64_t sequence) const {
  auto it = std::lower_bound(segments.begin(), segments.end(), sequence,
                             [](const SegmentInfo& s, std::uint64_t seq) { return s.sequence < seq; });
  if (it == segments.end() || it->sequence != sequence) return nullptr;
  return &*it;
}

std::string LivePlaylist::ToM3u8() const {
  // RFC 8216: every EXTINF rounded to the nearest integer must not exceed the target
  // duration, so a segment longer than `target_duration` raises it.
  Duration target = target_duration;
  for (const SegmentInfo& s : segments) target = std::max(target, s.duration);
  std::string out;
  out.reserve(96 + segments.size() * 32);
  // RFC 8216 7: EXT-X-MAP in a media playlist needs version 6.
  out += has_init ? "#EXTM3U\n#EXT-X-VERSION:6\n" : "#EXTM3U\n#EXT-X-VERSION:3\n";
  out += fmt::format("#EXT-X-TARGETDURATION:{}\n", CeilSeconds(target));
  out += fmt::format("#EXT-X-MEDIA-SEQUENCE:{}\n", FirstSequence().value_or(0));
  if (discontinuity_sequence > 0) out += fmt::format("#EXT-X-DISCONTINUITY-SEQUENCE:{}\n", discontinuity_sequence);
  if (has_init) out += fmt::format("#EXT-X-MAP:URI=\"{}\"\n", kInitName);
  for (const SegmentInfo& s : segments) {
    if (s.discontinuity) out += "#EXT-X-DISCONTINUITY\n";
    if (s.gap) out += "#EXT-X-GAP\n";
    if (s.program_date_time_ms) {
      out += "#EXT-X-PROGRAM-DATE-TIME:" + FormatProgramDateTime(*s.program_date_time_ms) + "\n";
    }
    out += "#EXTINF:" + SecondsWithMillis(s.duration) + ",\n";
    out += kSegmentPrefix + std::to_string(s.sequence) + SegmentSuffix(container) + "\n";
  }
  if (ended) out += "#EXT-X-ENDLIST\n";
  return out;
}

Duration LivePlaylist::TotalDuration() const {
  Duration total{0};
  for (const SegmentInfo& s : segments) total += s.duration;
  return total;
}

}  // namespace cdnlab
