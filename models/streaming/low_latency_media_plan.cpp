#include "models/streaming/low_latency_media_plan.h"

#include <algorithm>
#include <cmath>

namespace cdnlab {
namespace {

// Parts per segment as the playlist shows it (a whole segment skipped counts as this many).
std::uint64_t PartsPerSegment(const LowLatencyPlaylist& playlist) {
  if (playlist.part_target <= Duration::zero()) return 1;
  const double n = ToSeconds(playlist.base.target_duration) / ToSeconds(playlist.part_target);
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(n)));
}

PartPosition Of(const PartInfo& p) { return PartPosition{p.sequence, p.index}; }

}  // namespace

std::vector<PartInfo> ListedParts(const LowLatencyPlaylist& playlist) {
  std::vector<PartInfo> out;
  for (const auto& [sequence, parts] : playlist.parts) out.insert(out.end(), parts.begin(), parts.end());
  out.insert(out.end(), playlist.open_parts.begin(), playlist.open_parts.end());
  return out;
}

PartPosition StartPosition(const LowLatencyPlaylist& playlist) {
  const std::vector<PartInfo> parts = ListedParts(playlist);
  if (parts.empty()) {
    const std::uint64_t last = playlist.base.LastSequence().value_or(0);
    const std::uint64_t first = playlist.base.FirstSequence().value_or(0);
    return PartPosition{std::max(first, last >= 2 ? last - 2 : 0), 0};
  }
  const Duration hold_back = std::max(playlist.part_hold_back, 3 * playlist.part_target);
  Duration behind{0};
  PartPosition start = Of(parts.back());
  for (auto it = parts.rbegin(); it != parts.rend() && behind < hold_back; ++it) {
    start = Of(*it);
    behind += it->duration;
  }
  return start;
}

MediaStep PlanMedia(const LowLatencyPlaylist& playlist, const PartPosition& wanted) {
  MediaStep step;
  const std::vector<PartInfo> parts = ListedParts(playlist);
  for (const PartInfo& p : parts) {
    if (Of(p) == wanted) return MediaStep{MediaStep::Kind::kPart, wanted, p.duration, 0};
  }
  if (playlist.preload_hint && *playlist.preload_hint == wanted && !playlist.base.ended) {
    return MediaStep{MediaStep::Kind::kHintedPart, wanted, playlist.part_target, 0};
  }
  if (wanted.index == 0) {
    const SegmentInfo* segment = playlist.base.Find(wanted.sequence);
    if (segment != nullptr && !segment->gap) return MediaStep{MediaStep::Kind::kSegment, wanted, segment->duration, 0};
  }
  // The first unit there is after the wanted position: a listed part, a complete segment, or
  // the hint (the wanted part is past the last of its segment).
  std::optional<PartPosition> next;
  for (const PartInfo& p : parts) {
    if (wanted < Of(p)) {
      next = Of(p);
      break;
    }
  }
  for (const SegmentInfo& s : playlist.base.segments) {
    if (s.gap || s.sequence <= wanted.sequence) continue;
    if (!next || PartPosition{s.sequence, 0} < *next) next = PartPosition{s.sequence, 0};
    break;
  }
  if (!next && playlist.preload_hint && wanted < *playlist.preload_hint && !playlist.base.ended) {
    next = playlist.preload_hint;
  }
  if (!next) return step;  // kWait
  const std::uint64_t n = PartsPerSegment(playlist);
  const std::uint64_t from = wanted.sequence * n + std::min<std::uint64_t>(wanted.index, n);
  const std::uint64_t to = next->sequence * n + next->index;
  step.kind = MediaStep::Kind::kJump;
  step.at = *next;
  step.skipped_parts = to > from ? to - from : 0;
  return step;
}

PartPosition After(const PartPosition& played, bool whole) {
  return whole ? PartPosition{played.sequence + 1, 0} : PartPosition{played.sequence, played.index + 1};
}

std::optional<DeliveryDirectives> NextReload(const LowLatencyPlaylist& playlist) {
  if (playlist.base.ended) return std::nullopt;
  DeliveryDirectives d;
  if (playlist.preload_hint) {
    d.msn = playlist.preload_hint->sequence;
    d.part = playlist.preload_hint->index;
  } else if (const auto last = playlist.LastPart()) {
    // The part after the newest: the first of the next segment once the newest's is complete.
    const bool complete = playlist.base.Find(last->sequence) != nullptr;
    d.msn = complete ? last->sequence + 1 : last->sequence;
    d.part = complete ? 0 : last->index + 1;
  } else {
    d.msn = playlist.base.LastSequence() ? *playlist.base.LastSequence() + 1 : playlist.OpenSequence();
  }
  d.skip = playlist.can_skip_until > Duration::zero() && playlist.SkippableSegments() > 0;
  return d;
}

}  // namespace cdnlab
