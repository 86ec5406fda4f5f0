#pragma once
// One ingest server: accepts a publisher's segment and playlist uploads for its streams,
// keeps a window of recent segments per stream, serves them to caches, and tells the
// announcer which streams it holds. Knows nothing of the other ingests or of the edges.
#include <deque>
#include <map>
#include <string>

#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"
#include "models/streaming/live_stream.h"
#include "models/streaming/stream_announcer.h"

namespace cdnlab {

struct IngestConfig {
  std::size_t window_segments = 6;        // segments listed in the playlist
  std::size_t retained_segments = 30;     // kept for late caches (>= window)
  Duration target_duration = FromSeconds(2);
};

class IngestServer {
 public:
  IngestServer(std::string id, IngestConfig config, StreamAnnouncer& announcer, const Clock& clock,
               MetricsSink& metrics);

  // A segment of `stream` arrives from its publisher (first one = the stream starts here).
  void AcceptSegment(const StreamId& stream, const SegmentInfo& segment);
  // The publisher ended the stream (ENDLIST) or its session was closed.
  void EndStream(const StreamId& stream);
  ContentResponse Serve(const ContentKey& key) const;
  bool Holds(const StreamId& stream) const { return streams_.count(stream) > 0; }
  const std::string& Id() const { return id_; }

 private:
  struct StreamState {
    std::deque<SegmentInfo> segments;
    bool ended = false;
  };
  std::string id_;
  IngestConfig config_;
  StreamAnnouncer& announcer_;
  const Clock& clock_;
  MetricsSink& metrics_;
  std::map<StreamId, StreamState> streams_;
};

}  // namespace cdnlab
