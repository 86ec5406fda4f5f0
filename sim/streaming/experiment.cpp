#include "sim/streaming/experiment.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <ns3/global-value.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

#include "analysis/streaming_latency.h"
#include "models/core/seeded_random_source.h"
#include "models/streaming/blocking_reload_relay.h"
#include "models/streaming/eviction_policy.h"
#include "models/streaming/ingest_balancer.h"
#include "models/streaming/ingest_server.h"
#include "models/streaming/live_cache.h"
#include "models/streaming/live_cache_node.h"
#include "models/streaming/live_player.h"
#include "models/streaming/live_publisher.h"
#include "models/streaming/low_latency_origin.h"
#include "models/streaming/low_latency_player.h"
#include "models/streaming/member_health_checker.h"
#include "models/streaming/observed_fetcher.h"
#include "models/streaming/stream_announcer.h"
#include "models/streaming/stream_directory.h"
#include "models/streaming/metric_names.h"
#include "scenarios/streaming/from_scenario.h"
#include "sim/net/ns3_clock.h"
#include "sim/net/ns3_world_run.h"
#include "sim/streaming/content_fetcher.h"
#include "sim/streaming/low_latency_fetcher.h"
#include "sim/streaming/low_latency_timeouts.h"
#include "sim/streaming/segment_uploader.h"
#include "sim/streaming/network.h"
#include "sim/streaming/runtime.h"

namespace cdnlab {

StreamingTimeouts StreamingTimeoutsFor(const StreamingSpec& spec) {
  const Duration segment = FromSeconds(spec.segment_s);
  StreamingTimeouts t;
  t.forward = segment;
  t.upload = 2 * segment;
  t.mid_fetch = segment;
  t.edge_fetch = segment + segment / 2;
  t.viewer_fetch = 2 * segment;
  return t;
}

namespace {

// Random streams: one per viewer group (join times), by group index.
constexpr std::uint64_t kViewerJoinStreamBase = 500;
// How often a stalled viewer that already has new-ingest content is looked at again.
constexpr double kResumePollMs = 20;
// LivePlayer retries a failed playlist or segment fetch this long after the failure (a
// constant of the model, not part of PlayerConfig).
constexpr double kPlayerRetryDelayS = 0.5;
// Ingest-to-ingest segment replication latency (see StreamingWorld::Replicate).
const Duration kReplicationDelay = FromMillis(20);

std::string Describe(const Endpoint& e) { return e.ToString(); }

// A publisher's SegmentUploader that knows whether an upload is on its way, so the end of a
// stopping publisher reaches the ingest after its last segment (as ffmpeg's final playlist
// follows its last segment) and never before it: a segment landing after the end would
// start the ended stream again.
class TrackedUploader final : public SegmentUploader {
 public:
  explicit TrackedUploader(SegmentUploader& inner) : inner_(inner) {}
  void Upload(const StreamId& stream, const SegmentInfo& segment, bool reconnect, Done done) override {
    ++in_flight_;
    inner_.Upload(stream, segment, reconnect, [this, done = std::move(done)](bool ok, const std::string& ingest) {
      --in_flight_;
      done(ok, ingest);
      if (in_flight_ == 0 && when_idle_) std::exchange(when_idle_, nullptr)();
    });
  }
  // Runs `then` once no upload is on its way: at once if none is.
  void WhenIdle(std::function<void()> then) {
    if (in_flight_ == 0) {
      then();
    } else {
      when_idle_ = std::move(then);
    }
  }

 private:
  SegmentUploader& inner_;
  int in_flight_ = 0;
  std::function<void()> when_idle_;
};

class StreamingWorld {
 public:
  StreamingWorld(const Scenario& s, MetricsSink& metrics)
      : s_(s),
        st_(s.streaming),
        metrics_(metrics),
        timeouts_(StreamingTimeoutsFor(s.streaming)),
        runtime_(MakeStreamingRuntime(s)),
        network_(*runtime_),
        transport_(network_.Transport()),
        balancer_(StreamingBalancing(s.streaming)) {
    BuildLoadBalancer();
    BuildCaches();
    BuildIngests();
    BuildPublishers();
    BuildViewers();
  }

  void Start() {
    for (auto& c : caches_) {
      c->service->Start();
      c->directory->Start();
    }
    // Ingests in the pool from the start join now, before the first health round.
    for (std::size_t i = 0; i < ingests_.size(); ++i) {
      if (ingests_[i]->spec.join_at_s <= 0) Join(i, /*scale_out=*/false);
    }
    front_->Start();
    // Probe rounds start half an interval in: a failure at a whole second then falls midway
    // between two probes, the average case on real processes (whose probe phase against a kill
    // is arbitrary), rather than the best case of a probe leaving just after the crash.
    clock_.ScheduleAfter(StreamingHealthCheckConfig(st_).interval / 2, [this] { checker_->Start(); });
    for (std::size_t i = 0; i < ingests_.size(); ++i) {
      if (ingests_[i]->spec.join_at_s > 0) {
        clock_.ScheduleAfter(FromSeconds(ingests_[i]->spec.join_at_s), [this, i] { Join(i, /*scale_out=*/true); });
      }
    }
    for (auto& p : publishers_) {
      PublisherNode* node = p.get();
      clock_.ScheduleAfter(FromSeconds(node->spec.start_s), [node] { node->publisher->Start(); });
      if (node->spec.stop_s > 0) clock_.ScheduleAfter(FromSeconds(node->spec.stop_s), [this, node] { StopPublisher(*node); });
    }
    for (std::size_t v = 0; v < viewers_.size(); ++v) {
      clock_.ScheduleAfter(viewers_[v]->join_at, [this, v] { viewers_[v]->player->Join(); });
    }
    for (std::size_t e = 0; e < st_.events.size(); ++e) {
      clock_.ScheduleAfter(FromSeconds(st_.events[e].at_s), [this, e] { Fail(e); });
    }
  }

  StreamingRunResult Result() {
    StreamingRunResult r;
    r.balancing = st_.balancing;
    const SimTime end = clock_.Now();
    for (const auto& v : viewers_) r.viewers.push_back(ViewerResult(*v, end));
    for (const auto& p : st_.publishers) r.availability.push_back(AvailabilityResult(p.stream));
    for (const auto& c : caches_) r.caches.push_back(CacheResult(*c));
    for (const auto& i : ingests_) r.ingests.push_back(IngestResult(*i));
    for (const auto& p : publishers_) {
      r.publishers.push_back({p->spec.stream, p->publisher->SegmentsPublished(), p->publisher->Reconnects(),
                              p->publisher->SegmentsDropped(), p->publisher->CurrentIngest()});
    }
    for (auto& so : scale_outs_) {
      if (!so.later_taken) {
        so.result.sessions_later = balancer_.SessionsPerMember();
        so.result.later_at_s = ToSeconds(end);
      }
      r.scale_outs.push_back(so.result);
    }
    for (auto& f : failures_) r.failures.push_back(FailureResult(f));
    r.healthy_sessions_moved = balancer_.HealthySessionsMoved();
    r.uploads_ok = uploads_ok_;
    r.uploads_failed = uploads_failed_;
    r.simulator_events = ns3::Simulator::GetEventCount();
    return r;
  }

 private:
  struct IngestNode {
    StreamingIngestSpec spec;
    std::vector<Endpoint> relays;  // its configuration: where it announces
    std::unique_ptr<StreamAnnouncer> announcer;
    std::unique_ptr<IngestServer> server;
    std::unique_ptr<HealthResponder> health;
    std::unique_ptr<StreamingContentService> content;
    std::unique_ptr<RpcServerPort> uploads;
    bool joined = false;
    std::optional<SimTime> failed_at;
    std::uint64_t accepted = 0;
    std::set<std::string> streams;
    std::unique_ptr<LowLatencyOrigin> low_latency;  // LL-HLS only: parts and blocking reloads
  };
  struct CacheNode {
    StreamingCacheSpec spec;
    CacheTier tier = CacheTier::kEdge;
    std::optional<Endpoint> parent_content;   // its configuration: the cache it fills from
    std::optional<Endpoint> parent_announce;  // ... and the relay it subscribes to
    std::unique_ptr<StreamDirectoryNode> directory;
    std::unique_ptr<LiveCache> cache;
    std::unique_ptr<RpcClientPort> client;
    std::unique_ptr<Ns3ContentFetcher> fetcher;
    std::unique_ptr<LiveCacheNode> node;
    std::unique_ptr<StreamingContentService> service;
    std::map<StreamId, SimTime> first_seen;
    std::unique_ptr<Ns3LowLatencyFetcher> low_latency_fetcher;  // LL-HLS only
    std::unique_ptr<BlockingReloadRelay> relay;                  // LL-HLS only
  };
  struct PublisherNode {
    StreamingPublisherSpec spec;
    std::unique_ptr<RpcClientPort> client;
    std::unique_ptr<Ns3SegmentUploader> uploader;
    std::unique_ptr<TrackedUploader> tracked;
    std::unique_ptr<LivePublisher> publisher;
  };
  struct ViewerGroup {
    StreamingViewerGroupSpec spec;
    std::unique_ptr<RpcClientPort> client;
    std::unique_ptr<Ns3LowLatencyFetcher> low_latency_fetcher;  // LL-HLS only
    std::unique_ptr<Ns3ContentFetcher> fetcher;
    const StreamingPublisherSpec* publisher = nullptr;  // of its stream, if any (found once)
  };
  struct Viewer {
    std::size_t group = 0;
    std::string id;
    Duration join_at{0};
    std::unique_ptr<ObservedFetcher> fetcher;  // only when the scenario has failures
    std::unique_ptr<ViewerPlayer> player;  // LivePlayer, or LowLatencyPlayer for LL-HLS
    std::optional<std::size_t> failure;      // the failure that hit it while playing
    std::uint64_t stalls_at_failure = 0;
    Duration stall_at_failure{0};
    std::optional<SimTime> resumed_at;
    bool polling = false;
    std::vector<WeightedValue> latency_ms;  // glass to glass, runs of equal values
    MetricLabels latency_labels;  // built once: a sample per segment played costs no allocation
  };
  struct ScaleOut {
    std::size_t ingest = 0;
    StreamingScaleOutResult result;
    bool later_taken = false;
  };
  struct Failure {
    std::size_t event = 0;
    SimTime at{0};
    std::optional<std::size_t> ingest;
    std::vector<std::string> streams;
    std::optional<SimTime> detected_at;
    std::map<std::string, SimTime> reconnected_at;
    std::map<std::string, std::string> new_ingest;
    std::map<std::string, std::uint64_t> first_new_sequence;
    std::vector<std::size_t> viewers;
  };

  // --- building ---

  void BuildLoadBalancer() {
    const std::string& lb = network_.LoadBalancer();
    checker_ = std::make_unique<MemberHealthChecker>(
        network_.At(lb, StreamingSimNetwork::kHealthPort), StreamingHealthCheckConfig(st_), transport_, clock_, clock_,
        [this](const std::string& member, bool healthy) { OnHealthChange(member, healthy); });
    front_ = std::make_unique<IngestFront>(
        network_, lb, StreamingSimNetwork::kUploadPort, balancer_,
        [this](const std::string& ingest) -> std::optional<Endpoint> {
          if (!ingest_index_.count(ingest)) return std::nullopt;
          return network_.At(ingest, StreamingSimNetwork::kUploadPort);
        },
        timeouts_.forward,
        [this](const SegmentUpload&, const std::string&, bool ok) { ++(ok ? uploads_ok_ : uploads_failed_); });
    const HealthCheckConfig health = StreamingHealthCheckConfig(st_);
    front_->ParkFailedUploads(
        clock_, [this](const std::string& member) { return checker_->Healthy(member); },
        health.interval * health.unhealthy_after + health.timeout);
  }

  void BuildCaches() {
    std::map<std::string, std::size_t> mid_index;
    for (const auto& m : st_.mids) {
      mid_index[m.id] = caches_.size();
      caches_.push_back(MakeCache(m, CacheTier::kMid));
    }
    for (const auto& e : st_.edges) {
      auto c = MakeCache(e, CacheTier::kEdge);
      if (!e.parent.empty()) {
        c->parent_content = network_.At(e.parent, StreamingSimNetwork::kContentPort);
        c->parent_announce = network_.At(e.parent, StreamingSimNetwork::kAnnouncePort);
      }
      caches_.push_back(std::move(c));
    }
    for (std::size_t i = 0; i < caches_.size(); ++i) {
      CacheNode& c = *caches_[i];
      const std::string& id = c.spec.id;
      cache_index_[id] = i;
      StreamDirectoryNode::Config config;
      config.node = id;
      config.local = network_.At(id, StreamingSimNetwork::kAnnouncePort);
      config.parent = c.parent_announce;
      // Subscriptions are soft state like announcements: refreshed as often, living as long.
      config.subscribe_interval = FromSeconds(st_.announce_interval_s);
      config.subscribe_ttl = FromSeconds(st_.announce_ttl_s);
      c.directory = std::make_unique<StreamDirectoryNode>(config, transport_, clock_, clock_, metrics_);
      c.directory->OnChange([this, i](const StreamAnnouncement&) { OnDirectoryChange(i); });
      c.cache = std::make_unique<LiveCache>(c.spec.capacity_mb << 20, StreamingFreshness(st_),
                                            MakeEvictionPolicy(st_.eviction));
      c.client = network_.MakeClient(id);
      const bool from_ingest = !c.parent_content.has_value();
      c.fetcher = std::make_unique<Ns3ContentFetcher>(*c.client, from_ingest ? timeouts_.mid_fetch : timeouts_.edge_fetch);
      c.node = std::make_unique<LiveCacheNode>(id, c.tier, c.parent_content, &c.directory->Directory(), *c.cache,
                                               *c.fetcher, clock_, metrics_);
      LiveCacheNode* node = c.node.get();
      c.service = std::make_unique<StreamingContentService>(
          network_, id, StreamingSimNetwork::kContentPort,
          [node](const ContentKey& key, ContentFetcher::Done done) { node->Serve(key, std::move(done)); });
      if (StreamingLowLatency(st_)) AddLowLatency(c);
    }
  }

  // LL-HLS at a cache: playlist requests with delivery directives are relayed upstream and
  // collapsed (parts are ContentKeys: the cache node serves them like segments).
  void AddLowLatency(CacheNode& c) {
    const LowLatencyTimeouts t = LowLatencyTimeoutsFor(st_);
    c.low_latency_fetcher =
        std::make_unique<Ns3LowLatencyFetcher>(*c.client, c.parent_content ? t.edge_reload : t.mid_reload);
    CacheNode* node = &c;
    c.relay = std::make_unique<BlockingReloadRelay>(
        c.spec.id, kBlockingReloadKeep,
        [this, node](const StreamId& stream) -> std::optional<Endpoint> {
          if (node->parent_content) return node->parent_content;
          const auto location = node->directory->Directory().Locate(stream, clock_.Now());
          if (!location) return std::nullopt;
          return location->content_endpoint;
        },
        *c.low_latency_fetcher, clock_, clock_);
    BlockingReloadRelay* relay = c.relay.get();
    c.service->ServeLowLatency(
        [relay](const LowLatencyPlaylistRequest& request, LowLatencyPlaylistFetcher::Done done) {
          relay->Serve(request, std::move(done));
        });
  }

  std::unique_ptr<CacheNode> MakeCache(const StreamingCacheSpec& spec, CacheTier tier) {
    auto c = std::make_unique<CacheNode>();
    c->spec = spec;
    c->tier = tier;
    return c;
  }

  void BuildIngests() {
    // An ingest's configuration names its relays: the mid-tier caches, and the edges that have
    // no mid-tier to relay for them. Never the other ingests, never the edges behind a mid.
    std::vector<Endpoint> relays;
    for (const auto& c : caches_) {
      if (c->tier == CacheTier::kMid || !c->parent_announce) {
        relays.push_back(network_.At(c->spec.id, StreamingSimNetwork::kAnnouncePort));
      }
    }
    for (std::size_t i = 0; i < st_.ingests.size(); ++i) {
      auto n = std::make_unique<IngestNode>();
      n->spec = st_.ingests[i];
      n->relays = relays;
      const std::string& id = n->spec.id;
      ingest_index_[id] = i;
      n->announcer = std::make_unique<StreamAnnouncer>(
          id, network_.At(id, StreamingSimNetwork::kAnnouncePort), network_.At(id, StreamingSimNetwork::kContentPort),
          n->relays, StreamingAnnouncerConfig(st_), transport_, clock_, metrics_);
      n->server = std::make_unique<IngestServer>(id, StreamingIngestConfig(st_), *n->announcer, clock_, metrics_);
      n->health = std::make_unique<HealthResponder>(network_.At(id, StreamingSimNetwork::kHealthPort), transport_);
      IngestServer* server = n->server.get();
      if (StreamingLowLatency(st_)) {
        n->low_latency = std::make_unique<LowLatencyOrigin>(
            id, StreamingPartPackagerConfig(st_),
            [server](const StreamId& stream) -> std::optional<LivePlaylist> {
              return server->Serve(ContentKey{stream, true, 0}).playlist;
            },
            clock_, clock_);
      }
      LowLatencyOrigin* low_latency = n->low_latency.get();
      if (st_.replicate_segments) {
        server->OnAccepted([this, i](const StreamId& stream, const ReplicatedSegment& replica) {
          Replicate(i, stream, replica);
        });
      }
      n->content = std::make_unique<StreamingContentService>(
          network_, id, StreamingSimNetwork::kContentPort,
          [server, low_latency](const ContentKey& key, ContentFetcher::Done done) {
            if (low_latency && key.part) return low_latency->ServePart(key, std::move(done));
            done(server->Serve(key));
          });
      if (low_latency) {
        n->content->ServeLowLatency([low_latency](const LowLatencyPlaylistRequest& request,
                                                  LowLatencyPlaylistFetcher::Done done) {
          low_latency->ServePlaylist(request, std::move(done));
        });
      }
      n->uploads = network_.MakeServer(
          id, StreamingSimNetwork::kUploadPort,
          [this, i](const RpcMessage& request, RpcServerPort::Respond respond) {
            const auto& upload = std::any_cast<const SegmentUpload&>(request.payload);
            OnSegmentAccepted(i, upload);
            respond(RpcMessage{kUploadAckBytes, SegmentUploadAck{true, ingests_[i]->spec.id}});
          });
      ingests_.push_back(std::move(n));
    }
  }

  void BuildPublishers() {
    const Endpoint virtual_address = network_.At(network_.LoadBalancer(), StreamingSimNetwork::kUploadPort);
    for (const auto& spec : st_.publishers) {
      auto p = std::make_unique<PublisherNode>();
      p->spec = spec;
      const std::string host = network_.PublisherHost(spec.stream);
      p->client = network_.MakeClient(host);
      p->uploader = std::make_unique<Ns3SegmentUploader>(*p->client, virtual_address, timeouts_.upload);
      p->tracked = std::make_unique<TrackedUploader>(*p->uploader);
      p->publisher = std::make_unique<LivePublisher>(spec.stream, StreamingPublisherConfig(st_, spec), *p->tracked,
                                                     clock_, clock_, metrics_);
      publishers_.push_back(std::move(p));
    }
  }

  void BuildViewers() {
    for (std::size_t g = 0; g < st_.viewers.size(); ++g) {
      auto group = std::make_unique<ViewerGroup>();
      group->spec = st_.viewers[g];
      const std::string& host = group->spec.id;
      group->client = network_.MakeClient(host);
      if (StreamingLowLatency(st_)) {
        group->low_latency_fetcher =
            std::make_unique<Ns3LowLatencyFetcher>(*group->client, LowLatencyTimeoutsFor(st_).viewer_reload);
      }
      group->fetcher = std::make_unique<Ns3ContentFetcher>(*group->client, timeouts_.viewer_fetch);
      for (const auto& p : st_.publishers) {
        if (p.stream == group->spec.stream) {
          group->publisher = &p;
          break;
        }
      }
      SeededRandomSource random(s_.seed, kViewerJoinStreamBase + g);
      const Endpoint edge = network_.At(group->spec.edge, StreamingSimNetwork::kContentPort);
      for (int n = 0; n < group->spec.count; ++n) {
        auto v = std::make_unique<Viewer>();
        v->group = g;
        v->id = fmt::format("{}-{}", host, n);
        v->join_at = FromSeconds(group->spec.join_s + group->spec.spread_s * random.Uniform01());
        v->latency_labels = {{"viewer", v->id}, {"edge", group->spec.edge}};
        const std::size_t index = viewers_.size();
        // The observer only watches for viewers resuming after a failure: with no failure in
        // the scenario it would do nothing, so the player asks the group's fetcher directly
        // (one callback layer and one allocation less per request).
        ContentFetcher* fetcher = group->fetcher.get();
        if (!st_.events.empty()) {
          v->fetcher = std::make_unique<ObservedFetcher>(
              *group->fetcher, [this, index](const ContentKey& key, const ContentResponse& r) { OnViewerFetch(index, key, r); });
          fetcher = v->fetcher.get();
        }
        if (group->low_latency_fetcher) {
          auto player = std::make_unique<LowLatencyPlayer>(v->id, group->spec.edge, edge, group->spec.stream,
                                                           LowLatencyPlayerConfig{}, *fetcher,
                                                           *group->low_latency_fetcher, clock_, clock_, metrics_);
          player->OnPlayback([this, index](const PartPosition& unit, SimTime started) {
            OnPartPlayback(index, unit, started);
          });
          v->player = std::move(player);
        } else {
          auto player = std::make_unique<LivePlayer>(v->id, group->spec.edge, edge, group->spec.stream,
                                                     StreamingPlayerConfig(st_), *fetcher, clock_, clock_, metrics_);
          player->OnPlayback([this, index](const SegmentInfo& segment, SimTime started) {
            OnPlayback(index, segment, started);
          });
          v->player = std::move(player);
        }
        viewers_.push_back(std::move(v));
      }
      groups_.push_back(std::move(group));
    }
  }

  // --- configuration snapshots (what each existing server was configured with) ---

  std::map<std::string, std::string> ConfigurationSnapshot() const {
    std::map<std::string, std::string> out;
    for (const auto& i : ingests_) {
      if (!i->joined) continue;
      std::string relays;
      for (const auto& r : i->relays) relays += (relays.empty() ? "" : ",") + Describe(r);
      out["ingest " + i->spec.id] = "relays=" + relays;
    }
    for (const auto& c : caches_) {
      out[(c->tier == CacheTier::kMid ? "mid " : "edge ") + c->spec.id] =
          "parent=" + (c->parent_content ? Describe(*c->parent_content) : "-") +
          " announce_parent=" + (c->parent_announce ? Describe(*c->parent_announce) : "-");
    }
    return out;
  }

  // --- the timeline ---

  // Issue 17: the copy of an accepted segment reaches every other live ingest after
  // kReplicationDelay (a simplification: not carried over the simulated network); a copy
  // sent before its sender died still lands, one to a dead ingest does not.
  void Replicate(std::size_t from, const StreamId& stream, const ReplicatedSegment& replica) {
    for (std::size_t j = 0; j < ingests_.size(); ++j) {
      if (j == from) continue;
      clock_.ScheduleAfter(kReplicationDelay, [this, j, stream, replica] {
        IngestNode& peer = *ingests_[j];
        if (peer.joined && !peer.failed_at) peer.server->AcceptReplica(stream, replica);
      });
    }
  }

  void Join(std::size_t index, bool scale_out) {
    IngestNode& n = *ingests_[index];
    const std::string& id = n.spec.id;
    ScaleOut so;
    if (scale_out) {
      so.ingest = index;
      so.result.ingest = id;
      so.result.at_s = ToSeconds(clock_.Now());
      so.result.sessions_before = balancer_.SessionsPerMember();
      snapshot_before_ = ConfigurationSnapshot();
    }
    n.joined = true;
    n.content->Start();
    n.uploads->Start();
    n.health->Start();
    n.announcer->Start();
    // The only change a scale-out makes: the load balancer learns a new member.
    balancer_.AddMember(id);
    checker_->AddMember(id, network_.At(id, StreamingSimNetwork::kHealthPort));
    if (!scale_out) return;
    so.result.sessions_just_after = balancer_.SessionsPerMember();
    const auto after = ConfigurationSnapshot();
    for (const auto& [server, config] : snapshot_before_) {
      ++so.result.servers_compared;
      auto it = after.find(server);
      if (it == after.end() || it->second != config) {
        ++so.result.config_changes;
        so.result.changed_servers.push_back(server);
      }
    }
    scale_outs_.push_back(so);
  }

  void StopPublisher(PublisherNode& p) {
    p.publisher->Stop();
    // What the publisher's last upload (EXT-X-ENDLIST) does, once its last segment has landed:
    // the session ends at the balancer and the ingest ends the stream (the SegmentUploader
    // port has no "end" of its own).
    p.tracked->WhenIdle([this, &p] {
      const auto ingest = balancer_.IngestOf(p.spec.stream);
      balancer_.EndSession(p.spec.stream);
      if (ingest && ingest_index_.count(*ingest)) {
        IngestNode& n = *ingests_[ingest_index_.at(*ingest)];
        if (!n.failed_at) EndStream(n, p.spec.stream);
      }
    });
  }

  void Fail(std::size_t event) {
    const StreamingEventSpec& e = st_.events[event];
    Failure f;
    f.event = event;
    f.at = clock_.Now();
    for (auto& so : scale_outs_) {
      if (so.later_taken) continue;
      so.result.sessions_later = balancer_.SessionsPerMember();
      so.result.later_at_s = ToSeconds(f.at);
      so.later_taken = true;
    }
    std::optional<std::string> victim = e.ingest.empty() ? balancer_.IngestOf(e.stream) : std::optional(e.ingest);
    if (victim && ingest_index_.count(*victim) && !ingests_[ingest_index_.at(*victim)]->failed_at) {
      const std::size_t index = ingest_index_.at(*victim);
      IngestNode& n = *ingests_[index];
      f.ingest = index;
      for (const auto& p : st_.publishers) {
        if (balancer_.IngestOf(p.stream) == *victim) f.streams.push_back(p.stream);
      }
      // It stops answering health probes, announcing and serving. A crash leaves its host up:
      // the kernel refuses new connections and resets open ones at once. A black hole also cuts
      // its access link, so open connections to it time out.
      n.failed_at = f.at;
      n.announcer->Stop();
      n.health->Stop();
      n.content->Stop();
      n.uploads->Stop();
      if (e.mode == IngestFailMode::kBlackhole) network_.SetReachable(*victim, false);
      const std::set<std::string> streams(f.streams.begin(), f.streams.end());
      for (std::size_t v = 0; v < viewers_.size(); ++v) {
        Viewer& viewer = *viewers_[v];
        if (viewer.failure || !streams.count(groups_[viewer.group]->spec.stream)) continue;
        if (!viewer.player->Stats().startup_delay) continue;  // not playing yet
        viewer.failure = failures_.size();
        viewer.stalls_at_failure = viewer.player->Stats().stalls;
        viewer.stall_at_failure = StallTime(viewer.player->Stats(), f.at);
        f.viewers.push_back(v);
      }
    }
    failures_.push_back(std::move(f));
  }

  // --- observations ---

  void OnHealthChange(const std::string& member, bool healthy) {
    balancer_.SetHealthy(member, healthy);
    if (healthy) return;
    front_->MemberUnhealthy(member);  // parked uploads go to the member's successor now
    for (auto& f : failures_) {
      if (f.ingest && ingests_[*f.ingest]->spec.id == member && !f.detected_at) f.detected_at = clock_.Now();
    }
  }

  void OnSegmentAccepted(std::size_t index, const SegmentUpload& upload) {
    IngestNode& n = *ingests_[index];
    const SimTime now = clock_.Now();
    AcceptUpload(n, upload);
    ++n.accepted;
    const bool new_here = n.streams.insert(upload.stream).second;
    first_segment_.emplace(upload.stream, now);
    for (auto& f : failures_) {
      if (!f.ingest || *f.ingest == index || f.reconnected_at.count(upload.stream)) continue;
      if (std::find(f.streams.begin(), f.streams.end(), upload.stream) == f.streams.end()) continue;
      f.reconnected_at[upload.stream] = now;
      f.new_ingest[upload.stream] = n.spec.id;
      f.first_new_sequence[upload.stream] = upload.segment.sequence / PartsPerSegment();
    }
    if (!new_here) return;
    for (auto& so : scale_outs_) {
      if (so.ingest == index && !so.later_taken) so.result.streams_taken.push_back(upload.stream);
    }
  }

  // LL-HLS: an upload is one part (a publisher's short segment); plain HLS: one segment.
  std::uint64_t PartsPerSegment() const { return StreamingLowLatency(st_) ? st_.parts_per_segment : 1; }

  // A publisher's upload: a segment, or (LL-HLS) a part, which may complete segments.
  void AcceptUpload(IngestNode& n, const SegmentUpload& upload) {
    if (!n.low_latency) return n.server->AcceptSegment(upload.stream, upload.segment);
    for (const SegmentInfo& segment : n.low_latency->Accept(upload.stream, upload.segment)) {
      n.server->AcceptSegment(upload.stream, segment);
    }
    n.low_latency->Wake(upload.stream);
  }

  // The publisher ended the stream: (LL-HLS) the open segment closes with the parts it has.
  void EndStream(IngestNode& n, const StreamId& stream) {
    if (n.low_latency) {
      if (auto last = n.low_latency->End(stream)) n.server->AcceptSegment(stream, *last);
    }
    n.server->EndStream(stream);
    if (n.low_latency) n.low_latency->Wake(stream);
  }

  void OnDirectoryChange(std::size_t index) {
    CacheNode& c = *caches_[index];
    if (c.relay) c.relay->Reroute();  // LL-HLS: blocked reloads follow a stream to its new ingest
    const SimTime now = clock_.Now();
    for (const auto& stream : c.directory->Directory().LiveStreams(now)) {
      if (!c.first_seen.emplace(stream, now).second) continue;
      auto first = first_segment_.find(stream);
      if (first == first_segment_.end()) continue;
      metrics_.Sample(streaming_metrics::kStreamAvailable, now, ToMillis(now - first->second),
                      {{"stream", stream}, {"node", c.spec.id}});
    }
  }

  void OnViewerFetch(std::size_t index, const ContentKey& key, const ContentResponse& response) {
    Viewer& v = *viewers_[index];
    if (!v.failure || v.resumed_at || v.polling || key.playlist || !response.found) return;
    const Failure& f = failures_[*v.failure];
    const std::string& stream = groups_[v.group]->spec.stream;
    auto first_new = f.first_new_sequence.find(stream);
    if (first_new == f.first_new_sequence.end() || key.sequence < first_new->second) return;
    CheckResumed(index);
  }

  // Glass to glass: segment n of a publisher that started at start_s was captured from
  // start_s + n x segment_s (LivePublisher numbers segments from 0 and never restarts).
  void OnPlayback(std::size_t index, const SegmentInfo& segment, SimTime started) {
    Viewer& v = *viewers_[index];
    const StreamingPublisherSpec* pub = groups_[v.group]->publisher;
    if (pub == nullptr) return;
    const double captured_s = pub->start_s + static_cast<double>(segment.sequence) * st_.segment_s;
    const double latency_ms = (ToSeconds(started) - captured_s) * 1000;
    AddLatencySample(v.latency_ms, latency_ms);
    metrics_.Sample(streaming_metrics::kLatency, started, latency_ms, v.latency_labels);
  }

  // LL-HLS: part i of segment m is the publisher's short segment m x N + i, captured from
  // start_s + (m x N + i) x part_target_s (a whole segment counts from its first part).
  void OnPartPlayback(std::size_t index, const PartPosition& unit, SimTime started) {
    Viewer& v = *viewers_[index];
    const StreamId& stream = groups_[v.group]->spec.stream;
    const auto pub = std::find_if(st_.publishers.begin(), st_.publishers.end(),
                                  [&](const StreamingPublisherSpec& p) { return p.stream == stream; });
    if (pub == st_.publishers.end()) return;
    const std::uint64_t published = unit.sequence * PartsPerSegment() + unit.index;
    const double part_s = ToSeconds(StreamingPartPackagerConfig(st_).part_target);
    const double captured_s = pub->start_s + static_cast<double>(published) * part_s;
    const double latency_ms = (ToSeconds(started) - captured_s) * 1000;
    AddLatencySample(v.latency_ms, latency_ms);
    metrics_.Sample(streaming_metrics::kLatency, started, latency_ms,
                    {{"viewer", v.id}, {"edge", groups_[v.group]->spec.edge}});
  }

  // Played again: playing (not stalled) with a segment of the new ingest in hand.
  void CheckResumed(std::size_t index) {
    Viewer& v = *viewers_[index];
    if (!v.player->Stats().stalled_since) {
      v.polling = false;
      v.resumed_at = clock_.Now();
      return;
    }
    v.polling = true;
    clock_.ScheduleAfter(FromMillis(kResumePollMs), [this, index] { CheckResumed(index); });
  }

  // --- results ---

  // Time spent stalled up to `now`, the stall in progress included.
  static Duration StallTime(const PlayerStats& stats, SimTime now) {
    return stats.stall_time + (stats.stalled_since ? now - *stats.stalled_since : Duration{0});
  }

  StreamingViewerResult ViewerResult(const Viewer& v, SimTime end) const {
    const PlayerStats& stats = v.player->Stats();
    StreamingViewerResult r;
    const auto& group = groups_[v.group]->spec;
    r.viewer = v.id;
    r.group = group.id;
    r.edge = group.edge;
    r.stream = group.stream;
    r.join_s = ToSeconds(v.join_at);
    if (stats.startup_delay) r.startup_ms = ToMillis(*stats.startup_delay);
    r.failed_start = !stats.startup_delay && !stats.ended_at && end - v.join_at >= PlayerConfig{}.give_up_after;
    if (stats.ended_at) r.ended_s = ToSeconds(*stats.ended_at);
    r.stalls = stats.stalls;
    r.stall_ms = ToMillis(StallTime(stats, end));  // a stall still going at the end included
    r.played_s = ToSeconds(stats.played);
    r.segments_fetched = stats.segments_fetched;
    r.fetch_failures = stats.fetch_failures;
    r.skips = stats.skips;
    r.skipped_ms = ToMillis(stats.skipped);
    r.latency_ms = v.latency_ms;
    r.affected = v.failure.has_value();
    if (v.failure) {
      r.stalls_after_failure = stats.stalls - v.stalls_at_failure;
      r.stall_ms_after_failure = ToMillis(StallTime(stats, end) - v.stall_at_failure);
      if (v.resumed_at) r.resumed_after_s = ToSeconds(*v.resumed_at - failures_[*v.failure].at);
    }
    return r;
  }

  StreamingAvailabilityResult AvailabilityResult(const StreamId& stream) const {
    StreamingAvailabilityResult r;
    r.stream = stream;
    auto first = first_segment_.find(stream);
    if (first != first_segment_.end()) r.first_segment_s = ToSeconds(first->second);
    for (const auto& c : caches_) {
      auto& into = c->tier == CacheTier::kEdge ? r.edges_ms : r.mids_ms;
      auto seen = c->first_seen.find(stream);
      into[c->spec.id] = std::nullopt;
      if (seen != c->first_seen.end() && first != first_segment_.end()) {
        into[c->spec.id] = ToMillis(seen->second - first->second);
      }
    }
    return r;
  }

  StreamingCacheResult CacheResult(const CacheNode& c) const {
    StreamingCacheResult r;
    const CacheNodeStats& stats = c.node->Stats();
    r.node = c.spec.id;
    r.tier = c.tier == CacheTier::kEdge ? "edge" : "mid";
    r.requests = stats.requests;
    r.hits = stats.hits;
    r.collapsed = stats.collapsed;
    r.upstream_requests = stats.upstream_requests;
    r.upstream_failures = stats.upstream_failures;
    r.not_found = stats.not_found;
    r.segment_requests = c.service->SegmentRequests();
    for (const auto& [key, count] : c.node->UpstreamPerSegment()) {
      ++r.segments_fetched;
      r.segment_upstream_requests += count;
      r.upstream_per_segment_max = std::max(r.upstream_per_segment_max, count);
    }
    r.upstream_per_segment_mean =
        r.segments_fetched ? static_cast<double>(r.segment_upstream_requests) / r.segments_fetched : 0;
    r.evictions = c.cache->Evictions();
    r.bytes_cached = c.cache->BytesUsed();
    if (c.relay) {
      r.blocking_reloads = c.relay->Stats().requests;
      r.blocking_hits = c.relay->Stats().hits;
      r.blocking_collapsed = c.relay->Stats().collapsed;
      r.blocking_upstream = c.relay->Stats().upstream_requests;
    }
    return r;
  }

  StreamingIngestResult IngestResult(const IngestNode& n) const {
    StreamingIngestResult r;
    r.id = n.spec.id;
    r.join_at_s = n.spec.join_at_s;
    if (n.failed_at) r.failed_at_s = ToSeconds(*n.failed_at);
    r.segments_accepted = n.accepted;
    r.requests_served = n.content->Requests();
    r.segment_requests_served = n.content->SegmentRequests();
    r.streams_held.assign(n.streams.begin(), n.streams.end());
    return r;
  }

  // Time to move `bytes` from host a to host b over a connection that may be new: a
  // handshake, slow start from the initial window to the whole transfer, the last round,
  // and serialization at the slower access link.
  double TransferBound(const std::string& a, const std::string& b, std::uint64_t bytes) const {
    const double rtt = 2 * ToSeconds(network_.Latency(a, b));
    const double rate_bps = 1e6 * std::min(network_.AccessMbps(a), network_.AccessMbps(b));
    const auto settings = StreamingSimNetwork::TcpSettings();
    const double window = static_cast<double>(settings.segment_size) * settings.initial_cwnd;
    const double rounds = std::ceil(std::log2(static_cast<double>(bytes) / window + 1));
    return rtt * (2 + rounds) + static_cast<double>(bytes) * 8 / rate_bps;
  }

  StreamingRecoveryBound Bound(const Failure& f) const {
    StreamingRecoveryBound b;
    const HealthCheckConfig health = StreamingHealthCheckConfig(st_);
    b.detection_s = health.unhealthy_after * ToSeconds(health.interval) + ToSeconds(health.timeout);
    const PublisherConfig publisher{};
    b.playlist_refresh_s = st_.segment_s + 2 * st_.playlist_ttl_s;
    double upload = 0, announce = 0, segment = 0, cache_timeout = 0;
    for (const auto& stream : f.streams) {
      const auto& pub = *std::find_if(st_.publishers.begin(), st_.publishers.end(),
                                      [&](const StreamingPublisherSpec& p) { return p.stream == stream; });
      const std::uint64_t bytes = StreamingSegmentBytes(st_, pub);
      // The new ingest: the one that took the stream, else the worst of the healthy ones.
      std::vector<std::string> candidates;
      auto taken = f.new_ingest.find(stream);
      if (taken != f.new_ingest.end()) {
        candidates.push_back(taken->second);
      } else {
        for (const auto& i : ingests_) {
          if (i->joined && !i->failed_at) candidates.push_back(i->spec.id);
        }
      }
      const std::string pub_host = network_.PublisherHost(stream);
      const std::string& lb = network_.LoadBalancer();
      for (const auto& ingest : candidates) {
        upload = std::max(upload, TransferBound(pub_host, lb, bytes) + TransferBound(lb, ingest, bytes));
        for (const auto& g : groups_) {
          if (g->spec.stream != stream) continue;
          const CacheNode& edge = *caches_[cache_index_.at(g->spec.edge)];
          const std::string& edge_id = edge.spec.id;
          double a = 0, s = 0, t = ToSeconds(timeouts_.mid_fetch);
          if (edge.parent_content) {
            const std::string& mid = edge.spec.parent;
            a = ToSeconds(network_.Latency(ingest, mid) + network_.Latency(mid, edge_id));
            s = TransferBound(ingest, mid, bytes) + TransferBound(mid, edge_id, bytes);
          } else {
            a = ToSeconds(network_.Latency(ingest, edge_id));
            s = TransferBound(ingest, edge_id, bytes);
          }
          s += TransferBound(edge_id, g->spec.id, bytes);
          announce = std::max(announce, a);
          segment = std::max(segment, s);
          cache_timeout = std::max(cache_timeout, t);
        }
      }
    }
    b.reconnect_s = ToSeconds(timeouts_.forward) + ToSeconds(publisher.reconnect_delay) + upload;
    b.switch_s = announce + cache_timeout + kPlayerRetryDelayS;
    b.segment_s = st_.segment_s + segment;
    b.total_s = b.detection_s + b.reconnect_s + b.switch_s + b.playlist_refresh_s + b.segment_s;
    return b;
  }

  StreamingFailureResult FailureResult(const Failure& f) const {
    StreamingFailureResult r;
    const auto& e = st_.events[f.event];
    r.at_s = ToSeconds(f.at);
    r.requested = e.ingest.empty() ? "stream " + e.stream : e.ingest;
    if (!f.ingest) return r;
    r.ingest = ingests_[*f.ingest]->spec.id;
    r.streams = f.streams;
    if (f.detected_at) r.detection_s = ToSeconds(*f.detected_at - f.at);
    for (const auto& stream : f.streams) {
      auto it = f.reconnected_at.find(stream);
      r.publisher_reconnect_s[stream] =
          it == f.reconnected_at.end() ? std::nullopt : std::optional<double>(ToSeconds(it->second - f.at));
      auto ni = f.new_ingest.find(stream);
      r.new_ingest[stream] = ni == f.new_ingest.end() ? "" : ni->second;
    }
    r.affected_viewers = f.viewers.size();
    double worst = 0;
    for (std::size_t index : f.viewers) {
      const Viewer& v = *viewers_[index];
      if (v.player->Stats().stalls > v.stalls_at_failure) ++r.viewers_stalled;
      r.max_stalled_s =
          std::max(r.max_stalled_s, ToSeconds(StallTime(v.player->Stats(), clock_.Now()) - v.stall_at_failure));
      if (!v.resumed_at) continue;
      ++r.viewers_resumed;
      worst = std::max(worst, ToSeconds(*v.resumed_at - f.at));
    }
    if (r.viewers_resumed == r.affected_viewers) r.recovery_s = worst;
    r.bound = Bound(f);
    return r;
  }

  const Scenario& s_;
  const StreamingSpec& st_;
  MetricsSink& metrics_;
  StreamingTimeouts timeouts_;
  Ns3Clock clock_;
  std::unique_ptr<StreamingRuntime> runtime_;  // packet or flow fidelity, as the scenario asks
  StreamingRuntime& network_;
  DatagramTransport& transport_;
  IngestBalancer balancer_;
  std::unique_ptr<MemberHealthChecker> checker_;
  std::unique_ptr<IngestFront> front_;
  std::vector<std::unique_ptr<CacheNode>> caches_;      // mids, then edges
  std::vector<std::unique_ptr<IngestNode>> ingests_;
  std::vector<std::unique_ptr<PublisherNode>> publishers_;
  std::vector<std::unique_ptr<ViewerGroup>> groups_;
  std::vector<std::unique_ptr<Viewer>> viewers_;
  std::map<std::string, std::size_t> ingest_index_;
  std::map<std::string, std::size_t> cache_index_;
  std::map<StreamId, SimTime> first_segment_;
  std::map<std::string, std::string> snapshot_before_;
  std::vector<ScaleOut> scale_outs_;
  std::vector<Failure> failures_;
  std::uint64_t uploads_ok_ = 0;
  std::uint64_t uploads_failed_ = 0;
};

}  // namespace

StreamingRunResult RunStreamingExperiment(const Scenario& scenario, MetricsSink& metrics) {
  if (!scenario.streaming.present) throw std::invalid_argument("the scenario has no streaming section");
  // A binary heap in one vector (std::priority_queue) instead of ns-3's default std::map: the
  // same (time, insertion) order, so the same results, with less work per event (about 2.5x
  // faster than ns3::HeapScheduler alone, whose heap of pointers misses the cache more).
  ns3::GlobalValue::Bind("SchedulerType", ns3::StringValue("ns3::PriorityQueueScheduler"));
  return RunNs3World<StreamingWorld>(scenario.seed, scenario.duration_s, scenario, metrics);
}

}  // namespace cdnlab
