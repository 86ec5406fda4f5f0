#include "realnet/streaming/low_latency_ingest.h"

#include <fmt/format.h>

#include "realnet/streaming/content_fetcher.h"
#include "realnet/streaming/http_paths.h"

namespace cdnlab {

LowLatencyIngest::LowLatencyIngest(AsioClock& clock, PartPackagerConfig config, std::string id, PlainPlaylist plain,
                                   Log log)
    : clock_(clock),
      config_(config),
      id_(std::move(id)),
      plain_(std::move(plain)),
      log_(std::move(log)),
      no_parts_(config),
      segments_(config.retained_segments + 2) {}

LowLatencyIngest::~LowLatencyIngest() { Stop(); }

void LowLatencyIngest::Stop() {
  for (TimerId t : timers_) clock_.Cancel(t);
  timers_.clear();
  waiting_.ExpireDue(SimTime::max(), [](const WaitKey&) { return StreamingHttpReply::Text(503, "stopping"); });
}

std::vector<SegmentInfo> LowLatencyIngest::Accept(const StreamId& stream, const SegmentInfo& published,
                                                  std::shared_ptr<const std::string> body) {
  StreamState& state = streams_.try_emplace(stream, StreamState{PartPackager(config_), {}}).first->second;
  const PartPackager::Packaged packaged = state.packager.Add(published);
  if (!packaged.part) return {};
  const PartPosition at{packaged.part->sequence, packaged.part->index};
  state.parts[at] = std::move(body);
  ++parts_accepted_;
  log_(fmt::format("{}: part {}.{} ingested ({} bytes, {:.3f} s)", stream, at.sequence, at.index,
                   packaged.part->bytes, ToSeconds(packaged.part->duration)));
  for (const SegmentInfo& segment : packaged.completed) {
    // The segment's bytes: its parts' MPEG-TS bytes in order.
    auto whole = std::make_shared<std::string>();
    whole->reserve(segment.bytes);
    for (const PartInfo& p : *state.packager.PartsOf(segment.sequence)) {
      whole->append(*state.parts.at(PartPosition{p.sequence, p.index}));
    }
    segments_.Put(stream, segment.sequence, std::move(whole));
  }
  // Parts are kept as long as their segments.
  while (!state.parts.empty() && state.packager.PartsOf(state.parts.begin()->first.sequence) == nullptr) {
    state.parts.erase(state.parts.begin());
  }
  return packaged.completed;
}

std::shared_ptr<const std::string> LowLatencyIngest::Segment(const StreamId& stream, std::uint64_t sequence) const {
  return segments_.Get(stream, sequence);
}

void LowLatencyIngest::PutReplica(const StreamId& stream, std::uint64_t sequence,
                                  std::shared_ptr<const std::string> body) {
  segments_.Put(stream, sequence, std::move(body));
}

const PartPackager& LowLatencyIngest::PackagerOf(const StreamId& stream) const {
  auto it = streams_.find(stream);
  return it == streams_.end() ? no_parts_ : it->second.packager;
}

std::optional<SegmentInfo> LowLatencyIngest::End(const StreamId& stream) {
  auto it = streams_.find(stream);
  if (it == streams_.end()) return std::nullopt;
  const auto closed = it->second.packager.Close();
  if (closed) {
    auto whole = std::make_shared<std::string>();
    for (const PartInfo& p : *it->second.packager.PartsOf(closed->sequence)) {
      whole->append(*it->second.parts.at(PartPosition{p.sequence, p.index}));
    }
    segments_.Put(stream, closed->sequence, std::move(whole));
  }
  return closed;
}

void LowLatencyIngest::Wake(const StreamId& stream) {
  waiting_.ReleaseIf([&](const WaitKey& key) -> std::optional<StreamingHttpReply> {
    if (key.first.stream != stream) return std::nullopt;
    return AnswerIfReady(key);
  });
}

void LowLatencyIngest::Get(const StreamingHttpRequest& request, const ContentKey& key,
                           StreamingHttpServer::Respond respond) {
  if (key.playlist) return GetPlaylist(request, key, std::move(respond));
  if (key.part) return GetPart(key, std::move(respond));
  auto body = segments_.Get(key.stream, key.sequence);
  if (!body) return respond(StreamingHttpReply::Text(404, "no such segment here"));
  respond(MediaReply(std::move(body)));
}

void LowLatencyIngest::GetPlaylist(const StreamingHttpRequest& request, const ContentKey& key,
                                   StreamingHttpServer::Respond respond) {
  const ParsedDirectives parsed = ParseDeliveryDirectives(request.target);
  if (!parsed.error.empty()) return respond(StreamingHttpReply::Text(400, parsed.error));
  const auto plain = plain_(key.stream);
  if (!plain) return respond(StreamingHttpReply::Text(404, "no such stream here"));
  // Held from a peer's replicas only (a takeover before the publisher's first upload here):
  // the complete segments, no parts yet.
  const LowLatencyPlaylist playlist = PackagerOf(key.stream).Decorate(*plain);
  switch (DecideReload(playlist, parsed.directives)) {
    case ReloadDecision::kAnswerNow:
      return respond(PlaylistReply(playlist, parsed.directives.skip));
    case ReloadDecision::kTooFarAhead:
      return respond(StreamingHttpReply::Text(
          400, fmt::format("{} is too far ahead of the playlist (last segment {}, newest part {}.{})",
                           parsed.directives.Canonical(), plain->LastSequence().value_or(0),
                           playlist.LastPart().value_or(PartPosition{}).sequence,
                           playlist.LastPart().value_or(PartPosition{}).index)));
    case ReloadDecision::kHold:
      return Hold(WaitKey{key, parsed.directives}, std::move(respond));
  }
}

void LowLatencyIngest::GetPart(const ContentKey& key, StreamingHttpServer::Respond respond) {
  auto it = streams_.find(key.stream);
  if (it == streams_.end()) return respond(StreamingHttpReply::Text(404, "no such stream here"));
  const PartPosition at{key.sequence, *key.part};
  if (auto part = it->second.parts.find(at); part != it->second.parts.end()) return respond(MediaReply(part->second));
  // The preload hint names the next part before it exists: its request waits for it.
  if (at == it->second.packager.Next()) return Hold(WaitKey{key, DeliveryDirectives{}}, std::move(respond));
  respond(StreamingHttpReply::Text(404, "no such part here"));
}

std::optional<StreamingHttpReply> LowLatencyIngest::AnswerIfReady(const WaitKey& key) {
  auto it = streams_.find(key.first.stream);
  if (key.first.part) {
    if (it == streams_.end()) return std::nullopt;
    auto part = it->second.parts.find(PartPosition{key.first.sequence, *key.first.part});
    if (part != it->second.parts.end()) return MediaReply(part->second);
    // Passed over (a lost upload): the hinted part will never come.
    if (PartPosition{key.first.sequence, *key.first.part} < it->second.packager.Next()) {
      return StreamingHttpReply::Text(404, "no such part here");
    }
    return std::nullopt;
  }
  const auto plain = plain_(key.first.stream);
  if (!plain) return std::nullopt;
  const LowLatencyPlaylist playlist = PackagerOf(key.first.stream).Decorate(*plain);
  if (!Satisfies(playlist, key.second)) return std::nullopt;
  return PlaylistReply(playlist, key.second.skip);
}

void LowLatencyIngest::Hold(const WaitKey& key, StreamingHttpServer::Respond respond) {
  const Duration bound = BlockingReloadBound(config_.target_duration);
  waiting_.Wait(key, clock_.Now() + bound, std::move(respond));
  auto timer = std::make_shared<TimerId>(0);
  *timer = clock_.ScheduleAfter(bound, [this, timer] {
    timers_.erase(*timer);
    waiting_.ExpireDue(clock_.Now(), [](const WaitKey& k) {
      return k.first.part ? StreamingHttpReply::Text(404, "the hinted part did not arrive in 3 target durations")
                          : StreamingHttpReply::Text(503, "the playlist did not reach the requested segment/part "
                                                          "within 3 target durations");
    });
  });
  timers_.insert(*timer);
}

StreamingHttpReply LowLatencyIngest::PlaylistReply(const LowLatencyPlaylist& playlist, bool delta) const {
  StreamingHttpReply reply;
  reply.content_type = "application/vnd.apple.mpegurl";
  reply.cache_control = "no-cache";  // the origin of a live playlist (caches apply their own freshness)
  reply.headers.emplace_back(kServedByHeader, id_);
  reply.body = std::make_shared<const std::string>(playlist.ToM3u8(delta));
  return reply;
}

StreamingHttpReply LowLatencyIngest::MediaReply(std::shared_ptr<const std::string> body) const {
  StreamingHttpReply reply;
  reply.content_type = "video/mp2t";
  reply.cache_control = StreamingCacheControl(FromSeconds(300));
  reply.headers.emplace_back(kServedByHeader, id_);
  reply.body = std::move(body);
  return reply;
}

}  // namespace cdnlab
