#include "models/streaming/low_latency_origin.h"

namespace cdnlab {

LowLatencyOrigin::LowLatencyOrigin(std::string id, PartPackagerConfig config, PlainPlaylist plain,
                                   TimerScheduler& timers, const Clock& clock)
    : id_(std::move(id)),
      config_(config),
      plain_(std::move(plain)),
      timers_(timers),
      clock_(clock),
      no_parts_(config) {}

LowLatencyOrigin::~LowLatencyOrigin() { Stop(); }

void LowLatencyOrigin::Stop() {
  for (TimerId t : timers_armed_) timers_.Cancel(t);
  timers_armed_.clear();
  playlists_.ExpireDue(SimTime::max(), [this](const PlaylistKey&) { return Refused(503); });
  parts_.ExpireDue(SimTime::max(), [this](const ContentKey&) { return NoPart(); });
}

std::vector<SegmentInfo> LowLatencyOrigin::Accept(const StreamId& stream, const SegmentInfo& published) {
  PartPackager& packager = streams_.try_emplace(stream, config_).first->second;
  const PartPackager::Packaged packaged = packager.Add(published);
  if (!packaged.part) return {};
  ++parts_accepted_;
  return packaged.completed;
}

std::optional<SegmentInfo> LowLatencyOrigin::End(const StreamId& stream) {
  auto it = streams_.find(stream);
  return it == streams_.end() ? std::nullopt : it->second.Close();
}

const PartPackager& LowLatencyOrigin::PackagerOf(const StreamId& stream) const {
  auto it = streams_.find(stream);
  return it == streams_.end() ? no_parts_ : it->second;
}

std::optional<LowLatencyPlaylist> LowLatencyOrigin::Decorated(const StreamId& stream) const {
  const std::optional<LivePlaylist> plain = plain_(stream);
  if (!plain) return std::nullopt;
  return PackagerOf(stream).Decorate(*plain);
}

void LowLatencyOrigin::Wake(const StreamId& stream) {
  const std::optional<LowLatencyPlaylist> playlist = Decorated(stream);
  if (playlist) {
    playlists_.ReleaseIf([&](const PlaylistKey& key) -> std::optional<LowLatencyAnswer> {
      if (key.first != stream || !Satisfies(*playlist, key.second)) return std::nullopt;
      return Answer(*playlist, key.second.skip);
    });
  }
  const PartPackager& packager = PackagerOf(stream);
  const bool ended = playlist && playlist->base.ended;
  parts_.ReleaseIf([&](const ContentKey& key) -> std::optional<ContentResponse> {
    if (key.stream != stream) return std::nullopt;
    const PartPosition at{key.sequence, *key.part};
    if (const PartInfo* part = packager.Find(at)) return PartResponse(*part);
    // Passed over (a lost upload), or the stream ended: it will never come.
    if (at < packager.Next() || ended) return NoPart();
    return std::nullopt;
  });
}

void LowLatencyOrigin::ServePlaylist(const LowLatencyPlaylistRequest& request, LowLatencyPlaylistFetcher::Done done) {
  const std::optional<LowLatencyPlaylist> playlist = Decorated(request.stream);
  if (!playlist) return done(Refused(404));
  switch (DecideReload(*playlist, request.directives)) {
    case ReloadDecision::kAnswerNow:
      return done(Answer(*playlist, request.directives.skip));
    case ReloadDecision::kTooFarAhead:
      return done(Refused(400));
    case ReloadDecision::kHold:
      playlists_.Wait(PlaylistKey{request.stream, request.directives},
                      clock_.Now() + BlockingReloadBound(config_.target_duration), std::move(done));
      ExpireAfterBound();
      return;
  }
}

void LowLatencyOrigin::ServePart(const ContentKey& key, ContentFetcher::Done done) {
  auto it = streams_.find(key.stream);
  if (it == streams_.end() || !key.part) return done(NoPart());
  const PartPosition at{key.sequence, *key.part};
  if (const PartInfo* part = it->second.Find(at)) return done(PartResponse(*part));
  // The preload hint names the next part before it exists: its request waits for it.
  if (!(at == it->second.Next())) return done(NoPart());
  parts_.Wait(key, clock_.Now() + BlockingReloadBound(config_.target_duration), std::move(done));
  ExpireAfterBound();
}

void LowLatencyOrigin::ExpireAfterBound() {
  auto timer = std::make_shared<TimerId>(0);
  *timer = timers_.ScheduleAfter(BlockingReloadBound(config_.target_duration), [this, timer] {
    timers_armed_.erase(*timer);
    playlists_.ExpireDue(clock_.Now(), [this](const PlaylistKey&) { return Refused(503); });
    parts_.ExpireDue(clock_.Now(), [this](const ContentKey&) { return NoPart(); });
  });
  timers_armed_.insert(*timer);
}

LowLatencyAnswer LowLatencyOrigin::Answer(const LowLatencyPlaylist& playlist, bool delta) const {
  LowLatencyAnswer a;
  a.status = 200;
  a.bytes = playlist.ToM3u8(delta).size();
  a.playlist = std::make_shared<const LowLatencyPlaylist>(playlist);
  a.served_by = id_;
  return a;
}

LowLatencyAnswer LowLatencyOrigin::Refused(int status) const {
  LowLatencyAnswer a;
  a.status = status;
  a.served_by = id_;
  return a;
}

ContentResponse LowLatencyOrigin::PartResponse(const PartInfo& part) const {
  ContentResponse r;
  r.found = true;
  r.bytes = part.bytes;
  r.served_by = id_;
  r.produced_at = clock_.Now();
  return r;
}

ContentResponse LowLatencyOrigin::NoPart() const {
  ContentResponse r;
  r.served_by = id_;
  return r;
}

}  // namespace cdnlab
