#include "cli/realnet/streaming_commands.h"

#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "realnet/net/asio_clock.h"
#include "realnet/net/asio_datagram_transport.h"
#include "realnet/net/service_runner.h"
#include "realnet/streaming/balancer_service.h"
#include "realnet/streaming/cache_service.h"
#include "realnet/streaming/ingest_service.h"
#include "scenarios/core/ipv4_text.h"
#include "cli/realnet/observability.h"
#include "cli/realnet/tls_flags.h"
#include "cli/user_errors.h"
#include "realnet/net/http_metrics.h"

namespace cdnlab::cli {
namespace {

struct StreamingOptions {
  std::string id;
  std::string listen;
  double for_s = 0;  // 0: until SIGINT/SIGTERM
  double drain_timeout_s = 10;  // after SIGTERM: the longest wait for requests in flight
  TlsServerConfig tls;           // --tls-cert/--tls-key/--tls-client-ca: its own HTTP(S)
  bool plain_http = false;       // --plain-http
  TlsClientConfig upstream_tls;  // --upstream-tls-*: the HTTP(S) services it calls
  // stream-ingest
  std::string health;
  std::string announce_from;
  std::string relays;
  std::string register_at;
  std::size_t window = 6;
  std::size_t retained = 30;
  double target_duration_s = 2;
  double idle_end_s = 10;
  std::string replicate_to;  // --replicate-to
  // stream-balancer
  std::string admin;
  std::string balancing = "consistent_hash";
  // Detection within 1 s: 3 missed probes 200 ms apart, each given 150 ms (worst case
  // 3 x 200 + 150 = 750 ms after the last answered probe).
  double health_interval_ms = 200;
  double health_timeout_ms = 150;
  int unhealthy_after = 3;
  int healthy_after = 2;
  double proxy_timeout_ms = 5000;
  // stream-cache
  std::string tier;
  std::string announce;
  std::string parent;
  std::string parent_announce;
  std::uint64_t capacity_mb = 256;
  std::string eviction = "lru";
  double playlist_ttl_ms = 1000;
  double segment_ttl_s = 300;
  double fetch_timeout_ms = 3000;
  double stale_if_error_s = 10;  // --stale-if-error-s
  ObservabilityOptions obs;  // --metrics-listen, --log-format
  std::vector<std::string> cors_origins;  // stream-cache --cors-origin
  // LL-HLS: stream-ingest packages each uploaded segment as a part (0: plain HLS)
  std::uint32_t parts_per_segment = 0;
  double part_target_s = 0;     // 0: target duration / parts per segment
  double can_skip_until_s = 0;  // 0: 6 target durations
  // LL-HLS at stream-cache: playlist requests with _HLS_msn/_HLS_part/_HLS_skip
  double blocking_timeout_ms = 10000;
  double blocking_keep_ms = 3000;
  double part_ttl_s = 10;
};

// Until SIGTERM/SIGINT or --for, then a drain: no new connections, replies in flight finished
// (at most --drain-timeout), then Stop. SIGHUP is refused with a log line (nothing to reload).
template <typename Service>
void RunDraining(boost::asio::io_context& io, Service& service, const std::string& who, const StreamingOptions& o,
                 ServiceTelemetry& telemetry) {
  ServiceHooks hooks;
  hooks.drain = [&] { service.Drain(); };
  hooks.drained = [&] { return service.Drained(); };
  hooks.stop = [&] {
    telemetry.Stop();
    service.Stop();
  };
  ServiceRunner runner(io, who);
  telemetry.DrainWith(runner);
  runner.Run(hooks, RunLimits{o.for_s, o.drain_timeout_s});
}


std::vector<Endpoint> ParseEndpointList(const std::string& text, const std::string& flag) {
  std::vector<Endpoint> out;
  std::size_t from = 0;
  while (from <= text.size()) {
    const auto comma = text.find(',', from);
    out.push_back(ParseEndpointFlag(text.substr(from, comma == std::string::npos ? std::string::npos : comma - from),
                                    flag));
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  return out;
}

// "HTTPS" or "HTTP", and whether client certificates are required, for the start-up line.
std::string Scheme(const TlsServerConfig& tls) {
  if (!tls.Enabled()) return "HTTP";
  return tls.require_client_cert ? "HTTPS (client certificates required)" : "HTTPS";
}

void RunIngest(const StreamingOptions& o) {
  IngestServiceConfig c;
  c.id = o.id;
  c.http = ParseEndpointFlag(o.listen, "--listen");
  c.health = ParseEndpointFlag(o.health, "--health");
  c.announce_from = ParseEndpointFlag(o.announce_from, "--announce-from");
  c.relays = ParseEndpointList(o.relays, "--relay");
  if (!o.register_at.empty()) c.register_at = ParseEndpointFlag(o.register_at, "--register");
  c.ingest.window_segments = o.window;
  c.ingest.retained_segments = std::max(o.retained, o.window);
  c.ingest.target_duration = FromSeconds(o.target_duration_s);
  c.publisher_idle = FromSeconds(o.idle_end_s);
  if (!o.replicate_to.empty()) c.replicate_to = ParseEndpointList(o.replicate_to, "--replicate-to");
  if (o.upstream_tls.Enabled() && !c.register_at) {
    throw CLI::ValidationError("--upstream-tls-ca", "is for registering with the balancer: give --register too");
  }
  c.tls = o.tls;
  c.upstream_tls = o.upstream_tls;
  // An ended stream stays announced (as stopped) for one playlist window.
  c.announcer.stopped_linger = static_cast<Duration::rep>(o.window) * c.ingest.target_duration;
  if (o.parts_per_segment > 0) {
    PartPackagerConfig ll;
    ll.parts_per_segment = o.parts_per_segment;
    ll.target_duration = c.ingest.target_duration;
    ll.part_target = o.part_target_s > 0 ? FromSeconds(o.part_target_s) : c.ingest.target_duration / o.parts_per_segment;
    if (ll.part_target > ll.target_duration) {
      throw CLI::ValidationError("--part-target-s", "is longer than --target-duration-s");
    }
    ll.can_skip_until = o.can_skip_until_s > 0 ? FromSeconds(o.can_skip_until_s) : 6 * c.ingest.target_duration;
    if (ll.can_skip_until < 6 * c.ingest.target_duration) {
      throw CLI::ValidationError("--can-skip-until-s", "must be at least 6 target durations (RFC 8216bis)");
    }
    ll.retained_segments = c.ingest.retained_segments;
    c.low_latency = ll;
  } else if (o.part_target_s > 0 || o.can_skip_until_s > 0) {
    throw CLI::ValidationError("--part-target-s", "LL-HLS options need --parts-per-segment");
  }
  boost::asio::io_context io;
  AsioClock clock(io);
  AsioDatagramTransport transport(io);
  const std::string who = "stream-ingest " + o.id;
  const auto log = LineLogger(who);
  ServiceTelemetry telemetry(io, o.obs, who);
  IngestService ingest(io, clock, transport, telemetry.Metrics(), c, log);
  AddHttpServerMetrics(telemetry.Metrics(), "ingest", ingest.Http());
  telemetry.Metrics().AddCollector([&ingest](MetricsCollection& out) {
    out.Counter("cdnlab_ingest_sessions_started", "Publisher sessions begun (a stream starting here)",
                static_cast<double>(ingest.SessionsStarted()));
    out.Counter("cdnlab_ingest_sessions_ended", "Publisher sessions ended (ENDLIST or idle)",
                static_cast<double>(ingest.SessionsEnded()));
    out.Gauge("cdnlab_ingest_sessions_active", "Publisher sessions uploading here now",
              static_cast<double>(ingest.SessionsStarted() - ingest.SessionsEnded()));
    out.Counter("cdnlab_ingest_segments_accepted", "Segments ingested", static_cast<double>(ingest.SegmentsAccepted()));
    if (const LowLatencyIngest* ll = ingest.LowLatency()) {
      out.Counter("cdnlab_ingest_parts_accepted", "LL-HLS parts ingested", static_cast<double>(ll->PartsAccepted()));
      out.Gauge("cdnlab_ingest_blocked_requests", "LL-HLS requests held for a part or segment not yet here",
                static_cast<double>(ll->Waiting()));
    }
    out.Counter("cdnlab_ingest_segments_replicated", "Segment copies a peer ingest accepted",
                static_cast<double>(ingest.Replicator().Sent()));
    out.Counter("cdnlab_ingest_replication_failures", "Segment copies a peer ingest did not accept",
                static_cast<double>(ingest.Replicator().Failed()));
    out.Counter("cdnlab_ingest_replicas_received", "Segment copies received from peer ingests",
                static_cast<double>(ingest.ReplicasReceived()));
    out.Counter("cdnlab_ingest_streams_taken_over", "Streams continued here from replicated segments",
                static_cast<double>(ingest.Server().TakeOvers()));
  });
  ingest.Start();
  telemetry.Start();
  log(fmt::format("{} on {}:{}, health on {}, announcing to {} relay(s){}", Scheme(c.tls), c.http.address.ToString(),
                  ingest.HttpPort(), c.health.ToString(), c.relays.size(),
                  c.register_at ? ", registering with " + c.register_at->ToString() : ""));
  RunDraining(io, ingest, "stream-ingest", o, telemetry);
  log(fmt::format("stopped after {} segments ingested", ingest.SegmentsAccepted()));
}

void RunBalancer(const StreamingOptions& o) {
  BalancerServiceConfig c;
  c.vip = ParseEndpointFlag(o.listen, "--listen");
  c.admin = ParseEndpointFlag(o.admin, "--admin");
  c.mode = o.balancing == "least_load" ? IngestBalancing::kLeastLoad : IngestBalancing::kConsistentHash;
  c.health.interval = FromMillis(o.health_interval_ms);
  c.health.timeout = FromMillis(o.health_timeout_ms);
  c.health.unhealthy_after = o.unhealthy_after;
  c.health.healthy_after = o.healthy_after;
  c.proxy_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(o.proxy_timeout_ms));
  c.tls = o.tls;
  c.upstream_tls = o.upstream_tls;
  boost::asio::io_context io;
  AsioClock clock(io);
  AsioDatagramTransport transport(io);
  const auto log = LineLogger("stream-balancer");
  ServiceTelemetry telemetry(io, o.obs, "stream-balancer");
  BalancerService balancer(io, clock, transport, c, log);
  AddHttpServerMetrics(telemetry.Metrics(), "vip", balancer.VipHttp());
  AddHttpServerMetrics(telemetry.Metrics(), "admin", balancer.AdminHttp());
  telemetry.Metrics().AddCollector([&balancer](MetricsCollection& out) {
    out.Gauge("cdnlab_balancer_members", "Ingests registered with the balancer",
              static_cast<double>(balancer.Balancer().Members().size()));
    out.Counter("cdnlab_balancer_healthy_sessions_moved", "Sessions moved off an ingest that was still healthy",
                static_cast<double>(balancer.Balancer().HealthySessionsMoved()));
    out.Counter("cdnlab_balancer_upload_retries", "Uploads retried on another ingest",
                static_cast<double>(balancer.Retries()));
  });
  balancer.Start();
  telemetry.Start();
  log(fmt::format("virtual address {}:{}, admin {}:{}, {}, balancing {}", c.vip.address.ToString(), balancer.VipPort(),
                  c.admin.address.ToString(), balancer.AdminPort(), Scheme(c.tls), o.balancing));
  RunDraining(io, balancer, "stream-balancer", o, telemetry);
  log(fmt::format("stopped; {} members, {} healthy sessions moved, {} uploads retried",
                  balancer.Balancer().Members().size(), balancer.Balancer().HealthySessionsMoved(),
                  balancer.Retries()));
}

void RunCache(const StreamingOptions& o) {
  CacheServiceConfig c;
  c.id = o.id;
  c.tier = o.tier == "mid" ? CacheTier::kMid : CacheTier::kEdge;
  c.http = ParseEndpointFlag(o.listen, "--listen");
  c.announce = ParseEndpointFlag(o.announce, "--announce");
  if (!o.parent.empty()) c.parent = ParseEndpointFlag(o.parent, "--parent");
  if (!o.parent_announce.empty()) c.parent_announce = ParseEndpointFlag(o.parent_announce, "--parent-announce");
  if (c.tier == CacheTier::kEdge && (!c.parent || !c.parent_announce)) {
    throw CLI::ValidationError("--parent", "an edge cache needs --parent and --parent-announce");
  }
  if (c.tier == CacheTier::kMid && (c.parent || c.parent_announce)) {
    throw CLI::ValidationError("--parent", "a mid-tier cache fetches from ingests: no --parent/--parent-announce");
  }
  c.capacity_bytes = o.capacity_mb << 20;
  c.eviction = o.eviction;
  c.freshness.playlist_ttl = FromMillis(o.playlist_ttl_ms);
  c.freshness.segment_ttl = FromSeconds(o.segment_ttl_s);
  c.freshness.part_ttl = FromSeconds(o.part_ttl_s);
  c.blocking_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(o.blocking_timeout_ms));
  c.blocking_reply_keep = FromMillis(o.blocking_keep_ms);
  c.fetch_timeout = std::chrono::milliseconds(static_cast<std::int64_t>(o.fetch_timeout_ms));
  c.freshness.stale_if_error = FromSeconds(o.stale_if_error_s);
  c.tls = o.tls;
  c.upstream_tls = o.upstream_tls;
  c.cors_origins = o.cors_origins;
  boost::asio::io_context io;
  AsioClock clock(io);
  AsioDatagramTransport transport(io);
  const std::string who = "stream-cache " + o.id;
  const auto log = LineLogger(who);
  ServiceTelemetry telemetry(io, o.obs, who);
  CacheService cache(io, clock, transport, telemetry.Metrics(), c, log);
  AddHttpServerMetrics(telemetry.Metrics(), "cache", cache.Http());
  telemetry.Metrics().AddCollector([&cache](MetricsCollection& out) {
    const CacheNodeStats& s = cache.Node().Stats();
    out.Counter("cdnlab_cache_requests", "Requests served by the cache node", static_cast<double>(s.requests));
    out.Counter("cdnlab_cache_hits", "Requests answered from a fresh cached copy", static_cast<double>(s.hits));
    out.Counter("cdnlab_cache_misses", "Requests without a fresh copy (collapsed ones included)",
                static_cast<double>(s.requests - s.hits));
    out.Counter("cdnlab_cache_collapsed", "Misses that joined a fetch already in flight",
                static_cast<double>(s.collapsed));
    out.Counter("cdnlab_cache_upstream_requests", "Fetches sent upstream", static_cast<double>(s.upstream_requests));
    out.Counter("cdnlab_cache_upstream_failures", "Upstream fetches that failed",
                static_cast<double>(s.upstream_failures));
    out.Counter("cdnlab_cache_not_found", "Requests with no fresh copy and no upstream holding it",
                static_cast<double>(s.not_found));
    const BlockingReloadForwarderStats& b = cache.Blocking().Stats();
    out.Counter("cdnlab_cache_blocking_reloads", "LL-HLS playlist requests with delivery directives",
                static_cast<double>(b.requests));
    out.Counter("cdnlab_cache_blocking_collapsed", "LL-HLS blocked reloads that joined an identical one upstream",
                static_cast<double>(b.collapsed));
    out.Counter("cdnlab_cache_blocking_upstream", "LL-HLS playlist requests sent upstream with their directives",
                static_cast<double>(b.upstream_requests));
    out.Counter("cdnlab_cache_stale_served", "Upstream failures answered with an expired copy (stale-if-error)",
                static_cast<double>(s.stale_served));
  });
  cache.Start();
  telemetry.Start();
  log(fmt::format("{} tier, {} on {}:{}, announcements on {}{}, {} MB {}", o.tier, Scheme(c.tls),
                  c.http.address.ToString(), cache.HttpPort(), c.announce.ToString(),
                  c.parent ? ", parent " + c.parent->ToString() : "", o.capacity_mb, o.eviction));
  RunDraining(io, cache, who, o, telemetry);
}

// Registers one subcommand with the TLS flags of both its sides (`serves`, `calls`: what they
// are, for --help); every failure to start is one clear line and exit status 1.
CLI::App* AddJob(CLI::App* parent, const std::string& name, const std::string& help,
                 const std::shared_ptr<StreamingOptions>& options, void (*run)(const StreamingOptions&),
                 const std::string& serves, const std::string& calls) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  cmd->add_option("--for", options->for_s, "Stop after this many seconds (default: run until SIGINT/SIGTERM)")
      ->check(CLI::NonNegativeNumber);
  AddDrainTimeoutFlag(cmd, options->drain_timeout_s);
  AddObservabilityFlags(cmd, options->obs);
  AddTlsServerFlags(cmd, options->tls, serves);
  AddPlainHttpFlag(cmd, options->plain_http);
  AddTlsClientFlags(cmd, options->upstream_tls, calls, "upstream-");
  cmd->callback([options, run, name, serves] {
    ExitOnServiceError(name, [&] {
      RequireTlsOrPlainHttp(options->tls, options->plain_http, name + "'s HTTP (" + serves + ")");
      run(*options);
    });
  });
  return cmd;
}

}  // namespace

void AddStreamingCommands(CLI::App* realnet) {
  {
    auto o = std::make_shared<StreamingOptions>();
    CLI::App* cmd = AddJob(realnet, "stream-ingest",
                           "Ingest server: accepts HLS uploads (ffmpeg -method PUT), announces its streams, registers "
                           "with the balancer",
                           o, RunIngest, "uploads and cache fetches", "the balancer's admin endpoint (--register)");
    cmd->add_option("--id", o->id, "Ingest id")->required();
    cmd->add_option("--listen", o->listen, "IPV4:PORT for HTTP(S) (uploads through the balancer, fetches by caches)")
        ->required();
    cmd->add_option("--health", o->health, "IPV4:PORT (UDP) answering the balancer's health probes")->required();
    cmd->add_option("--announce-from", o->announce_from, "IPV4:PORT (UDP) announcements are sent from")->required();
    cmd->add_option("--relay", o->relays, "IPV4:PORT[,IPV4:PORT...] (UDP) of the relays to announce to (mid-tiers)")
        ->required();
    cmd->add_option("--register", o->register_at, "IPV4:PORT of the balancer's admin endpoint to register with");
    cmd->add_option("--window", o->window, "Segments listed in the playlist")->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--retained", o->retained, "Segments kept for late caches")->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--target-duration-s", o->target_duration_s, "EXT-X-TARGETDURATION of the served playlist")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--idle-end-s", o->idle_end_s, "A stream with no upload for this long has ended here")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--parts-per-segment", o->parts_per_segment,
                    "LL-HLS: each uploaded (short) segment is one part, N parts one media segment (0: plain HLS)")
        ->check(CLI::Range(0, 1000))
        ->capture_default_str();
    cmd->add_option("--part-target-s", o->part_target_s,
                    "LL-HLS: EXT-X-PART-INF PART-TARGET (default: target duration / parts per segment)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--can-skip-until-s", o->can_skip_until_s,
                    "LL-HLS: CAN-SKIP-UNTIL for delta updates (default: 6 target durations)")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--replicate-to", o->replicate_to,
                    "IPV4:PORT[,IPV4:PORT...] (HTTP) of peer ingests every accepted segment (with "
                    "--parts-per-segment: and every part) is copied to, so the one taking a stream over after a "
                    "failure continues it");
  }
  {
    auto o = std::make_shared<StreamingOptions>();
    CLI::App* cmd = AddJob(realnet, "stream-balancer",
                           "The ingest pool's virtual address: routes publisher uploads to healthy ingests", o,
                           RunBalancer, "the virtual address and the admin endpoint", "the ingests (proxied uploads)");
    cmd->add_option("--listen", o->listen, "IPV4:PORT of the virtual address (HTTP(S))")->required();
    cmd->add_option("--admin", o->admin, "IPV4:PORT of the admin endpoint (POST/GET /members)")->required();
    cmd->add_option("--balancing", o->balancing, "consistent_hash or least_load")
        ->check(CLI::IsMember({"consistent_hash", "least_load"}))
        ->capture_default_str();
    cmd->add_option("--health-interval-ms", o->health_interval_ms, "Health probe interval")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--health-timeout-ms", o->health_timeout_ms, "Health probe timeout")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--unhealthy-after", o->unhealthy_after, "Missed probes in a row before a member is unhealthy")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--healthy-after", o->healthy_after, "Answered probes in a row before it is healthy again")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--proxy-timeout-ms", o->proxy_timeout_ms, "How long a proxied upload may take at an ingest")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
  }
  {
    auto o = std::make_shared<StreamingOptions>();
    CLI::App* cmd = AddJob(realnet, "stream-cache", "Edge or mid-tier live cache serving HLS to real players", o,
                           RunCache, "playlists and segments", "the parent cache (edge) or the ingests (mid)");
    cmd->add_option("--id", o->id, "Cache node id")->required();
    cmd->add_option("--tier", o->tier, "edge (fetches from --parent) or mid (fetches from ingests)")
        ->required()
        ->check(CLI::IsMember({"edge", "mid"}));
    cmd->add_option("--listen", o->listen, "IPV4:PORT for HTTP(S)")->required();
    cmd->add_option("--announce", o->announce, "IPV4:PORT (UDP) of its announcement socket")->required();
    cmd->add_option("--parent", o->parent, "Edge: IPV4:PORT (HTTP) of the parent cache");
    cmd->add_option("--parent-announce", o->parent_announce,
                    "Edge: IPV4:PORT (UDP) of the parent's announcement socket");
    cmd->add_option("--capacity-mb", o->capacity_mb, "Cache size in MiB")->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--eviction", o->eviction, "lru or slru")->check(CLI::IsMember({"lru", "slru"}))
        ->capture_default_str();
    cmd->add_option("--playlist-ttl-ms", o->playlist_ttl_ms, "How long a cached playlist is fresh")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--segment-ttl-s", o->segment_ttl_s, "How long a cached segment is fresh")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--cors-origin", o->cors_origins,
                    "Origin allowed to read from another origin (CORS), e.g. https://player.example; repeatable; "
                    "* = any (default: none, no CORS headers)");
    cmd->add_option("--part-ttl-s", o->part_ttl_s, "How long a cached LL-HLS part is fresh")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--blocking-timeout-ms", o->blocking_timeout_ms,
                    "LL-HLS: how long a blocking playlist reload may wait upstream")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--blocking-keep-ms", o->blocking_keep_ms,
                    "LL-HLS: how long the answer to a blocking reload / delta update is reused")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--fetch-timeout-ms", o->fetch_timeout_ms, "How long a fetch from the parent or an ingest may take")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--stale-if-error-s", o->stale_if_error_s,
                    "How long past its freshness a copy is served when the upstream fails (0: never)")
        ->check(CLI::NonNegativeNumber)
        ->capture_default_str();
  }
}

}  // namespace cdnlab::cli
