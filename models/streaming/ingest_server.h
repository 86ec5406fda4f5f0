#pragma once
// One ingest server: accepts a publisher's segment and playlist uploads for its streams,
// keeps a window of recent segments per stream, serves them to caches, and tells the
// announcer which streams it holds. Knows nothing of the other ingests or of the edges.
// Failover continuity (issue 17): a segment after a gap in the publisher's sequence numbers
// carries EXT-X-DISCONTINUITY (counted into EXT-X-DISCONTINUITY-SEQUENCE as it leaves the
// window); the playlist lists at least three target durations when it has them; segments a
// peer replicated here (AcceptReplica) start the stream's window when the publisher's
// uploads move here, so its media sequence goes on where the dead peer's left off.
#include <deque>
#include <functional>
#include <map>
#include <string>

#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"
#include "models/streaming/ingest_replicas.h"
#include "models/streaming/live_stream.h"
#include "models/streaming/stream_announcer.h"

namespace cdnlab {

struct IngestConfig {
  std::size_t window_segments = 6;        // segments listed in the playlist
  std::size_t retained_segments = 30;     // kept for late caches (>= window)
  Duration target_duration = FromSeconds(2);
  // The playlist lists more than window_segments if that many are shorter than this many
  // target durations (RFC 8216 6.2.2: at least three).
  int min_target_durations = 3;
};

class IngestServer {
 public:
  IngestServer(std::string id, IngestConfig config, StreamAnnouncer& announcer, const Clock& clock,
               MetricsSink& metrics);

  // A segment of `stream` arrives from its publisher (first one = the stream starts here).
  void AcceptSegment(const StreamId& stream, const SegmentInfo& segment);
  // A copy of a segment a peer ingest accepted (not live here until the publisher comes).
  void AcceptReplica(const StreamId& stream, const ReplicatedSegment& replica);
  // Called for every segment accepted live here (the runtime replicates it to a peer).
  using Accepted = std::function<void(const StreamId&, const ReplicatedSegment&)>;
  void OnAccepted(Accepted accepted) { on_accepted_ = std::move(accepted); }
  // LL-HLS takeover: the publisher's first part arrives here while the segment it belongs to is
  // still open, so no whole segment can start the stream yet. The peer's replicated segments
  // become the stream's window now (live, announced), and the open segment's parts follow them.
  // False (nothing done) when the stream is live here or no replica is newer than what is held.
  bool ContinueFromReplicas(const StreamId& stream);
  // Streams this ingest continued from replicas (a failover it took over).
  std::uint64_t TakeOvers() const { return take_overs_; }
  // The publisher ended the stream (ENDLIST) or its session was closed.
  void EndStream(const StreamId& stream);
  ContentResponse Serve(const ContentKey& key) const;
  bool Holds(const StreamId& stream) const { return streams_.count(stream) > 0; }
  const std::string& Id() const { return id_; }

 private:
  struct StreamState {
    std::deque<ReplicatedSegment> segments;  // with each one's discontinuity number
    bool ended = false;
  };
  void Append(StreamState& state, ReplicatedSegment held);
  LivePlaylist Window(const StreamId& stream, const StreamState& state) const;
  std::string id_;
  IngestConfig config_;
  StreamAnnouncer& announcer_;
  const Clock& clock_;
  MetricsSink& metrics_;
  std::map<StreamId, StreamState> streams_;
  IngestReplicas replicas_;
  Accepted on_accepted_;
  std::uint64_t take_overs_ = 0;
};

}  // namespace cdnlab
