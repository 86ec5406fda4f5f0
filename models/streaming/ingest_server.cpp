#include "models/streaming/ingest_server.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "models/streaming/metric_names.h"

namespace cdnlab {

IngestServer::IngestServer(std::string id, IngestConfig config, StreamAnnouncer& announcer, const Clock& clock,
                           MetricsSink& metrics)
    : id_(std::move(id)), config_(config), announcer_(announcer), clock_(clock), metrics_(metrics) {
  config_.window_segments = std::max<std::size_t>(1, config_.window_segments);
  config_.retained_segments = std::max(config_.retained_segments, config_.window_segments);
}

void IngestServer::AcceptSegment(const StreamId& stream, const SegmentInfo& segment) {
  StreamState& state = streams_[stream];
  if (!state.segments.empty() && segment.sequence <= state.segments.back().sequence) return;  // resent or late
  // A segment after the end means the publisher started the stream again here.
  state.ended = false;
  state.segments.push_back(segment);
  while (state.segments.size() > config_.retained_segments) state.segments.pop_front();
  metrics_.Count(streaming_metrics::kSegmentsIngested, 1, {{"ingest", id_}, {"stream", stream}});
  announcer_.StreamLive(stream, segment.sequence);
}

void IngestServer::EndStream(const StreamId& stream) {
  auto it = streams_.find(stream);
  if (it == streams_.end() || it->second.ended) return;
  it->second.ended = true;
  announcer_.StreamStopped(stream);
}

ContentResponse IngestServer::Serve(const ContentKey& key) const {
  ContentResponse response;
  response.served_by = id_;
  auto it = streams_.find(key.stream);
  if (it == streams_.end()) return response;
  const StreamState& state = it->second;
  if (key.playlist) {
    LivePlaylist playlist;
    playlist.stream = key.stream;
    playlist.target_duration = config_.target_duration;
    playlist.ended = state.ended;
    const std::size_t first = state.segments.size() > config_.window_segments
                                  ? state.segments.size() - config_.window_segments
                                  : 0;
    playlist.segments.assign(state.segments.begin() + static_cast<std::ptrdiff_t>(first), state.segments.end());
    auto text = std::make_shared<const std::string>(playlist.ToM3u8());
    response.found = true;
    response.bytes = text->size();
    response.body = std::move(text);
    response.playlist = std::move(playlist);
    return response;
  }
  // Retained segments are contiguous only if the publisher never skipped one; search.
  auto segment = std::find_if(state.segments.begin(), state.segments.end(),
                              [&](const SegmentInfo& s) { return s.sequence == key.sequence; });
  if (segment == state.segments.end()) return response;
  response.found = true;
  response.bytes = segment->bytes;
  return response;
}

}  // namespace cdnlab
