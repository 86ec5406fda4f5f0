#include "models/streaming/low_latency_playlist.h"

#include <algorithm>

#include <fmt/format.h>

#include "models/streaming/program_date_time.h"

namespace cdnlab {
namespace {

// "0.500": seconds with three decimals, rounded to the nearest millisecond.
std::string Seconds(Duration d) {
  const std::int64_t ns = std::max<std::int64_t>(0, d.count());
  const std::int64_t ms = (ns + 500'000) / 1'000'000;
  return fmt::format("{}.{:03}", ms / 1000, ms % 1000);
}

std::int64_t CeilSeconds(Duration d) {
  const std::int64_t ns = d.count();
  return ns <= 0 ? 0 : (ns + 999'999'999) / 1'000'000'000;
}

void AppendPart(std::string& out, const PartInfo& p) {
  out += fmt::format("#EXT-X-PART:DURATION={},URI=\"{}\"{}\n", Seconds(p.duration), PartUri(p.sequence, p.index),
                     p.independent ? ",INDEPENDENT=YES" : "");
}

}  // namespace

std::string PartUri(std::uint64_t sequence, std::uint32_t index) {
  return fmt::format("seg-{}.part-{}.ts", sequence, index);
}

std::uint64_t LowLatencyPlaylist::OpenSequence() const {
  if (!open_parts.empty()) return open_parts.front().sequence;
  if (auto last = base.LastSequence()) return *last + 1;
  return preload_hint ? preload_hint->sequence : 0;
}

std::optional<PartPosition> LowLatencyPlaylist::LastPart() const {
  if (!open_parts.empty()) return PartPosition{open_parts.back().sequence, open_parts.back().index};
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!it->second.empty()) return PartPosition{it->first, it->second.back().index};
  }
  return std::nullopt;
}

std::size_t LowLatencyPlaylist::SkippableSegments() const {
  if (can_skip_until <= Duration::zero()) return 0;
  Duration after{0};  // playing time from the start of segment i to the end of the playlist
  for (const SegmentInfo& s : base.segments) after += s.duration;
  std::size_t skip = 0;
  for (const SegmentInfo& s : base.segments) {
    if (after <= can_skip_until) break;  // this one starts within CAN-SKIP-UNTIL of the end
    after -= s.duration;
    ++skip;
  }
  return skip;
}

std::string LowLatencyPlaylist::ToM3u8(bool delta) const {
  Duration target = base.target_duration;
  for (const SegmentInfo& s : base.segments) target = std::max(target, s.duration);
  Duration part = part_target;  // every part's duration must fit PART-TARGET
  for (const auto& [sequence, list] : parts) {
    for (const PartInfo& p : list) part = std::max(part, p.duration);
  }
  for (const PartInfo& p : open_parts) part = std::max(part, p.duration);
  const Duration hold_back = std::max(part_hold_back, 2 * part);
  const std::size_t skip = delta ? SkippableSegments() : 0;

  std::string out;
  out.reserve(256 + base.segments.size() * 48 + parts.size() * 160);
  out += "#EXTM3U\n#EXT-X-VERSION:9\n";  // 9: EXT-X-SKIP
  out += fmt::format("#EXT-X-TARGETDURATION:{}\n", CeilSeconds(target));
  out += fmt::format("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK={}", Seconds(hold_back));
  if (can_skip_until > Duration::zero()) out += ",CAN-SKIP-UNTIL=" + Seconds(can_skip_until);
  out += "\n";
  out += fmt::format("#EXT-X-PART-INF:PART-TARGET={}\n", Seconds(part));
  out += fmt::format("#EXT-X-MEDIA-SEQUENCE:{}\n", base.FirstSequence().value_or(OpenSequence()));
  if (base.discontinuity_sequence > 0) {
    out += fmt::format("#EXT-X-DISCONTINUITY-SEQUENCE:{}\n", base.discontinuity_sequence);
  }
  if (skip > 0) out += fmt::format("#EXT-X-SKIP:SKIPPED-SEGMENTS={}\n", skip);
  for (std::size_t i = skip; i < base.segments.size(); ++i) {
    const SegmentInfo& s = base.segments[i];
    // The same segment tags as LivePlaylist::ToM3u8 (a failover's gap, the picture's date).
    if (s.discontinuity) out += "#EXT-X-DISCONTINUITY\n";
    if (s.gap) out += "#EXT-X-GAP\n";
    if (s.program_date_time_ms) {
      out += "#EXT-X-PROGRAM-DATE-TIME:" + FormatProgramDateTime(*s.program_date_time_ms) + "\n";
    }
    if (auto it = parts.find(s.sequence); it != parts.end()) {
      for (const PartInfo& p : it->second) AppendPart(out, p);
    }
    out += "#EXTINF:" + Seconds(s.duration) + ",\n";
    out += fmt::format("seg-{}.ts\n", s.sequence);
  }
  for (const PartInfo& p : open_parts) AppendPart(out, p);
  if (base.ended) {
    out += "#EXT-X-ENDLIST\n";
  } else if (preload_hint) {
    out += fmt::format("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"{}\"\n",
                       PartUri(preload_hint->sequence, preload_hint->index));
  }
  return out;
}

}  // namespace cdnlab
