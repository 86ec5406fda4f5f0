#pragma once
// The LL-HLS side of an ingest in the model (the simulation's ingests; realnet's
// LowLatencyIngest is the same policy on real sockets): each short segment a publisher uploads
// becomes a part (PartPackager), N of them one media segment, which the ingest model
// (IngestServer) then accepts like any segment. It serves
//  - playlist requests with delivery directives: the ingest's playlist decorated with parts,
//    preload hint and server control (PartPackager::Decorate); DecideReload answers at once,
//    refuses (400) or holds the request until segment M (part P) is there, at most
//    BlockingReloadBound (then 503);
//  - part requests: a part held here, or the hinted next part, held until it arrives (same
//    bound, then not found).
// Held requests of the same key are one group (BlockingReloadRegistry), released together.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/timer_scheduler.h"
#include "models/streaming/blocking_reload_registry.h"
#include "models/streaming/content_fetcher.h"
#include "models/streaming/delivery_directives.h"
#include "models/streaming/low_latency_fetcher.h"
#include "models/streaming/part_packager.h"

namespace cdnlab {

class LowLatencyOrigin {
 public:
  // The ingest model's playlist of complete segments of a stream (nullopt: not held here).
  using PlainPlaylist = std::function<std::optional<LivePlaylist>(const StreamId& stream)>;

  LowLatencyOrigin(std::string id, PartPackagerConfig config, PlainPlaylist plain, TimerScheduler& timers,
                   const Clock& clock);
  ~LowLatencyOrigin();
  LowLatencyOrigin(const LowLatencyOrigin&) = delete;
  LowLatencyOrigin& operator=(const LowLatencyOrigin&) = delete;

  // A published short segment: becomes a part; returns the media segments it completed, for
  // the ingest model to accept (then call Wake).
  std::vector<SegmentInfo> Accept(const StreamId& stream, const SegmentInfo& published);
  // The stream ended: the open segment closes with the parts it has (accept it, then Wake).
  std::optional<SegmentInfo> End(const StreamId& stream);
  // Answers the held requests of `stream` that what arrived satisfies.
  void Wake(const StreamId& stream);

  void ServePlaylist(const LowLatencyPlaylistRequest& request, LowLatencyPlaylistFetcher::Done done);
  void ServePart(const ContentKey& key, ContentFetcher::Done done);
  // The ingest crashed or stops: held requests get their failure answers, timers are cancelled.
  void Stop();

  std::uint64_t PartsAccepted() const { return parts_accepted_; }
  std::size_t Waiting() const { return playlists_.Waiting() + parts_.Waiting(); }

 private:
  using PlaylistKey = std::pair<StreamId, DeliveryDirectives>;

  const PartPackager& PackagerOf(const StreamId& stream) const;
  std::optional<LowLatencyPlaylist> Decorated(const StreamId& stream) const;
  LowLatencyAnswer Answer(const LowLatencyPlaylist& playlist, bool delta) const;
  LowLatencyAnswer Refused(int status) const;
  ContentResponse PartResponse(const PartInfo& part) const;
  ContentResponse NoPart() const;
  // Arms the timer that expires held requests `bound` from now.
  void ExpireAfterBound();

  std::string id_;
  PartPackagerConfig config_;
  PlainPlaylist plain_;
  TimerScheduler& timers_;
  const Clock& clock_;
  std::map<StreamId, PartPackager> streams_;
  PartPackager no_parts_;  // PackagerOf a stream held here without parts (a peer's replicas)
  BlockingReloadRegistry<PlaylistKey, LowLatencyAnswer> playlists_;
  BlockingReloadRegistry<ContentKey, ContentResponse> parts_;
  std::set<TimerId> timers_armed_;
  std::uint64_t parts_accepted_ = 0;
};

}  // namespace cdnlab
