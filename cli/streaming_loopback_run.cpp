#include "cli/streaming_loopback_run.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/streaming_latency.h"
#include "models/core/seeded_random_source.h"
#include "models/ports/metrics_sink.h"
#include "models/streaming/live_player.h"
#include "models/streaming/live_publisher.h"
#include "models/streaming/observed_fetcher.h"
#include "realnet/net/asio_clock.h"
#include "realnet/net/http_client.h"
#include "realnet/streaming/content_fetcher.h"
#include "realnet/streaming/m3u8_reader.h"
#include "realnet/streaming/segment_uploader.h"
#include "realnet/streaming/service_process.h"
#include "scenarios/streaming/from_scenario.h"
#include "sim/streaming/experiment.h"

namespace cdnlab {
namespace {

// The simulation's random stream of a viewer group's join times (sim/streaming/experiment.cpp),
// so both runtimes have the same viewers joining at the same times.
constexpr std::uint64_t kViewerJoinStreamBase = 500;
// How often a stalled viewer that already has new-ingest content is looked at again (as in the
// simulation).
constexpr double kResumePollMs = 20;
// How often the balancer's member list is read after a kill, to see when it judges the ingest.
constexpr double kDetectionPollMs = 10;

std::string Millis(Duration d) { return fmt::format("{:.0f}", ToMillis(d)); }

Endpoint Loopback(std::uint16_t port) { return Endpoint{Ipv4Address{0x7f000001}, port}; }

// A publisher's uploader that tells the run how each upload ended and when it began.
class NotingUploader final : public SegmentUploader {
 public:
  using Observer = std::function<void(const SegmentInfo&, bool ok, SimTime began)>;
  NotingUploader(SegmentUploader& inner, const Clock& clock, Observer observer)
      : inner_(inner), clock_(clock), observer_(std::move(observer)) {}
  void Upload(const StreamId& stream, const SegmentInfo& segment, bool reconnect, Done done) override {
    inner_.Upload(stream, segment, reconnect,
                  [observer = observer_, segment, began = clock_.Now(), done = std::move(done)](
                      bool ok, const std::string& ingest) {
                    observer(segment, ok, began);
                    done(ok, ingest);
                  });
  }

 private:
  SegmentUploader& inner_;
  const Clock& clock_;
  Observer observer_;
};

class LoopbackWorld {
 public:
  LoopbackWorld(const Scenario& s, const LoopbackStreamingOptions& o)
      : s_(s), st_(s.streaming), o_(o), timeouts_(StreamingTimeoutsFor(s.streaming)), probe_(io_) {
    std::filesystem::create_directories(o_.out_dir + "/logs");
    PlanPorts();
  }

  ~LoopbackWorld() {
    // Players and publishers first (their callbacks touch the world), then the processes.
    viewers_.clear();
    publishers_.clear();
    for (auto& [id, p] : processes_) p->Stop();
  }

  StreamingRunResult Run() {
    StartServices();
    WaitUntilReady();
    clock_ = std::make_unique<AsioClock>(io_);  // time 0 of the run
    fetcher_ = std::make_unique<HttpContentFetcher>(
        io_, StreamingHttpClientOptions{std::chrono::duration_cast<std::chrono::milliseconds>(timeouts_.viewer_fetch)});
    BuildPublishers();
    BuildViewers();
    Schedule();
    clock_->ScheduleAfter(FromSeconds(s_.duration_s), [this] { io_.stop(); });
    io_.restart();
    io_.run();
    return Result();
  }

 private:
  struct Service {
    std::uint16_t http = 0, second = 0, third = 0;  // ingest: http, health, announce-from; cache: http, announce
  };
  struct Publisher {
    StreamingPublisherSpec spec;
    std::unique_ptr<HttpSegmentUploader> http;
    std::unique_ptr<NotingUploader> noting;
    std::unique_ptr<LivePublisher> publisher;
  };
  struct Viewer {
    std::size_t group = 0;
    std::string id;
    Duration join_at{0};
    std::unique_ptr<ObservedFetcher> fetcher;
    std::unique_ptr<LivePlayer> player;
    std::optional<std::size_t> failure;
    std::uint64_t stalls_at_failure = 0;
    Duration stall_at_failure{0};
    std::optional<SimTime> resumed_at;
    bool polling = false;
    std::vector<WeightedValue> latency_ms;
  };
  struct Failure {
    std::size_t event = 0;
    SimTime at{0};
    std::string ingest;
    std::vector<std::string> streams;
    std::map<std::string, SimTime> reconnected_at;
    std::map<std::string, std::uint64_t> first_new_sequence;
    std::vector<std::size_t> viewers;
    std::optional<SimTime> detected_at;  // the balancer's /members first said unhealthy
  };

  // --- the services ---

  void PlanPorts() {
    std::uint32_t next = o_.port_base;
    auto take = [&] {
      if (next > 65535) throw std::runtime_error(fmt::format("--port-base {} leaves too few ports", o_.port_base));
      return static_cast<std::uint16_t>(next++);
    };
    vip_ = take();
    admin_ = take();
    for (const auto& i : st_.ingests) ingest_ports_[i.id] = {take(), take(), take()};
    for (const auto& c : st_.mids) cache_ports_[c.id] = {take(), take(), 0};
    for (const auto& c : st_.edges) cache_ports_[c.id] = {take(), take(), 0};
  }

  void Spawn(const std::string& name, std::vector<std::string> args) {
    args.insert(args.begin(), {o_.cdnlab_binary, "realnet"});
    args.push_back("--plain-http");
    processes_[name] = std::make_unique<ServiceProcess>(name, args, LogOf(name));
  }
  std::string LogOf(const std::string& name) const { return o_.out_dir + "/logs/" + name + ".log"; }

  void StartServices() {
    const double interval_ms = st_.health_interval_s * 1000;
    Spawn("balancer", {"stream-balancer", "--listen", Loopback(vip_).ToString(), "--admin",
                       Loopback(admin_).ToString(), "--balancing", st_.balancing, "--health-interval-ms",
                       fmt::format("{}", interval_ms), "--health-timeout-ms", fmt::format("{}", interval_ms * kStreamingHealthTimeoutShare),
                       "--unhealthy-after", std::to_string(st_.health_unhealthy_after), "--proxy-timeout-ms",
                       Millis(timeouts_.forward)});
    std::map<std::string, std::string> parent_of;
    for (const auto& e : st_.edges) parent_of[e.id] = e.parent;
    auto cache = [&](const StreamingCacheSpec& c, bool edge) {
      const Service& p = cache_ports_.at(c.id);
      std::vector<std::string> args = {"stream-cache", "--id", c.id, "--listen", Loopback(p.http).ToString(),
                                       "--announce", Loopback(p.second).ToString(), "--capacity-mb",
                                       std::to_string(c.capacity_mb), "--eviction", st_.eviction,
                                       "--playlist-ttl-ms", fmt::format("{}", st_.playlist_ttl_s * 1000),
                                       "--segment-ttl-s", fmt::format("{}", st_.segment_ttl_s),
                                       "--stale-if-error-s", fmt::format("{}", st_.stale_if_error_s)};
      // The simulation's tiered timeouts: an edge gives up on its mid after the mid gave up on the ingest.
      args.insert(args.end(), {"--fetch-timeout-ms",
                               Millis(edge && !c.parent.empty() ? timeouts_.edge_fetch : timeouts_.mid_fetch)});
      if (edge && !c.parent.empty()) {
        const Service& parent = cache_ports_.at(c.parent);
        args.insert(args.end(), {"--tier", "edge", "--parent", Loopback(parent.http).ToString(), "--parent-announce",
                                 Loopback(parent.second).ToString()});
      } else {
        args.insert(args.end(), {"--tier", "mid"});  // fetches from the ingests
        relays_ += (relays_.empty() ? "" : ",") + Loopback(p.second).ToString();
      }
      Spawn(c.id, args);
    };
    for (const auto& c : st_.mids) cache(c, false);
    for (const auto& c : st_.edges) cache(c, true);
    for (std::size_t i = 0; i < st_.ingests.size(); ++i) {
      if (st_.ingests[i].join_at_s <= 0) StartIngest(i);
    }
  }

  void StartIngest(std::size_t index) {
    const auto& spec = st_.ingests[index];
    const Service& p = ingest_ports_.at(spec.id);
    std::vector<std::string> args = {"stream-ingest", "--id", spec.id, "--listen", Loopback(p.http).ToString(),
                                     "--health", Loopback(p.second).ToString(), "--announce-from",
                                     Loopback(p.third).ToString(), "--relay", relays_, "--register",
                                     Loopback(admin_).ToString(), "--window", std::to_string(st_.window_segments),
                                     "--target-duration-s", fmt::format("{}", st_.segment_s)};
    // streaming.replicate_segments: every ingest copies what it accepts to every other one, as
    // the simulation does.
    std::string peers;
    for (const auto& other : st_.ingests) {
      if (other.id == spec.id || !st_.replicate_segments) continue;
      peers += (peers.empty() ? "" : ",") + Loopback(ingest_ports_.at(other.id).http).ToString();
    }
    if (!peers.empty()) args.insert(args.end(), {"--replicate-to", peers});
    Spawn(spec.id, args);
  }

  // One request answered now (the io_context runs until it is).
  StreamingHttpResponse GetNow(const Endpoint& to, const std::string& target) {
    std::optional<StreamingHttpResponse> out;
    probe_.Request(to, "GET", target, "", "", [&out](const StreamingHttpResponse& r) { out = r; });
    io_.restart();
    while (!out && io_.run_one() > 0) {
    }
    return out.value_or(StreamingHttpResponse{});
  }

  // Every cache answers HTTP, and every initial ingest is registered and healthy.
  void WaitUntilReady() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(o_.ready_timeout_s);
    std::string waiting_for;
    while (std::chrono::steady_clock::now() < deadline) {
      for (auto& [name, p] : processes_) {
        if (!p->Running()) throw std::runtime_error(fmt::format("{} exited at start-up (see {})", name, LogOf(name)));
      }
      waiting_for.clear();
      for (const auto& [id, p] : cache_ports_) {
        if (!GetNow(Loopback(p.http), "/ready-check/playlist.m3u8").ok) waiting_for = id;
      }
      const auto members = GetNow(Loopback(admin_), "/members");
      std::set<std::string> healthy;
      if (members.ok && members.status == 200) {
        const auto j = nlohmann::json::parse(*members.body, nullptr, false);
        if (j.is_object() && j.contains("members")) {
          for (const auto& m : j["members"]) {
            if (m.value("healthy", false)) healthy.insert(m.value("id", ""));
          }
        }
      }
      for (const auto& i : st_.ingests) {
        if (i.join_at_s <= 0 && !healthy.count(i.id)) waiting_for = i.id + " (registered and healthy)";
      }
      if (waiting_for.empty()) return;
      io_.restart();
      io_.run_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error(fmt::format("not ready after {} s: {} (logs in {}/logs)", o_.ready_timeout_s,
                                         waiting_for, o_.out_dir));
  }

  // --- publishers and viewers ---

  void BuildPublishers() {
    for (const auto& spec : st_.publishers) {
      auto p = std::make_unique<Publisher>();
      p->spec = spec;
      p->http = std::make_unique<HttpSegmentUploader>(io_, Loopback(vip_), static_cast<std::size_t>(st_.window_segments),
                                                      timeouts_.upload);
      const StreamId stream = spec.stream;
      p->noting = std::make_unique<NotingUploader>(
          *p->http, *clock_,
          [this, stream](const SegmentInfo& segment, bool ok, SimTime began) { OnUploaded(stream, segment, ok, began); });
      p->publisher = std::make_unique<LivePublisher>(spec.stream, StreamingPublisherConfig(st_, spec), *p->noting,
                                                     *clock_, *clock_, metrics_);
      publishers_.push_back(std::move(p));
    }
  }

  void BuildViewers() {
    // Every group's join times drawn as the simulation draws them; then viewers taken in turn
    // from each group up to the cap.
    std::vector<std::vector<double>> joins(st_.viewers.size());
    int most = 0;
    for (std::size_t g = 0; g < st_.viewers.size(); ++g) {
      SeededRandomSource random(s_.seed, kViewerJoinStreamBase + g);
      const auto& spec = st_.viewers[g];
      for (int n = 0; n < spec.count; ++n) joins[g].push_back(spec.join_s + spec.spread_s * random.Uniform01());
      most = std::max(most, spec.count);
    }
    for (int n = 0; n < most; ++n) {
      for (std::size_t g = 0; g < st_.viewers.size(); ++g) {
        if (viewers_.size() >= o_.max_viewers) return;
        if (n >= st_.viewers[g].count) continue;
        const auto& spec = st_.viewers[g];
        auto v = std::make_unique<Viewer>();
        v->group = g;
        v->id = fmt::format("{}-{}", spec.id, n);
        v->join_at = FromSeconds(joins[g][n]);
        const std::size_t index = viewers_.size();
        v->fetcher = std::make_unique<ObservedFetcher>(
            *fetcher_, [this, index](const ContentKey& key, const ContentResponse& r) { OnViewerFetch(index, key, r); });
        v->player = std::make_unique<LivePlayer>(v->id, spec.edge, Loopback(cache_ports_.at(spec.edge).http),
                                                 spec.stream, StreamingPlayerConfig(st_), *v->fetcher, *clock_, *clock_, metrics_);
        v->player->OnPlayback([this, index](const SegmentInfo& segment, SimTime started) {
          OnPlayback(index, segment, started);
        });
        viewers_.push_back(std::move(v));
      }
    }
  }

  void Schedule() {
    for (std::size_t i = 0; i < st_.ingests.size(); ++i) {
      if (st_.ingests[i].join_at_s > 0) {
        clock_->ScheduleAfter(FromSeconds(st_.ingests[i].join_at_s), [this, i] { StartIngest(i); });
      }
    }
    for (auto& p : publishers_) {
      Publisher* node = p.get();
      clock_->ScheduleAfter(FromSeconds(node->spec.start_s), [node] { node->publisher->Start(); });
      if (node->spec.stop_s > 0) {
        clock_->ScheduleAfter(FromSeconds(node->spec.stop_s), [node] {
          node->publisher->Stop();
          node->http->End(node->spec.stream, [](bool) {});
        });
      }
    }
    for (std::size_t v = 0; v < viewers_.size(); ++v) {
      clock_->ScheduleAfter(viewers_[v]->join_at, [this, v] { viewers_[v]->player->Join(); });
    }
    for (std::size_t e = 0; e < st_.events.size(); ++e) {
      clock_->ScheduleAfter(FromSeconds(st_.events[e].at_s), [this, e] { Fail(e); });
    }
  }

  // --- the failure ---

  // Which live ingest holds each stream (its playlist of it is live and the newest), then
  // the kill: of the named ingest, or of the one holding the named stream.
  void Fail(std::size_t event) {
    auto holders = std::make_shared<std::map<StreamId, std::pair<std::string, std::uint64_t>>>();
    auto pending = std::make_shared<std::size_t>(1);
    auto answered = [this, event, holders, pending] {
      if (--*pending == 0) Kill(event, *holders);
    };
    for (const auto& i : st_.ingests) {
      auto p = processes_.find(i.id);
      if (p == processes_.end() || !p->second->Running()) continue;
      for (const auto& pub : st_.publishers) {
        ++*pending;
        const ContentKey key{pub.stream, true, 0};
        probe_.Request(Loopback(ingest_ports_.at(i.id).http), "GET", "/" + key.ToString(), "", "",
                       [id = i.id, stream = pub.stream, holders, answered](const StreamingHttpResponse& r) {
                         const auto playlist = r.ok && r.status == 200 ? ReadM3u8(*r.body, stream) : std::nullopt;
                         if (playlist && !playlist->ended && playlist->LastSequence()) {
                           auto it = holders->find(stream);
                           if (it == holders->end() || *playlist->LastSequence() > it->second.second) {
                             (*holders)[stream] = {id, *playlist->LastSequence()};
                           }
                         }
                         answered();
                       });
      }
    }
    answered();
  }

  void Kill(std::size_t event, const std::map<StreamId, std::pair<std::string, std::uint64_t>>& holders) {
    const StreamingEventSpec& e = st_.events[event];
    std::string victim = e.ingest;
    if (victim.empty()) {
      auto it = holders.find(e.stream);
      if (it != holders.end()) victim = it->second.first;
    }
    Failure f;
    f.event = event;
    f.at = clock_->Now();
    auto p = processes_.find(victim);
    if (!victim.empty() && p != processes_.end() && p->second->Running()) {
      p->second->Kill(o_.fail_signal);
      f.ingest = victim;
      for (const auto& [stream, holder] : holders) {
        if (holder.first == victim) f.streams.push_back(stream);
      }
      const std::set<std::string> streams(f.streams.begin(), f.streams.end());
      for (std::size_t v = 0; v < viewers_.size(); ++v) {
        Viewer& viewer = *viewers_[v];
        if (viewer.failure || !streams.count(st_.viewers[viewer.group].stream)) continue;
        if (!viewer.player->Stats().startup_delay) continue;  // not playing yet
        viewer.failure = failures_.size();
        viewer.stalls_at_failure = viewer.player->Stats().stalls;
        viewer.stall_at_failure = StallTime(viewer.player->Stats(), f.at);
        f.viewers.push_back(v);
      }
    }
    const bool killed = !f.ingest.empty();
    failures_.push_back(std::move(f));
    if (killed) WatchDetection(failures_.size() - 1);
  }

  // Reads the balancer's member list until it calls the killed ingest unhealthy.
  void WatchDetection(std::size_t failure) {
    probe_.Request(Loopback(admin_), "GET", "/members", "", "", [this, failure](const StreamingHttpResponse& r) {
      Failure& f = failures_[failure];
      if (r.ok && r.status == 200) {
        const auto j = nlohmann::json::parse(*r.body, nullptr, false);
        if (j.is_object() && j.contains("members")) {
          for (const auto& m : j["members"]) {
            if (m.value("id", "") == f.ingest && !m.value("healthy", true)) {
              f.detected_at = clock_->Now();
              return;
            }
          }
        }
      }
      clock_->ScheduleAfter(FromMillis(kDetectionPollMs), [this, failure] { WatchDetection(failure); });
    });
  }

  // --- observations (as the simulation makes them) ---

  void OnUploaded(const StreamId& stream, const SegmentInfo& segment, bool ok, SimTime began) {
    if (!ok) return;
    const SimTime now = clock_->Now();
    for (auto& f : failures_) {
      // An upload begun before the kill may have reached the victim just before it died.
      if (f.ingest.empty() || began < f.at || f.reconnected_at.count(stream)) continue;
      if (std::find(f.streams.begin(), f.streams.end(), stream) == f.streams.end()) continue;
      // The victim is dead: an upload that lands now landed at another ingest.
      f.reconnected_at[stream] = now;
      f.first_new_sequence[stream] = segment.sequence;
    }
  }

  void OnViewerFetch(std::size_t index, const ContentKey& key, const ContentResponse& response) {
    Viewer& v = *viewers_[index];
    if (!v.failure || v.resumed_at || v.polling || key.playlist || !response.found) return;
    const Failure& f = failures_[*v.failure];
    auto first_new = f.first_new_sequence.find(st_.viewers[v.group].stream);
    if (first_new == f.first_new_sequence.end() || key.sequence < first_new->second) return;
    CheckResumed(index);
  }

  void CheckResumed(std::size_t index) {
    Viewer& v = *viewers_[index];
    if (!v.player->Stats().stalled_since) {
      v.polling = false;
      v.resumed_at = clock_->Now();
      return;
    }
    v.polling = true;
    clock_->ScheduleAfter(FromMillis(kResumePollMs), [this, index] { CheckResumed(index); });
  }

  void OnPlayback(std::size_t index, const SegmentInfo& segment, SimTime started) {
    Viewer& v = *viewers_[index];
    const StreamId& stream = st_.viewers[v.group].stream;
    const auto pub = std::find_if(st_.publishers.begin(), st_.publishers.end(),
                                  [&](const StreamingPublisherSpec& p) { return p.stream == stream; });
    if (pub == st_.publishers.end()) return;
    const double captured_s = pub->start_s + static_cast<double>(segment.sequence) * st_.segment_s;
    AddLatencySample(v.latency_ms, (ToSeconds(started) - captured_s) * 1000);
  }

  // --- results ---

  static Duration StallTime(const PlayerStats& stats, SimTime now) {
    return stats.stall_time + (stats.stalled_since ? now - *stats.stalled_since : Duration{0});
  }

  StreamingRunResult Result() const {
    StreamingRunResult r;
    r.balancing = st_.balancing;
    const SimTime end = clock_->Now();
    for (const auto& v : viewers_) {
      const PlayerStats& stats = v->player->Stats();
      const auto& group = st_.viewers[v->group];
      StreamingViewerResult out;
      out.viewer = v->id;
      out.group = group.id;
      out.edge = group.edge;
      out.stream = group.stream;
      out.join_s = ToSeconds(v->join_at);
      if (stats.startup_delay) out.startup_ms = ToMillis(*stats.startup_delay);
      out.failed_start = !stats.startup_delay && !stats.ended_at && end - v->join_at >= PlayerConfig{}.give_up_after;
      if (stats.ended_at) out.ended_s = ToSeconds(*stats.ended_at);
      out.stalls = stats.stalls;
      out.stall_ms = ToMillis(StallTime(stats, end));
      out.played_s = ToSeconds(stats.played);
      out.segments_fetched = stats.segments_fetched;
      out.fetch_failures = stats.fetch_failures;
      out.affected = v->failure.has_value();
      if (v->failure) {
        out.stalls_after_failure = stats.stalls - v->stalls_at_failure;
        out.stall_ms_after_failure = ToMillis(StallTime(stats, end) - v->stall_at_failure);
        if (v->resumed_at) out.resumed_after_s = ToSeconds(*v->resumed_at - failures_[*v->failure].at);
      }
      out.skips = stats.skips;
      out.skipped_ms = ToMillis(stats.skipped);
      out.latency_ms = v->latency_ms;
      r.viewers.push_back(std::move(out));
    }
    for (const auto& p : publishers_) {
      r.publishers.push_back({p->spec.stream, p->publisher->SegmentsPublished(), p->publisher->Reconnects(),
                              p->publisher->SegmentsDropped(), p->publisher->CurrentIngest()});
    }
    for (const auto& f : failures_) {
      StreamingFailureResult out;
      const auto& e = st_.events[f.event];
      out.at_s = ToSeconds(f.at);
      out.requested = e.ingest.empty() ? "stream " + e.stream : e.ingest;
      out.ingest = f.ingest;
      out.streams = f.streams;
      if (f.detected_at) out.detection_s = ToSeconds(*f.detected_at - f.at);
      for (const auto& stream : f.streams) {
        auto it = f.reconnected_at.find(stream);
        out.publisher_reconnect_s[stream] =
            it == f.reconnected_at.end() ? std::nullopt : std::optional<double>(ToSeconds(it->second - f.at));
      }
      out.affected_viewers = f.viewers.size();
      double worst = 0;
      for (std::size_t index : f.viewers) {
        const Viewer& v = *viewers_[index];
        if (v.player->Stats().stalls > v.stalls_at_failure) ++out.viewers_stalled;
        out.max_stalled_s = std::max(out.max_stalled_s, ToSeconds(StallTime(v.player->Stats(), end) - v.stall_at_failure));
        if (!v.resumed_at) continue;
        ++out.viewers_resumed;
        worst = std::max(worst, ToSeconds(*v.resumed_at - f.at));
      }
      if (out.viewers_resumed == out.affected_viewers) out.recovery_s = worst;
      r.failures.push_back(std::move(out));
    }
    return r;
  }

  const Scenario& s_;
  const StreamingSpec& st_;
  LoopbackStreamingOptions o_;
  StreamingTimeouts timeouts_;
  boost::asio::io_context io_;
  StreamingHttpClient probe_;  // readiness checks and finding a stream's ingest
  NullMetricsSink metrics_;
  std::uint16_t vip_ = 0, admin_ = 0;
  std::map<std::string, Service> ingest_ports_;
  std::map<std::string, Service> cache_ports_;
  std::string relays_;  // the announce sockets of the caches that fetch from the ingests
  std::map<std::string, std::unique_ptr<ServiceProcess>> processes_;
  std::unique_ptr<AsioClock> clock_;
  std::unique_ptr<HttpContentFetcher> fetcher_;
  std::vector<std::unique_ptr<Publisher>> publishers_;
  std::vector<std::unique_ptr<Viewer>> viewers_;
  std::vector<Failure> failures_;
};

}  // namespace

StreamingRunResult RunStreamingOnLoopback(const Scenario& scenario, const LoopbackStreamingOptions& options) {
  if (!scenario.streaming.present) throw std::invalid_argument("the scenario has no streaming section");
  LoopbackWorld world(scenario, options);
  return world.Run();
}

}  // namespace cdnlab
