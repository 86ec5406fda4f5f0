#pragma once
// One edge or mid-tier live cache on real sockets (`cdnlab realnet stream-cache`): a
// LiveCacheNode over a LiveCache in memory, fetching over HTTP (HttpContentFetcher), and a
// StreamDirectoryNode on the announcement channel. A mid-tier is the relay ingests announce
// to and fetches from the ingest its directory names; an edge subscribes to its parent's
// relay and fetches from the parent. HTTP: GET/HEAD /<stream>/playlist.m3u8,
// /<stream>/seg-<n>.ts, /<stream>/seg-<n>.m4s and /<stream>/init.mp4 with their media types,
// a Cache-Control from the cache's own freshness (short for playlists; segments and init
// segments immutable) and Age (seconds since the ingest produced the response, the parent's
// Age included); single byte ranges on segments (206/416); CORS for the configured origins
// and OPTIONS (preflight) answered 204; 404 when no fresh copy and no upstream has it; 400 for
// a path that names no content (ParseContentPath); 405 for other methods. HTTPS when the
// config has a certificate; fetches go upstream over HTTPS with upstream_tls.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "models/net/endpoint.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/metrics_sink.h"
#include "models/streaming/live_cache.h"
#include "models/streaming/live_cache_node.h"
#include "models/streaming/stream_directory.h"
#include "realnet/net/asio_clock.h"
#include "realnet/streaming/content_fetcher.h"
#include "realnet/net/http_server.h"
#include "realnet/streaming/cors_policy.h"

namespace cdnlab {

struct CacheServiceConfig {
  std::string id;
  CacheTier tier = CacheTier::kEdge;
  Endpoint http;
  Endpoint announce;                      // UDP: the directory node's socket
  std::optional<Endpoint> parent;         // HTTP of the parent cache (edges)
  std::optional<Endpoint> parent_announce;  // UDP of the parent's directory node (edges)
  std::uint64_t capacity_bytes = 256ull << 20;
  std::string eviction = "lru";
  CacheFreshness freshness;
  std::chrono::milliseconds fetch_timeout{3000};
  TlsServerConfig tls;           // its players' side; empty: plain HTTP
  TlsClientConfig upstream_tls;  // fetches from the parent or the ingests; empty: plain HTTP
  std::vector<std::string> cors_origins;  // origins whose pages may read (CORS); "*" = any; none: no CORS
};

class CacheService {
 public:
  using Log = std::function<void(const std::string& line)>;

  // Throws std::invalid_argument for an unknown eviction policy or an edge without parent,
  // std::runtime_error naming an unreadable PEM file.
  CacheService(boost::asio::io_context& io, AsioClock& clock, DatagramTransport& transport, MetricsSink& metrics,
               CacheServiceConfig config, Log log);
  ~CacheService();

  void Start();  // throws std::runtime_error when a port is taken
  void Stop();
  // Graceful shutdown (SIGTERM): no new connections, the requests in flight still answered.
  void Drain() { http_.Drain(); }
  bool Drained() const { return http_.Idle(); }
  std::uint16_t HttpPort() const { return http_.Port(); }
  const StreamingHttpServer& Http() const { return http_; }
  const LiveCacheNode& Node() const { return *node_; }
  const LiveCache& Cache() const { return cache_; }
  const StreamDirectory& Directory() const { return directory_.Directory(); }

 private:
  void Handle(const StreamingHttpRequest& request, StreamingHttpServer::Respond respond);
  StreamingHttpReply Reply(const StreamingHttpRequest& request, const ContentKey& key, const ContentResponse& r) const;

  const Clock& clock_;
  CacheServiceConfig config_;
  Log log_;
  StreamDirectoryNode directory_;
  LiveCache cache_;
  std::unique_ptr<LiveCacheNode> node_;
  // Destroyed before the node: fetches still in flight then never call back into it.
  HttpContentFetcher fetcher_;
  StreamingHttpServer http_;
  std::string playlist_cache_control_;
  std::string segment_cache_control_;
  CorsPolicy cors_;
  bool running_ = false;
};

}  // namespace cdnlab
