#include "models/streaming/ingest_server.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "models/streaming/metric_names.h"

namespace cdnlab {

IngestServer::IngestServer(std::string id, IngestConfig config, StreamAnnouncer& announcer, const Clock& clock,
                           MetricsSink& metrics)
    : id_(std::move(id)),
      config_(config),
      announcer_(announcer),
      clock_(clock),
      metrics_(metrics),
      replicas_(std::max(config.retained_segments, config.window_segments)) {
  config_.window_segments = std::max<std::size_t>(1, config_.window_segments);
  config_.retained_segments = std::max(config_.retained_segments, config_.window_segments);
}

void IngestServer::AcceptSegment(const StreamId& stream, const SegmentInfo& segment) {
  StreamState& state = streams_[stream];
  const bool starts_here = state.segments.empty() || state.ended;
  if (!state.segments.empty() && segment.sequence <= state.segments.back().segment.sequence) return;  // resent or late
  if (starts_here) {
    // The stream moves here (or comes back): what a peer replicated before this segment
    // continues its window, in order, as the peer listed it.
    std::optional<std::uint64_t> after;
    if (!state.segments.empty()) after = state.segments.back().segment.sequence;
    const auto earlier = replicas_.Between(stream, after, segment.sequence);
    for (const ReplicatedSegment& r : earlier) Append(state, r);
    if (!earlier.empty()) {
      ++take_overs_;
      metrics_.Count(streaming_metrics::kStreamsTakenOver, 1, {{"ingest", id_}, {"stream", stream}});
    }
  }
  ReplicatedSegment held;
  held.segment = segment;
  held.segment.gap = false;  // an accepted segment has content, whatever its uploader listed
  if (const ReplicatedSegment* copy = replicas_.Find(stream, segment.sequence); copy) {
    held = *copy;  // the peer's flags and numbering (Append renumbers after a segment held here)
    held.segment.bytes = segment.bytes;
  }
  // A segment after the end means the publisher started the stream again here.
  state.ended = false;
  Append(state, held);
  metrics_.Count(streaming_metrics::kSegmentsIngested, 1, {{"ingest", id_}, {"stream", stream}});
  announcer_.StreamLive(stream, segment.sequence);
  if (on_accepted_) on_accepted_(stream, state.segments.back());
}

// Appends after the newest segment held: a gap in sequence numbers is content missing
// (lost in a failover), so the segment after it carries a discontinuity.
// The missing sequence numbers are listed as EXT-X-GAP placeholders (at most a retention's
// worth), so media sequence numbers stay the publisher's.
void IngestServer::Append(StreamState& state, ReplicatedSegment held) {
  if (!state.segments.empty()) {
    const ReplicatedSegment last = state.segments.back();
    if (held.segment.sequence <= last.segment.sequence) return;
    if (held.segment.sequence != last.segment.sequence + 1) {
      held.segment.discontinuity = true;
      const std::uint64_t span = config_.retained_segments;
      const std::uint64_t from = std::max(last.segment.sequence + 1,
                                          held.segment.sequence > span ? held.segment.sequence - span : 0);
      for (std::uint64_t missing = from; missing < held.segment.sequence; ++missing) {
        ReplicatedSegment gap;
        gap.segment.sequence = missing;
        gap.segment.duration = last.segment.duration > Duration::zero() ? last.segment.duration
                                                                        : config_.target_duration;
        gap.segment.gap = true;
        gap.discontinuity_number = last.discontinuity_number;
        state.segments.push_back(gap);
      }
    }
    held.discontinuity_number = last.discontinuity_number + (held.segment.discontinuity ? 1 : 0);
  }
  state.segments.push_back(held);
  while (state.segments.size() > config_.retained_segments) state.segments.pop_front();
}

void IngestServer::AcceptReplica(const StreamId& stream, const ReplicatedSegment& replica) {
  replicas_.Put(stream, replica);
}

bool IngestServer::ContinueFromReplicas(const StreamId& stream) {
  auto held = streams_.find(stream);
  if (held != streams_.end() && !held->second.ended) return false;
  std::optional<std::uint64_t> after;
  if (held != streams_.end() && !held->second.segments.empty()) after = held->second.segments.back().segment.sequence;
  const auto earlier = replicas_.Between(stream, after, std::numeric_limits<std::uint64_t>::max());
  if (earlier.empty()) return false;
  StreamState& state = streams_[stream];
  state.ended = false;
  for (const ReplicatedSegment& r : earlier) Append(state, r);
  ++take_overs_;
  metrics_.Count(streaming_metrics::kStreamsTakenOver, 1, {{"ingest", id_}, {"stream", stream}});
  announcer_.StreamLive(stream, state.segments.back().segment.sequence);
  return true;
}

void IngestServer::EndStream(const StreamId& stream) {
  auto it = streams_.find(stream);
  if (it == streams_.end() || it->second.ended) return;
  it->second.ended = true;
  announcer_.StreamStopped(stream);
}

// The newest window_segments, or more when those are shorter than min_target_durations.
LivePlaylist IngestServer::Window(const StreamId& stream, const StreamState& state) const {
  LivePlaylist playlist;
  playlist.stream = stream;
  playlist.target_duration = config_.target_duration;
  playlist.ended = state.ended;
  // Against the target duration the playlist will state: ToM3u8 raises it to the longest
  // segment's, rounded up to whole seconds.
  Duration longest = config_.target_duration;
  for (const ReplicatedSegment& s : state.segments) longest = std::max(longest, s.segment.duration);
  const Duration stated = std::chrono::duration_cast<Duration>(std::chrono::ceil<std::chrono::seconds>(longest));
  const Duration floor = stated * std::max(0, config_.min_target_durations);
  std::size_t count = 0;
  Duration listed{0};
  for (auto it = state.segments.rbegin(); it != state.segments.rend(); ++it) {
    if (count >= config_.window_segments && listed >= floor) break;
    if (!it->segment.gap) listed += it->segment.duration;  // three target durations of content
    ++count;
  }
  const auto first = state.segments.end() - static_cast<std::ptrdiff_t>(count);
  for (auto it = first; it != state.segments.end(); ++it) playlist.segments.push_back(it->segment);
  if (count > 0) {
    // Discontinuities before the first listed segment (RFC 8216 6.2.2).
    playlist.discontinuity_sequence = first->discontinuity_number - (first->segment.discontinuity ? 1 : 0);
  }
  return playlist;
}

ContentResponse IngestServer::Serve(const ContentKey& key) const {
  ContentResponse response;
  response.served_by = id_;
  auto it = streams_.find(key.stream);
  if (it == streams_.end()) return response;
  const StreamState& state = it->second;
  if (key.playlist) {
    LivePlaylist playlist = Window(key.stream, state);
    auto text = std::make_shared<const std::string>(playlist.ToM3u8());
    response.found = true;
    response.bytes = text->size();
    response.body = std::move(text);
    response.playlist = std::move(playlist);
    return response;
  }
  // Retained segments are contiguous only if the publisher never skipped one; search.
  auto segment = std::find_if(state.segments.begin(), state.segments.end(),
                              [&](const ReplicatedSegment& s) { return s.segment.sequence == key.sequence; });
  if (segment == state.segments.end() || segment->segment.gap) return response;
  response.found = true;
  response.bytes = segment->segment.bytes;
  return response;
}

}  // namespace cdnlab
