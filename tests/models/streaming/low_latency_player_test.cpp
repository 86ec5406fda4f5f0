// LL-HLS in the model (the simulation's side of issue 17 item 3): what a player fetches next
// (low_latency_media_plan), the origin holding blocking reloads and hinted parts
// (LowLatencyOrigin), a cache collapsing blocking reloads (BlockingReloadRelay), and the
// LowLatencyPlayer end to end on the manual runtime.
//
// The stream: the publisher sends 0.5 s short segments, short segment k complete (and at the
// origin) at 0.5 (k + 1) s; four make a 2 s segment. Every hop takes 20 ms each way.
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/streaming/blocking_reload_relay.h"
#include "models/streaming/low_latency_media_plan.h"
#include "models/streaming/low_latency_origin.h"
#include "models/streaming/low_latency_player.h"
#include "tests/support/live_streaming_fakes.h"
#include "tests/support/recording_metrics_sink.h"

namespace cdnlab {
namespace {

using testing::EndpointOf;
using testing::ManualRuntime;
using testing::RecordingMetricsSink;

constexpr Duration kHop = std::chrono::milliseconds(20);
const Duration kPart = FromMillis(500);

PartPackagerConfig Config() {
  PartPackagerConfig c;
  c.parts_per_segment = 4;
  c.part_target = kPart;
  c.target_duration = FromSeconds(2);
  c.can_skip_until = FromSeconds(12);
  return c;
}

// Short segment k of the publisher: 0.5 s.
SegmentInfo Short(std::uint64_t k, std::uint64_t bytes) {
  SegmentInfo s;
  s.sequence = k;
  s.duration = kPart;
  s.bytes = bytes;
  return s;
}

// The publisher and the ingest's window of complete segments (what IngestServer does for them).
class Stream {
 public:
  explicit Stream(ManualRuntime& rt)
      : rt_(rt),
        origin_("ingest", Config(), [this](const StreamId& s) -> std::optional<LivePlaylist> {
          if (s != "news" || window_.segments.empty()) return std::nullopt;
          return window_;
        }, rt, rt) {
    window_.stream = "news";
    window_.target_duration = FromSeconds(2);
  }
  // Publishes short segments from now on, one every 0.5 s (the first complete at +0.5 s).
  void Start() { rt_.ScheduleAfter(kPart, [this] { Publish(); }); }
  void Stop() { stopped_ = true; }
  // The publisher ends the stream: the open segment closes and the playlist ends.
  void End() {
    stopped_ = true;
    if (auto last = origin_.End("news")) window_.segments.push_back(*last);
    window_.ended = true;
    origin_.Wake("news");
  }
  LowLatencyOrigin& Origin() { return origin_; }
  std::uint64_t Published() const { return next_; }

 private:
  void Publish() {
    if (stopped_) return;
    const SegmentInfo s = Short(next_++, 187'500);
    for (const SegmentInfo& done : origin_.Accept("news", s)) {
      window_.segments.push_back(done);
      if (window_.segments.size() > 6) window_.segments.erase(window_.segments.begin());
    }
    origin_.Wake("news");
    rt_.ScheduleAfter(kPart, [this] { Publish(); });
  }

  ManualRuntime& rt_;
  LivePlaylist window_;
  LowLatencyOrigin origin_;
  std::uint64_t next_ = 0;
  bool stopped_ = false;
};

// Requests reach their server after one hop and answers come back after another. Playlists to
// the edge go to `relay` (when set), everything else to the origin.
class Hops final : public ContentFetcher, public LowLatencyPlaylistFetcher {
 public:
  Hops(ManualRuntime& rt, LowLatencyOrigin& origin) : rt_(rt), origin_(origin) {}
  void SetRelay(const Endpoint& edge, BlockingReloadRelay* relay) {
    edge_ = edge;
    relay_ = relay;
  }
  void Fetch(const std::string&, const Endpoint&, const ContentKey& key, ContentFetcher::Done done) override {
    media.push_back(key);
    rt_.ScheduleAfter(kHop, [this, key, done = std::move(done)]() mutable {
      origin_.ServePart(key, [this, done = std::move(done)](const ContentResponse& r) {
        rt_.ScheduleAfter(kHop, [done, r] { done(r); });
      });
    });
  }
  void Fetch(const std::string&, const Endpoint& to, const LowLatencyPlaylistRequest& request,
             LowLatencyPlaylistFetcher::Done done) override {
    playlists.push_back(request);
    if (to == dead) return;  // a crashed server: no answer ever (the runtime's timeout is not modelled here)
    rt_.ScheduleAfter(kHop, [this, to, request, done = std::move(done)]() mutable {
      auto back = [this, done = std::move(done)](const LowLatencyAnswer& a) {
        rt_.ScheduleAfter(kHop, [done, a] { done(a); });
      };
      if (relay_ != nullptr && to == edge_) return relay_->Serve(request, std::move(back));
      origin_.ServePlaylist(request, std::move(back));
    });
  }
  std::vector<ContentKey> media;
  std::vector<LowLatencyPlaylistRequest> playlists;
  Endpoint dead = EndpointOf(99);

 private:
  ManualRuntime& rt_;
  LowLatencyOrigin& origin_;
  Endpoint edge_;
  BlockingReloadRelay* relay_ = nullptr;
};

LowLatencyPlaylist Decorated(std::uint64_t published) {
  PartPackager packager(Config());
  LivePlaylist plain;
  plain.stream = "news";
  plain.target_duration = FromSeconds(2);
  for (std::uint64_t k = 0; k < published; ++k) {
    for (const SegmentInfo& s : packager.Add(Short(k, 1000)).completed) plain.segments.push_back(s);
  }
  return packager.Decorate(plain);
}

TEST(LowLatencyMediaPlan, StartsPartHoldBackBehindTheNewestPart) {
  const LowLatencyPlaylist p = Decorated(22);  // segments 0-4 complete, parts 5.0 and 5.1 open
  ASSERT_EQ(p.LastPart(), (PartPosition{5, 1}));
  EXPECT_EQ(StartPosition(p), (PartPosition{4, 3}));  // 3 parts of 0.5 s: 4.3, 5.0, 5.1
}

TEST(LowLatencyMediaPlan, PartsHintSegmentsAndJumps) {
  const LowLatencyPlaylist p = Decorated(22);
  EXPECT_EQ(PlanMedia(p, {5, 1}).kind, MediaStep::Kind::kPart);
  const MediaStep hinted = PlanMedia(p, {5, 2});
  EXPECT_EQ(hinted.kind, MediaStep::Kind::kHintedPart);
  EXPECT_EQ(hinted.duration, kPart);
  EXPECT_EQ(PlanMedia(p, {5, 3}).kind, MediaStep::Kind::kWait);  // neither there nor hinted
  EXPECT_EQ(PlanMedia(p, {0, 0}).kind, MediaStep::Kind::kSegment);  // behind the listed parts
  const MediaStep rollover = PlanMedia(p, {4, 4});  // after the last part of segment 4
  EXPECT_EQ(rollover.kind, MediaStep::Kind::kJump);
  EXPECT_EQ(rollover.at, (PartPosition{5, 0}));
  EXPECT_EQ(rollover.skipped_parts, 0u);
  const MediaStep behind = PlanMedia(p, {0, 2});  // mid-segment with its parts no longer listed
  EXPECT_EQ(behind.kind, MediaStep::Kind::kJump);
  EXPECT_EQ(behind.at, (PartPosition{1, 0}));
  EXPECT_EQ(behind.skipped_parts, 2u);
}

TEST(LowLatencyMediaPlan, NextReloadAsksForTheHintedPart) {
  const auto d = NextReload(Decorated(22));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->msn, 5u);
  EXPECT_EQ(d->part, 2u);
  EXPECT_FALSE(d->skip);  // 10 s listed: nothing older than CAN-SKIP-UNTIL (12 s)
  EXPECT_TRUE(NextReload(Decorated(40))->skip);
}

TEST(LowLatencyOrigin, HoldsBlockingReloadsAndHintedPartsUntilThePartArrives) {
  ManualRuntime rt;
  Stream stream(rt);
  stream.Start();
  rt.RunUntil(FromSeconds(11));  // 22 short segments: parts up to 5.1, hint 5.2
  std::optional<LowLatencyAnswer> reload;
  std::optional<ContentResponse> part;
  stream.Origin().ServePlaylist({"news", DeliveryDirectives{5, 2, false}},
                                [&](const LowLatencyAnswer& a) { reload = a; });
  stream.Origin().ServePart(ContentKey{"news", false, 5, SegmentContainer::kTs, false, 2},
                            [&](const ContentResponse& r) { part = r; });
  EXPECT_EQ(stream.Origin().Waiting(), 2u);
  rt.RunUntil(FromMillis(11400));
  EXPECT_FALSE(reload || part);
  rt.RunUntil(FromMillis(11500));  // short segment 22 = part 5.2
  ASSERT_TRUE(reload && part);
  EXPECT_EQ(reload->status, 200);
  EXPECT_EQ(reload->playlist->LastPart(), (PartPosition{5, 2}));
  EXPECT_TRUE(part->found);
  EXPECT_EQ(part->bytes, 187'500u);

  std::optional<LowLatencyAnswer> far;
  stream.Origin().ServePlaylist({"news", DeliveryDirectives{9, std::nullopt, false}},
                                [&](const LowLatencyAnswer& a) { far = a; });
  ASSERT_TRUE(far);
  EXPECT_EQ(far->status, 400);  // beyond the last segment + 2
  std::optional<LowLatencyAnswer> late;
  stream.Stop();
  stream.Origin().ServePlaylist({"news", DeliveryDirectives{6, 1, false}},
                                [&](const LowLatencyAnswer& a) { late = a; });
  rt.RunUntil(FromMillis(11500) + FromSeconds(6) - FromMillis(1));
  EXPECT_FALSE(late);
  rt.RunUntil(FromMillis(11500) + FromSeconds(6));
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 503);  // not there within 3 target durations
}

TEST(BlockingReloadRelay, CollapsesIdenticalReloadsAndKeepsTheAnswer) {
  ManualRuntime rt;
  Stream stream(rt);
  stream.Start();
  rt.RunUntil(FromSeconds(11));
  Hops hops(rt, stream.Origin());
  const Endpoint origin = EndpointOf(1);
  BlockingReloadRelay relay("edge", FromSeconds(3), [&](const StreamId&) -> std::optional<Endpoint> { return origin; },
                            hops, rt, rt);
  int answered = 0;
  for (int i = 0; i < 5; ++i) {
    relay.Serve({"news", DeliveryDirectives{5, 2, false}}, [&](const LowLatencyAnswer& a) { answered += a.Ok(); });
  }
  EXPECT_EQ(relay.Stats().collapsed, 4u);
  EXPECT_EQ(hops.playlists.size(), 1u);
  rt.RunUntil(FromMillis(11600));
  EXPECT_EQ(answered, 5);
  relay.Serve({"news", DeliveryDirectives{5, 2, false}}, [&](const LowLatencyAnswer& a) { answered += a.Ok(); });
  EXPECT_EQ(answered, 6);  // from the kept answer
  EXPECT_EQ(relay.Stats().hits, 1u);
  EXPECT_EQ(hops.playlists.size(), 1u);
}

TEST(BlockingReloadRelay, FollowsTheStreamToItsNewUpstream) {
  ManualRuntime rt;
  Stream stream(rt);
  stream.Start();
  rt.RunUntil(FromSeconds(11));
  Hops hops(rt, stream.Origin());
  Endpoint upstream = hops.dead;  // the directory still names the crashed ingest
  BlockingReloadRelay relay("mid", FromSeconds(3), [&](const StreamId&) -> std::optional<Endpoint> { return upstream; },
                            hops, rt, rt);
  std::optional<LowLatencyAnswer> answer;
  relay.Serve({"news", DeliveryDirectives{5, 2, false}}, [&](const LowLatencyAnswer& a) { answer = a; });
  rt.RunUntil(FromMillis(11'200));
  relay.Reroute();  // nothing moved: no new request
  EXPECT_EQ(hops.playlists.size(), 1u);
  upstream = EndpointOf(1);  // the stream was announced at the ingest taking over
  relay.Reroute();
  EXPECT_EQ(hops.playlists.size(), 2u);
  rt.RunUntil(FromMillis(11'600));  // part 5.2 arrives at 11.5 s
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 200);
}

TEST(LowLatencyPlayer, PlaysPartsBehindTheLiveEdgeWithBlockingReloads) {
  ManualRuntime rt;
  RecordingMetricsSink metrics;
  Stream stream(rt);
  stream.Start();
  rt.RunUntil(FromMillis(10'750));
  Hops hops(rt, stream.Origin());
  const Endpoint origin = EndpointOf(1);
  std::vector<double> latency_s;
  LowLatencyPlayer player("viewer-1", "origin", origin, "news", {}, hops, hops, rt, rt, metrics);
  player.OnPlayback([&](const PartPosition& unit, SimTime started) {
    // Short segment 4m + i was captured from 0.5 (4m + i) s.
    latency_s.push_back(ToSeconds(started) - 0.5 * static_cast<double>(unit.sequence * 4 + unit.index));
  });
  player.Join();
  rt.RunUntil(FromSeconds(40));
  const PlayerStats& stats = player.Stats();
  ASSERT_TRUE(stats.startup_delay.has_value());
  EXPECT_EQ(*stats.startup_delay, 4 * kHop);  // the playlist, then the first part (already there)
  EXPECT_EQ(stats.stalls, 0u);
  EXPECT_EQ(stats.skips, 0u);
  EXPECT_EQ(stats.fetch_failures, 0u);
  ASSERT_GT(latency_s.size(), 50u);
  for (double l : latency_s) {
    EXPECT_GE(l, 1.5);  // PART-HOLD-BACK: 3 part targets
    EXPECT_LE(l, 2.2);
  }
  // Only parts, asked for by the hint before they exist; playlists by blocking reloads.
  for (const ContentKey& k : hops.media) EXPECT_TRUE(k.part.has_value()) << k.ToString();
  std::size_t blocking = 0;
  for (const auto& r : hops.playlists) blocking += r.directives.Blocking();
  EXPECT_EQ(blocking + 1, hops.playlists.size());  // all but the first
  EXPECT_GT(blocking, 50u);
}

TEST(LowLatencyPlayer, PlaysToTheEndOfAnEndedStream) {
  ManualRuntime rt;
  RecordingMetricsSink metrics;
  Stream stream(rt);
  stream.Start();
  rt.RunUntil(FromSeconds(10));
  Hops hops(rt, stream.Origin());
  std::optional<PartPosition> last_played;
  LowLatencyPlayer player("viewer-1", "origin", EndpointOf(1), "news", {}, hops, hops, rt, rt, metrics);
  player.OnPlayback([&](const PartPosition& unit, SimTime) { last_played = unit; });
  player.Join();
  rt.RunUntil(FromMillis(20'250));  // short segments 0-39 published
  stream.End();
  rt.RunUntil(FromSeconds(30));
  const PlayerStats& stats = player.Stats();
  ASSERT_TRUE(stats.ended_at.has_value());
  EXPECT_LT(*stats.ended_at, FromSeconds(23));  // the buffered 1.5 s, then the end: no stall
  EXPECT_EQ(stats.stalls, 0u);
  ASSERT_TRUE(last_played.has_value());
  EXPECT_EQ(*last_played, (PartPosition{9, 3}));  // short segment 39, the last published
}

}  // namespace
}  // namespace cdnlab
