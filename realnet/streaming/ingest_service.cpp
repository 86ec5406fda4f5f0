#include "realnet/streaming/ingest_service.h"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "realnet/streaming/byte_range.h"
#include "realnet/streaming/content_fetcher.h"
#include "realnet/streaming/http_paths.h"
#include "realnet/streaming/m3u8_reader.h"

namespace cdnlab {

IngestService::IngestService(boost::asio::io_context& io, AsioClock& clock, DatagramTransport& transport,
                             MetricsSink& metrics, IngestServiceConfig config, Log log)
    : clock_(clock),
      transport_(transport),
      metrics_(metrics),
      config_(std::move(config)),
      log_(std::move(log)),
      http_(io, config_.http, UploadLimits(config_.max_upload_bytes), "cdnlab-ingest",
            [this](const StreamingHttpRequest& request, StreamingHttpServer::Respond respond) {
              Handle(request, std::move(respond));
            }),
      client_(io, StreamingHttpClientOptions{std::chrono::milliseconds(2000), 64 << 20, config_.upstream_tls}),
      health_(config_.health, transport),
      // Bytes of segments not yet listed by a playlist count too: a generous bound.
      store_(std::max(config_.ingest.retained_segments, config_.ingest.window_segments) + 32),
      replicator_(io, config_.replicate_to,
                  StreamingHttpClientOptions{std::chrono::milliseconds(2000), 64 << 20, config_.upstream_tls}, log_) {
  if (config_.tls.Enabled()) http_.EnableTls(config_.tls);
}

IngestService::~IngestService() { Stop(); }

void IngestService::Start() {
  http_.Start();
  const Endpoint content{config_.http.address, http_.Port()};
  announcer_ = std::make_unique<StreamAnnouncer>(config_.id, config_.announce_from, content, config_.relays,
                                                 config_.announcer, transport_, clock_, metrics_);
  server_ = std::make_unique<IngestServer>(config_.id, config_.ingest, *announcer_, clock_, metrics_);
  if (config_.low_latency) {
    auto plain = [this](const StreamId& stream) { return server_->Serve(ContentKey{stream, true, 0}).playlist; };
    low_latency_ = std::make_unique<LowLatencyIngest>(clock_, *config_.low_latency, config_.id, plain, log_);
  }
  if (replicator_.Enabled()) {
    server_->OnAccepted([this](const StreamId& stream, const ReplicatedSegment& replica) {
      // LL-HLS: the store holds the publisher's short segments (parts); the packaged segment's
      // bytes are the low-latency ingest's.
      replicator_.Replicate(stream, replica,
                            low_latency_ ? low_latency_->Segment(stream, replica.segment.sequence)
                                         : store_.Get(stream, replica.segment.sequence));
    });
  }
  health_.Start();
  announcer_->Start();
  running_ = true;
  if (config_.register_at) Register();
}

void IngestService::Stop() {
  if (!running_) return;
  running_ = false;
  clock_.Cancel(register_timer_);
  for (auto& [stream, upload] : uploads_) clock_.Cancel(upload.idle_timer);
  if (low_latency_) low_latency_->Stop();
  http_.Stop();
  health_.Stop();
  announcer_->Stop();
}

void IngestService::Handle(const StreamingHttpRequest& request, StreamingHttpServer::Respond respond) {
  const auto key = ContentKeyOfTarget(request.target);
  if (!key) return respond(StreamingHttpReply::Text(400, kNotAStreamPath));
  if (request.method == "PUT" && !key->playlist) {
    std::optional<ReplicatedSegment> replica;
    try {
      replica = ReplicaOfTarget(request.target, key->sequence);
    } catch (const std::invalid_argument& e) {
      return respond(StreamingHttpReply::Text(400, e.what()));
    }
    if (replica) return respond(PutReplica(*key, *replica, request.body));
  }
  if (request.method == "PUT") {
    return respond(key->playlist ? PutPlaylist(*key, request.body) : PutSegment(*key, request.body));
  }
  if ((request.method == "GET" || request.method == "HEAD") && low_latency_) {
    return low_latency_->Get(request, *key, std::move(respond));
  }
  if (request.method == "GET" || request.method == "HEAD") {
    StreamingHttpReply reply = Get(*key);
    if (!key->playlist) ApplyByteRange(request, reply);  // as at the caches: segments and init segments
    return respond(std::move(reply));
  }
  auto reply = StreamingHttpReply::Text(405, "method not allowed");
  reply.headers.emplace_back("Allow", "GET, HEAD, PUT");
  respond(std::move(reply));
}

StreamingHttpReply IngestService::PutSegment(const ContentKey& key, std::string body) {
  if (body.empty()) return StreamingHttpReply::Text(400, "empty segment");
  if (key.init) {
    // A publisher (re)starting sends its init segment first; the newest one is the one to use.
    uploads_[key.stream].init = std::make_shared<const std::string>(std::move(body));
    log_(fmt::format("{}: init segment stored ({} bytes)", key.stream, uploads_[key.stream].init->size()));
    return StreamingHttpReply::Text(201, "init segment stored");
  }
  const Upload& upload = uploads_[key.stream];
  if (upload.last_accepted && key.sequence <= *upload.last_accepted) {
    return StreamingHttpReply::Text(200, "segment already ingested");  // a resend: the first copy stays
  }
  store_.Put(key.stream, key.sequence, std::make_shared<const std::string>(std::move(body)));
  AcceptListed(key.stream);
  return StreamingHttpReply::Text(201, "segment stored");
}

// A peer's copy: kept (bytes and SegmentInfo) for a takeover, unless the stream is live here
// (then this ingest's own uploads are the stream and the peer's copy would only disagree).
StreamingHttpReply IngestService::PutReplica(const ContentKey& key, const ReplicatedSegment& replica,
                                             std::string body) {
  if (body.empty()) return StreamingHttpReply::Text(400, "empty segment");
  auto upload = uploads_.find(key.stream);
  if (server_->Holds(key.stream) && upload != uploads_.end() && !upload->second.ended) {
    return StreamingHttpReply::Text(200, "stream live here: replica ignored");
  }
  ReplicatedSegment copy = replica;
  copy.segment.bytes = body.size();
  auto bytes = std::make_shared<const std::string>(std::move(body));
  // LL-HLS: replicas are packaged segments, served by the low-latency ingest (the store holds
  // the publisher's short segments, numbered apart).
  if (low_latency_) {
    low_latency_->PutReplica(key.stream, key.sequence, std::move(bytes));
  } else {
    store_.Put(key.stream, key.sequence, std::move(bytes));
  }
  server_->AcceptReplica(key.stream, copy);
  ++replicas_received_;
  return StreamingHttpReply::Text(201, "replica stored");
}

StreamingHttpReply IngestService::PutPlaylist(const ContentKey& key, const std::string& body) {
  auto playlist = ReadM3u8(body, key.stream);
  if (!playlist) {
    log_(fmt::format("{}: refused a playlist upload ({} bytes): not an HLS media playlist of seg-<n>.ts or "
                     "seg-<n>.m4s (+ EXT-X-MAP init.mp4)",
                     key.stream, body.size()));
    return StreamingHttpReply::Text(400,
                                    "not an HLS media playlist of seg-<n>.ts or seg-<n>.m4s segments "
                                    "(fMP4: with #EXT-X-MAP:URI=\"init.mp4\")");
  }
  uploads_[key.stream].listed = std::move(playlist);
  AcceptListed(key.stream);
  return StreamingHttpReply::Text(204, "");
}

// Every segment the publisher's playlist lists as complete, newer than what was accepted and
// whose bytes arrived here. Segments uploaded to another ingest (before a failover) are
// skipped: this ingest's stream starts where its own uploads start.
void IngestService::AcceptListed(const StreamId& stream) {
  Upload& upload = uploads_[stream];
  if (!upload.listed) return;
  for (const SegmentInfo& listed : upload.listed->segments) {
    if (upload.last_accepted && listed.sequence <= *upload.last_accepted) continue;
    const auto body = store_.Get(stream, listed.sequence);
    if (!body) continue;
    SegmentInfo segment = listed;
    segment.bytes = body->size();
    if (!server_->Holds(stream) || upload.ended) {
      ++sessions_started_;
      log_(fmt::format("{}: stream starts here at segment {}", stream, segment.sequence));
    }
    upload.ended = false;
    if (low_latency_) {
      for (const SegmentInfo& whole : low_latency_->Accept(stream, segment, body)) server_->AcceptSegment(stream, whole);
      low_latency_->Wake(stream);
    } else {
      server_->AcceptSegment(stream, segment);
    }
    upload.last_accepted = segment.sequence;
    ++segments_accepted_;
    log_(fmt::format("{}: segment {} ingested ({} bytes, {:.3f} s)", stream, segment.sequence, segment.bytes,
                     ToSeconds(segment.duration)));
    clock_.Cancel(upload.idle_timer);
    upload.idle_timer = clock_.ScheduleAfter(config_.publisher_idle, [this, stream] {
      uploads_[stream].idle_timer = 0;
      End(stream, fmt::format("no upload for {:.0f} s", ToSeconds(config_.publisher_idle)));
    });
  }
  if (upload.last_accepted) {
    const std::uint64_t keep = config_.ingest.retained_segments;
    if (*upload.last_accepted + 1 > keep) store_.TrimBelow(stream, *upload.last_accepted + 1 - keep);
  }
  const auto last_listed = upload.listed->LastSequence();
  if (upload.listed->ended && !upload.ended && (!last_listed || upload.last_accepted == last_listed)) {
    End(stream, "EXT-X-ENDLIST");
  }
}

void IngestService::End(const StreamId& stream, const std::string& why) {
  Upload& upload = uploads_[stream];
  clock_.Cancel(upload.idle_timer);
  upload.idle_timer = 0;
  if (upload.ended || !server_->Holds(stream)) return;
  upload.ended = true;
  ++sessions_ended_;
  if (low_latency_) {
    if (auto last = low_latency_->End(stream)) server_->AcceptSegment(stream, *last);
  }
  server_->EndStream(stream);
  if (low_latency_) low_latency_->Wake(stream);  // blocked reloads get the ended playlist
  log_(fmt::format("{}: stream ended here ({})", stream, why));
}

StreamingHttpReply IngestService::Get(const ContentKey& key) const {
  if (!server_) return StreamingHttpReply::Text(503, "starting");
  std::shared_ptr<const std::string> body;
  if (key.init) {
    // The model knows no init segments: served while the stream is held here.
    const auto upload = uploads_.find(key.stream);
    if (upload != uploads_.end() && server_->Holds(key.stream)) body = upload->second.init;
  }
  if (key.IsSegment()) {
    // seg-<n>.ts of an fMP4 stream (or the reverse) names nothing here.
    const auto upload = uploads_.find(key.stream);
    if (upload != uploads_.end() && upload->second.listed && upload->second.listed->container != key.container) {
      return StreamingHttpReply::Text(404, "this stream's segments are in the other container (.ts / .m4s)");
    }
  }
  const ContentResponse response = key.init ? ContentResponse{} : server_->Serve(key);
  if (response.found && key.playlist) {
    body = PlaylistBody(key, response);
  } else if (response.found) {
    body = store_.Get(key.stream, key.sequence);
  }
  if (!body) return StreamingHttpReply::Text(404, "no such stream or segment here");
  StreamingHttpReply reply;
  reply.content_type = StreamingContentType(key);
  // The origin of a live playlist: caches apply their own freshness, others must revalidate.
  reply.cache_control = key.playlist ? "no-cache" : StreamingCacheControl(FromSeconds(300));
  reply.headers.emplace_back(kServedByHeader, config_.id);
  reply.body = std::move(body);
  return reply;
}

std::shared_ptr<const std::string> IngestService::PlaylistBody(const ContentKey& key,
                                                                const ContentResponse& response) const {
  const auto upload = uploads_.find(key.stream);
  const bool fmp4 = upload != uploads_.end() && upload->second.listed &&
                    upload->second.listed->container == SegmentContainer::kFmp4;
  if (!fmp4 || !response.playlist) {
    return response.body ? response.body : std::make_shared<const std::string>(response.playlist->ToM3u8());
  }
  LivePlaylist playlist = *response.playlist;
  playlist.container = SegmentContainer::kFmp4;
  playlist.has_init = upload->second.listed->has_init;
  return std::make_shared<const std::string>(playlist.ToM3u8());
}

void IngestService::Register() {
  if (!running_) return;
  const Endpoint http{config_.http.address, http_.Port()};
  nlohmann::json member{{"id", config_.id}, {"http", http.ToString()}, {"health", config_.health.ToString()}};
  client_.Request(*config_.register_at, "POST", "/members", member.dump(), "application/json",
                  [this](const StreamingHttpResponse& r) {
                    if (!running_) return;
                    const bool ok = r.ok && r.status >= 200 && r.status < 300;
                    if (ok && !registered_) {
                      log_(fmt::format("registered with the balancer at {}", config_.register_at->ToString()));
                    }
                    if (!ok && !register_failing_) {
                      log_(fmt::format("registration with {} failed ({}); retrying", config_.register_at->ToString(),
                                       r.ok ? fmt::format("HTTP {}", r.status) : r.error));
                    }
                    registered_ = registered_ || ok;
                    register_failing_ = !ok;
                    // Soft state: refreshed, so a restarted balancer learns its members again.
                    register_timer_ = clock_.ScheduleAfter(ok ? config_.register_refresh : config_.register_retry,
                                                           [this] { Register(); });
                  });
}

}  // namespace cdnlab
