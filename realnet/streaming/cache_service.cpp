#include "realnet/streaming/cache_service.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

#include "realnet/streaming/byte_range.h"
#include "realnet/streaming/http_paths.h"

namespace cdnlab {
namespace {

std::unique_ptr<EvictionPolicy> EvictionOrThrow(const std::string& name) {
  auto policy = MakeEvictionPolicy(name);
  if (!policy) throw std::invalid_argument("unknown eviction policy '" + name + "' (lru or slru)");
  return policy;
}

StreamDirectoryNode::Config DirectoryConfig(const CacheServiceConfig& c) {
  StreamDirectoryNode::Config config;
  config.node = c.id;
  config.local = c.announce;
  config.parent = c.parent_announce;
  return config;
}

// RFC 5861: a cache below may serve this response this long past its freshness when its
// fetch fails, as this one does.
std::string WithStaleIfError(std::string cache_control, Duration stale_if_error) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(stale_if_error).count();
  if (seconds <= 0 || cache_control == "no-cache") return cache_control;
  return fmt::format("{}, stale-if-error={}", cache_control, seconds);
}

}  // namespace

CacheService::CacheService(boost::asio::io_context& io, AsioClock& clock, DatagramTransport& transport,
                           MetricsSink& metrics, CacheServiceConfig config, Log log)
    : clock_(clock),
      config_(std::move(config)),
      log_(std::move(log)),
      directory_(DirectoryConfig(config_), transport, clock, clock, metrics),
      cache_(config_.capacity_bytes, config_.freshness, EvictionOrThrow(config_.eviction)),
      fetcher_(io, StreamingHttpClientOptions{config_.fetch_timeout, 256 << 20, config_.upstream_tls}, &clock),
      http_(io, config_.http, StreamingHttpLimits{64 * 1024}, "cdnlab-cache",
            [this](const StreamingHttpRequest& request, StreamingHttpServer::Respond respond) {
              Handle(request, std::move(respond));
            }),
      playlist_cache_control_(WithStaleIfError(StreamingCacheControl(config_.freshness.playlist_ttl),
                                               config_.freshness.stale_if_error)),
      segment_cache_control_(WithStaleIfError(StreamingSegmentCacheControl(config_.freshness.segment_ttl),
                                              config_.freshness.stale_if_error)),
      cors_(config_.cors_origins) {
  if (config_.tier == CacheTier::kEdge && (!config_.parent || !config_.parent_announce)) {
    throw std::invalid_argument("an edge cache needs --parent and --parent-announce");
  }
  if (config_.tls.Enabled()) http_.EnableTls(config_.tls);
  node_ = std::make_unique<LiveCacheNode>(config_.id, config_.tier, config_.parent, &directory_.Directory(), cache_,
                                          fetcher_, clock, metrics);
  auto upstream = [this, &clock](const StreamId& stream) -> std::optional<Endpoint> {
    if (config_.parent) return config_.parent;
    const auto location = directory_.Directory().Locate(stream, clock.Now());
    if (!location) return std::nullopt;
    return location->content_endpoint;
  };
  blocking_ = std::make_unique<BlockingReloadForwarder>(
      io, clock, StreamingHttpClientOptions{config_.blocking_timeout, 16 << 20, config_.upstream_tls},
      config_.blocking_reply_keep, config_.id, upstream);
}

CacheService::~CacheService() { Stop(); }

void CacheService::Start() {
  http_.Start();
  directory_.Start();
  running_ = true;
}

void CacheService::Stop() {
  if (!running_) return;
  running_ = false;
  http_.Stop();
  directory_.Stop();
  const CacheNodeStats& s = node_->Stats();
  log_(fmt::format("{} requests, {} hits, {} collapsed, {} upstream ({} failed), {} not found, {} served stale; "
                   "{} entries, {} bytes, {} evictions",
                   s.requests, s.hits, s.collapsed, s.upstream_requests, s.upstream_failures, s.not_found,
                   s.stale_served, cache_.Entries(), cache_.BytesUsed(), cache_.Evictions()));
  const BlockingReloadForwarderStats& b = blocking_->Stats();
  if (b.requests > 0) {
    log_(fmt::format("LL-HLS playlist requests with directives: {}, {} answered from a kept answer, {} collapsed, {} "
                     "upstream ({} failed)",
                     b.requests, b.hits, b.collapsed, b.upstream_requests, b.upstream_failures));
  }
}

void CacheService::Handle(const StreamingHttpRequest& request, StreamingHttpServer::Respond respond) {
  if (request.method == "OPTIONS") return respond(cors_.Options(request));
  if (request.method != "GET" && request.method != "HEAD") {
    auto reply = StreamingHttpReply::Text(405, "method not allowed");
    reply.headers.emplace_back("Allow", CorsPolicy::kAllowMethods);
    return respond(std::move(reply));
  }
  const auto key = ContentKeyOfTarget(request.target);
  if (!key) {
    auto reply = StreamingHttpReply::Text(400, kNotAStreamPath);
    cors_.Decorate(request, reply);  // a page on another origin may read why
    return respond(std::move(reply));
  }
  if (key->playlist) {
    const ParsedDirectives parsed = ParseDeliveryDirectives(request.target);
    if (!parsed.error.empty()) {
      auto reply = StreamingHttpReply::Text(400, parsed.error);
      cors_.Decorate(request, reply);
      return respond(std::move(reply));
    }
    if (parsed.directives.Any()) {
      // LL-HLS players (hls.js) read blocking reloads from another origin too.
      return blocking_->Serve(key->stream, parsed.directives,
                              [this, request, respond = std::move(respond)](StreamingHttpReply reply) {
                                cors_.Decorate(request, reply);
                                respond(std::move(reply));
                              });
    }
  }
  // The request is copied: its headers (Origin, Range) are read when the answer comes.
  node_->Serve(*key, [this, request, key = *key, respond = std::move(respond)](const ContentResponse& r) {
    respond(Reply(request, key, r));
  });
}

StreamingHttpReply CacheService::Reply(const StreamingHttpRequest& request, const ContentKey& key,
                                       const ContentResponse& r) const {
  StreamingHttpReply reply;
  if (!r.found || !r.body) {
    reply = StreamingHttpReply::Text(404, "not found");
  } else {
    reply.content_type = StreamingContentType(key);
    reply.cache_control = key.playlist ? playlist_cache_control_ : segment_cache_control_;
    reply.headers.emplace_back(kServedByHeader, config_.id);
    reply.headers.emplace_back("X-Cache", r.stale ? "STALE" : r.from_cache ? "HIT" : "MISS");
    // RFC 9111 5.1: how long ago the origin produced it, whole seconds, the parent's Age included.
    if (r.produced_at) {
      const auto age = std::max<std::int64_t>(0, (clock_.Now() - *r.produced_at).count() / 1'000'000'000);
      reply.headers.emplace_back("Age", std::to_string(age));
    }
    reply.body = r.body;
    if (!key.playlist) ApplyByteRange(request, reply);  // a playlist changes: always whole
  }
  cors_.Decorate(request, reply);
  return reply;
}

}  // namespace cdnlab
