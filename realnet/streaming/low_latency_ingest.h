#pragma once
// The LL-HLS side of an ingest on real sockets (stream-ingest --parts-per-segment N): each
// short segment the publisher uploads becomes a part (PartPackager), N of them one media
// segment whose bytes are the parts' bytes concatenated (MPEG-TS). It serves
//  - GET /<stream>/playlist.m3u8[?_HLS_msn=M[&_HLS_part=P]][&_HLS_skip=YES]: the playlist with
//    EXT-X-PART/-PART-INF/-SERVER-CONTROL/-PRELOAD-HINT; a blocking reload is held until
//    segment M (part P) is there, at most 3 target durations (then 503); 400 when M/P is too
//    far ahead or a directive is malformed; _HLS_skip=YES gives a delta update (EXT-X-SKIP);
//  - GET /<stream>/seg-<m>.part-<i>.ts: a part; the hinted next part is held until it exists
//    (same bound, then 404);
//  - GET /<stream>/seg-<m>.ts: a complete segment.
// Requests without a query are answered at once, as plain HLS clients expect.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/streaming/blocking_reload_registry.h"
#include "models/streaming/delivery_directives.h"
#include "models/streaming/part_packager.h"
#include "realnet/net/asio_clock.h"
#include "realnet/net/http_server.h"
#include "realnet/streaming/segment_store.h"

namespace cdnlab {

class LowLatencyIngest {
 public:
  // The ingest model's playlist of complete segments of a stream (nullopt: not held here).
  using PlainPlaylist = std::function<std::optional<LivePlaylist>(const StreamId& stream)>;
  using Log = std::function<void(const std::string& line)>;

  LowLatencyIngest(AsioClock& clock, PartPackagerConfig config, std::string id, PlainPlaylist plain, Log log);
  ~LowLatencyIngest();

  // A published short segment with its bytes: stored as a part; returns the media segments it
  // completed (their bytes stored here too) for the ingest model to accept.
  std::vector<SegmentInfo> Accept(const StreamId& stream, const SegmentInfo& published,
                                  std::shared_ptr<const std::string> body);
  // A complete segment's bytes (packaged here or a peer's replica); nullptr when not here.
  std::shared_ptr<const std::string> Segment(const StreamId& stream, std::uint64_t sequence) const;
  // A peer ingest's copy of a complete segment, served here after a takeover.
  void PutReplica(const StreamId& stream, std::uint64_t sequence, std::shared_ptr<const std::string> body);
  // The stream ended: the open segment closes with the parts it has.
  std::optional<SegmentInfo> End(const StreamId& stream);
  // After the model took the completed segments: answers the requests waiting for what came.
  void Wake(const StreamId& stream);
  void Get(const StreamingHttpRequest& request, const ContentKey& key, StreamingHttpServer::Respond respond);
  // Answers every waiting request (503) and cancels the timers: the service stops.
  void Stop();

  std::size_t Waiting() const { return waiting_.Waiting(); }
  std::uint64_t PartsAccepted() const { return parts_accepted_; }

 private:
  struct StreamState {
    PartPackager packager;
    std::map<PartPosition, std::shared_ptr<const std::string>> parts;
  };
  // A playlist request (directives) or a part request (key.part, no directives).
  using WaitKey = std::pair<ContentKey, DeliveryDirectives>;

  void GetPlaylist(const StreamingHttpRequest& request, const ContentKey& key, StreamingHttpServer::Respond respond);
  void GetPart(const ContentKey& key, StreamingHttpServer::Respond respond);
  std::optional<StreamingHttpReply> AnswerIfReady(const WaitKey& key);
  // The stream's packager; an empty one for a stream held here from a peer's replicas only.
  const PartPackager& PackagerOf(const StreamId& stream) const;
  StreamingHttpReply PlaylistReply(const LowLatencyPlaylist& playlist, bool delta) const;
  StreamingHttpReply MediaReply(std::shared_ptr<const std::string> body) const;
  void Hold(const WaitKey& key, StreamingHttpServer::Respond respond);

  AsioClock& clock_;
  PartPackagerConfig config_;
  std::string id_;
  PlainPlaylist plain_;
  Log log_;
  std::map<StreamId, StreamState> streams_;
  PartPackager no_parts_;  // PackagerOf a stream without parts here
  StreamingSegmentStore segments_;
  BlockingReloadRegistry<WaitKey, StreamingHttpReply> waiting_;
  std::set<TimerId> timers_;
  std::uint64_t parts_accepted_ = 0;
};

}  // namespace cdnlab
