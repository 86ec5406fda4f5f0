#include "models/streaming/part_packager.h"

#include <algorithm>

namespace cdnlab {

PartPackager::PartPackager(PartPackagerConfig config) : config_(config) {
  config_.parts_per_segment = std::max<std::uint32_t>(1, config_.parts_per_segment);
}

PartPackager::Packaged PartPackager::Add(const SegmentInfo& published) {
  Packaged out;
  const std::uint64_t sequence = published.sequence / config_.parts_per_segment;
  const auto index = static_cast<std::uint32_t>(published.sequence % config_.parts_per_segment);
  if (started_ && (sequence < open_sequence_ || (!open_.empty() && sequence == open_sequence_ &&
                                                 index <= open_.back().index))) {
    return out;  // late or resent
  }
  if (started_ && sequence > open_sequence_) {
    if (auto closed = CloseOpen()) out.completed.push_back(*closed);
  }
  if (!started_ || open_.empty()) open_sequence_ = sequence;
  started_ = true;
  PartInfo part{sequence, index, published.duration, /*independent=*/true, published.bytes};
  if (open_.empty()) open_program_date_time_ms_ = published.program_date_time_ms;
  open_.push_back(part);
  out.part = part;
  if (index + 1 == config_.parts_per_segment) {
    if (auto closed = CloseOpen()) out.completed.push_back(*closed);
  }
  return out;
}

std::optional<SegmentInfo> PartPackager::Close() { return CloseOpen(); }

std::optional<SegmentInfo> PartPackager::CloseOpen() {
  if (open_.empty()) return std::nullopt;
  SegmentInfo segment;
  segment.sequence = open_sequence_;
  segment.program_date_time_ms = open_program_date_time_ms_;
  open_program_date_time_ms_.reset();
  for (const PartInfo& p : open_) {
    segment.duration += p.duration;
    segment.bytes += p.bytes;
  }
  complete_[open_sequence_] = std::move(open_);
  open_.clear();
  ++open_sequence_;
  while (complete_.size() > config_.retained_segments) complete_.erase(complete_.begin());
  return segment;
}

const std::vector<PartInfo>* PartPackager::PartsOf(std::uint64_t sequence) const {
  if (!open_.empty() && sequence == open_sequence_) return &open_;
  auto it = complete_.find(sequence);
  return it == complete_.end() ? nullptr : &it->second;
}

const PartInfo* PartPackager::Find(const PartPosition& position) const {
  const std::vector<PartInfo>* parts = PartsOf(position.sequence);
  if (parts == nullptr) return nullptr;
  auto it = std::find_if(parts->begin(), parts->end(), [&](const PartInfo& p) { return p.index == position.index; });
  return it == parts->end() ? nullptr : &*it;
}

std::optional<PartPosition> PartPackager::Newest() const {
  if (!open_.empty()) return PartPosition{open_sequence_, open_.back().index};
  if (complete_.empty()) return std::nullopt;
  return PartPosition{complete_.rbegin()->first, complete_.rbegin()->second.back().index};
}

PartPosition PartPackager::Next() const {
  if (open_.empty()) return PartPosition{open_sequence_, 0};
  return PartPosition{open_sequence_, open_.back().index + 1};
}

LowLatencyPlaylist PartPackager::Decorate(const LivePlaylist& plain) const {
  LowLatencyPlaylist out;
  out.base = plain;
  out.part_target = config_.part_target;
  out.part_hold_back = 3 * config_.part_target;  // RFC 8216bis: at least 2, should be 3 part targets
  out.can_skip_until = config_.can_skip_until;
  const auto last = plain.LastSequence();
  // The open segment follows the playlist's last one (before the first complete segment: alone).
  const bool open_follows = !open_.empty() && (!last || open_sequence_ == *last + 1);
  if (open_follows) out.open_parts = open_;
  if (!plain.ended && (open_follows || (!last || Next().sequence == *last + 1))) out.preload_hint = Next();
  // Parts are listed for the segments that start within three target durations of the
  // playlist's end, and on at most three segments counting the one being built (its parts or
  // the hint open it): RFC 8216bis removes older parts, hls-parser's strict mode counts segments.
  Duration listed{0};
  for (const PartInfo& p : out.open_parts) listed += p.duration;
  std::size_t with_parts = (out.open_parts.empty() && !out.preload_hint) ? 0 : 1;
  for (auto it = plain.segments.rbegin(); it != plain.segments.rend() && with_parts < 3; ++it) {
    listed += it->duration;
    if (listed > 3 * config_.target_duration) break;
    if (const std::vector<PartInfo>* parts = PartsOf(it->sequence); parts != nullptr && parts != &open_) {
      out.parts[it->sequence] = *parts;
    }
    ++with_parts;
  }
  return out;
}

}  // namespace cdnlab
