// LivePlayer on the manual runtime against a fake origin (directly, or through an edge and a
// mid-tier LiveCacheNode): startup delay, continuous playback, a stall of the expected length
// during an origin outage and the resumption after it, leaving mid-stall, giving up, and an
// ended stream (played to its end, too short to reach the startup threshold, or joined after
// its end).
//
// The origin's stream "news" has 2 s segments; segment n is complete at 2(n+1) s. Every hop
// takes 25 ms each way, so a fetch straight from the origin takes 50 ms.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/streaming/live_cache_node.h"
#include "models/streaming/live_player.h"
#include "models/streaming/stream_directory.h"
#include "models/streaming/metric_names.h"
#include "tests/support/live_streaming_fakes.h"
#include "tests/support/recording_metrics_sink.h"

namespace cdnlab {
namespace {

using testing::EndpointOf;
using testing::FakeContentFetcher;
using testing::FakeLiveOrigin;
using testing::ManualRuntime;
using testing::RecordingMetricsSink;

SimTime At(double seconds) { return FromSeconds(seconds); }
Duration Ms(double ms) { return FromMillis(ms); }

class PlayerTest : public ::testing::Test {
 protected:
  PlayerTest() : fetcher(runtime) {
    origin.AddStream("news", FakeLiveOrigin::Stream{});
    fetcher.AddOrigin(kOrigin, origin);
  }

  std::unique_ptr<LivePlayer> PlayerAtOrigin(PlayerConfig config = {}, const StreamId& stream = "news") {
    return std::make_unique<LivePlayer>("viewer-1", "origin", kOrigin, stream, config, fetcher, runtime, runtime,
                                        metrics);
  }

  // Sequences of the segments the viewer asked for, in order.
  std::vector<std::uint64_t> SegmentsRequested() const {
    std::vector<std::uint64_t> out;
    for (const auto& r : fetcher.LogFrom("viewer-1")) {
      if (!r.key.playlist) out.push_back(r.key.sequence);
    }
    return out;
  }

  const Endpoint kOrigin = EndpointOf(1);
  ManualRuntime runtime;
  RecordingMetricsSink metrics;
  FakeLiveOrigin origin;
  FakeContentFetcher fetcher;
};

TEST_F(PlayerTest, StartupDelayIsPlaylistRttPlusTwoSegmentFetches) {
  fetcher.SetOneWayDelay(kOrigin, Ms(40));
  runtime.RunUntil(At(10.5));  // newest segment: 4
  auto player = PlayerAtOrigin();
  player->Join();
  runtime.RunFor(FromSeconds(1));
  ASSERT_TRUE(player->Stats().startup_delay.has_value());
  EXPECT_EQ(*player->Stats().startup_delay, Ms(80 + 2 * 80));
  // Three segments behind the newest (4): 1, then 2; then fills its buffer (3, 4).
  const auto requested = SegmentsRequested();
  ASSERT_GE(requested.size(), 2u);
  EXPECT_EQ(requested[0], 1u);
  EXPECT_EQ(requested[1], 2u);

  const auto samples = metrics.SamplesNamed(streaming_metrics::kStartupDelay);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_DOUBLE_EQ(samples[0].value, 240);
  EXPECT_EQ(samples[0].at, At(10.74));
  EXPECT_EQ(samples[0].labels, (MetricLabels{{"viewer", "viewer-1"}, {"edge", "origin"}}));
  EXPECT_EQ(player->Edge(), "origin");
  EXPECT_EQ(player->Viewer(), "viewer-1");
}

TEST_F(PlayerTest, StartIsBoundedByTheFirstListedSegment) {
  runtime.RunUntil(At(4.5));  // segments 0 and 1 exist: 1 - 3 would be before the first
  auto player = PlayerAtOrigin();
  player->Join();
  runtime.RunFor(FromSeconds(1));
  ASSERT_EQ(SegmentsRequested().at(0), 0u);
  EXPECT_EQ(player->Stats().startup_delay, Ms(150));
}

TEST_F(PlayerTest, StartWaitsForEnoughSegmentsWhenTheStreamIsYoung) {
  runtime.RunUntil(At(2.5));  // only segment 0 exists; 1 appears at 4.0
  auto player = PlayerAtOrigin();
  player->Join();
  runtime.RunFor(FromSeconds(5));
  // Playlist re-read at 4.5 lists 1, fetched by 4.6.
  EXPECT_EQ(player->Stats().startup_delay, Ms(2100));
  // No segment was asked for before the origin had it complete.
  for (const auto& r : fetcher.LogFrom("viewer-1")) {
    if (!r.key.playlist) {
      EXPECT_GE(r.at, FromSeconds(2.0 * (r.key.sequence + 1))) << r.key.ToString();
    }
  }
}

TEST_F(PlayerTest, RereadsThePlaylistEveryTargetDuration) {
  runtime.RunUntil(At(10.5));
  auto player = PlayerAtOrigin();
  player->Join();
  runtime.RunUntil(At(30.4));
  std::vector<SimTime> reads;
  for (const auto& r : fetcher.LogFrom("viewer-1")) {
    if (r.key.playlist) reads.push_back(r.at);
  }
  ASSERT_EQ(reads.size(), 10u);
  for (std::size_t i = 0; i < reads.size(); ++i) EXPECT_EQ(reads[i], At(10.5 + 2.0 * i));
}

// player -> edge -> mid -> origin; the mid finds the origin through its stream directory.
const CacheFreshness kNoStale = [] {
  CacheFreshness f;
  f.stale_if_error = Duration::zero();
  return f;
}();

class PlayerThroughCaches : public PlayerTest {
 protected:
  PlayerThroughCaches()
      // stale-if-error off: this fixture checks how failures pass through both tiers (stale
      // serving is checked in live_cache_node_test and ingest_continuity_test).
      : mid_cache(1'000'000'000, kNoStale, MakeLruEviction()),
        edge_cache(1'000'000'000, kNoStale, MakeLruEviction()),
        mid("mid-1", CacheTier::kMid, std::nullopt, &directory, mid_cache, fetcher, runtime, metrics),
        edge("edge-1", CacheTier::kEdge, kMid, nullptr, edge_cache, fetcher, runtime, metrics) {
    fetcher.AddCache(kMid, mid);
    fetcher.AddCache(kEdge, edge);
    StreamAnnouncement announcement;
    announcement.ingest = "origin";
    announcement.content_endpoint = kOrigin;
    announcement.serial = 1;
    announcement.ttl = FromSeconds(3600);
    announcement.streams.push_back({"news", StreamState::kLive, 0});
    directory.Apply(announcement, SimTime{0});
  }

  std::unique_ptr<LivePlayer> PlayerAtEdge(const std::string& viewer, PlayerConfig config = {}) {
    return std::make_unique<LivePlayer>(viewer, "edge-1", kEdge, "news", config, fetcher, runtime, runtime, metrics);
  }

  const Endpoint kMid = EndpointOf(2);
  const Endpoint kEdge = EndpointOf(3);
  StreamDirectory directory;
  LiveCache mid_cache;
  LiveCache edge_cache;
  LiveCacheNode mid;
  LiveCacheNode edge;
};

TEST_F(PlayerThroughCaches, NoStallsWhenTheNetworkKeepsUp) {
  runtime.RunUntil(At(10.5));
  auto player = PlayerAtEdge("viewer-1");
  player->Join();
  runtime.RunUntil(At(130.5));
  player->Leave();

  const PlayerStats& stats = player->Stats();
  // Cold caches: each of the three fetches crosses three hops both ways (150 ms).
  ASSERT_TRUE(stats.startup_delay.has_value());
  EXPECT_EQ(*stats.startup_delay, Ms(450));
  EXPECT_EQ(stats.stalls, 0u);
  EXPECT_EQ(stats.stall_time, Duration::zero());
  EXPECT_FALSE(stats.stalled_since.has_value());
  EXPECT_EQ(stats.fetch_failures, 0u);
  // Played without interruption from the first frame to Leave.
  EXPECT_EQ(stats.played, At(130.5) - At(10.5) - *stats.startup_delay);
  EXPECT_GE(stats.segments_fetched, 60u);
  EXPECT_TRUE(metrics.SamplesNamed(streaming_metrics::kStall).empty());
  // Segments are asked for one after another, each once, and only once complete.
  const auto requested = SegmentsRequested();
  for (std::size_t i = 1; i < requested.size(); ++i) EXPECT_EQ(requested[i], requested[i - 1] + 1);
  for (const auto& r : fetcher.LogFrom("viewer-1")) {
    if (!r.key.playlist) {
      EXPECT_GE(r.at, FromSeconds(2.0 * (r.key.sequence + 1))) << r.key.ToString();
    }
  }
}

TEST_F(PlayerThroughCaches, HundredViewersShareOneFetchPerSegment) {
  runtime.RunUntil(At(10.5));
  std::vector<std::unique_ptr<LivePlayer>> players;
  for (int i = 0; i < 100; ++i) {
    players.push_back(PlayerAtEdge("viewer-" + std::to_string(i)));
    players.back()->Join();
    runtime.RunFor(Ms(7));
  }
  runtime.RunUntil(At(70.5));
  for (const auto& p : players) {
    EXPECT_EQ(p->Stats().stalls, 0u) << p->Viewer();
    EXPECT_TRUE(p->Stats().startup_delay.has_value());
  }
  for (const LiveCacheNode* node : {&edge, &mid}) {
    for (const auto& [key, count] : node->UpstreamPerSegment()) EXPECT_EQ(count, 1u) << node->Node() << " " << key.ToString();
  }
}

TEST_F(PlayerTest, OriginOutageGivesOneStallOfTheExpectedLengthThenPlaybackResumes) {
  // One segment behind live, the player holds ~2.6 s of media: a 6 s outage must stall it.
  origin.AddOutage(At(19.8), At(25.8));
  runtime.RunUntil(At(10.5));  // newest 4: starts at 3, playing from 10.65; segment k from 4.65 + 2k
  PlayerConfig config;
  config.start_offset = 1;
  auto player = PlayerAtOrigin(config);
  player->Join();
  runtime.RunUntil(At(60.5));
  player->Leave();

  const PlayerStats& stats = player->Stats();
  EXPECT_EQ(stats.startup_delay, Ms(150));
  // Segment 8 (fetched at 18.6) is the last one before the outage; it ends at 22.65 and the
  // buffer runs dry. The playlist read at 20.5 fails, then every 550 ms (50 ms answer +
  // 500 ms retry delay): 20.5, 21.05, ..., 25.45 fail (10), 26.0 succeeds, answered at
  // 26.05; segment 9 arrives at 26.10. Stall: 26.10 - 22.65 = 3.45 s.
  EXPECT_EQ(stats.stalls, 1u);
  EXPECT_EQ(stats.stall_time, Ms(3450));
  EXPECT_EQ(stats.fetch_failures, 10u);
  const auto stalls = metrics.SamplesNamed(streaming_metrics::kStall);
  ASSERT_EQ(stalls.size(), 1u);
  EXPECT_DOUBLE_EQ(stalls[0].value, 3450);
  EXPECT_EQ(stalls[0].at, At(26.10));
  // Playback resumed and ran to Leave: all wall time since the first frame, minus the stall.
  EXPECT_EQ(stats.played, At(60.5) - At(10.65) - Ms(3450));
  const auto requested = SegmentsRequested();
  for (std::size_t i = 1; i < requested.size(); ++i) EXPECT_EQ(requested[i], requested[i - 1] + 1);
}

TEST_F(PlayerTest, DefaultStartOffsetRidesOutTheSameOutage) {
  // Three segments behind live, the player plays segment k from 8.65 + 2k: segment 9 is
  // needed at 26.65 and arrives at 26.10.
  origin.AddOutage(At(19.8), At(25.8));
  runtime.RunUntil(At(10.5));
  auto player = PlayerAtOrigin();
  player->Join();
  runtime.RunUntil(At(60.5));
  player->Leave();
  EXPECT_EQ(player->Stats().stalls, 0u);
  EXPECT_EQ(player->Stats().fetch_failures, 10u);
  EXPECT_EQ(player->Stats().played, At(60.5) - At(10.65));
}

TEST_F(PlayerThroughCaches, OriginOutageBehindTwoCacheTiersStallsOnceAndRecovers) {
  origin.AddOutage(At(19.8), At(25.8));
  runtime.RunUntil(At(10.5));
  PlayerConfig config;
  config.start_offset = 1;
  auto player = PlayerAtEdge("viewer-1", config);
  player->Join();
  runtime.RunUntil(At(60.5));
  player->Leave();
  const PlayerStats& stats = player->Stats();
  // A fetch through both tiers takes 150 ms: startup 450 ms, segment k plays from
  // 4.95 + 2k, so segment 8 (the last fetched before the outage) ends at 22.95. Failures are
  // not cached, so every playlist retry (each 650 ms: 150 ms answer + 500 ms) reaches the
  // origin 75 ms after it starts: 20.5 + 0.65 i, i = 0..8, fail; 26.35 succeeds (origin at
  // 26.425), answered at 26.5; segment 9 arrives at 26.65. Stall: 26.65 - 22.95 = 3.7 s.
  EXPECT_EQ(stats.startup_delay, Ms(450));
  EXPECT_EQ(stats.stalls, 1u);
  EXPECT_EQ(stats.stall_time, Ms(3700));
  EXPECT_EQ(stats.fetch_failures, 9u);
  EXPECT_EQ(stats.played, At(60.5) - At(10.5) - *stats.startup_delay - stats.stall_time);
  EXPECT_EQ(edge.Stats().upstream_failures, 9u);
  EXPECT_EQ(mid.Stats().upstream_failures, 9u);
}

TEST_F(PlayerTest, LeaveDuringAStallCountsItUpToLeave) {
  origin.AddOutage(At(19.8), At(100));
  runtime.RunUntil(At(10.5));
  PlayerConfig config;
  config.start_offset = 1;
  auto player = PlayerAtOrigin(config);
  player->Join();
  runtime.RunUntil(At(30));
  ASSERT_EQ(player->Stats().stalled_since, At(22.65));
  player->Leave();

  const PlayerStats& stats = player->Stats();
  EXPECT_EQ(stats.stalls, 1u);
  EXPECT_EQ(stats.stall_time, At(30) - At(22.65));
  EXPECT_FALSE(stats.stalled_since.has_value());
  EXPECT_EQ(stats.played, FromSeconds(12));  // segments 3..8
  const auto stalls = metrics.SamplesNamed(streaming_metrics::kStall);
  ASSERT_EQ(stalls.size(), 1u);
  EXPECT_DOUBLE_EQ(stalls[0].value, 7350);

  // Nothing more happens: no fetches, no counting, even after the origin is back.
  const std::size_t fetches = fetcher.Log().size();
  const PlayerStats before = stats;
  runtime.RunUntil(At(200));
  EXPECT_EQ(fetcher.Log().size(), fetches);
  EXPECT_EQ(player->Stats().stall_time, before.stall_time);
  EXPECT_EQ(player->Stats().fetch_failures, before.fetch_failures);
  EXPECT_EQ(metrics.SamplesNamed(streaming_metrics::kStall).size(), 1u);
  player->Leave();  // twice: no-op
  EXPECT_EQ(metrics.SamplesNamed(streaming_metrics::kStall).size(), 1u);
}

TEST_F(PlayerTest, LeaveWhilePlayingCountsWhatWasShown) {
  runtime.RunUntil(At(10.5));
  auto player = PlayerAtOrigin();
  player->Join();
  runtime.RunUntil(At(11.65));  // playing since 10.65
  player->Leave();
  EXPECT_EQ(player->Stats().played, FromSeconds(1));
  EXPECT_EQ(player->Stats().stalls, 0u);
  EXPECT_EQ(runtime.PendingEvents(), 0u);  // every timer cancelled, no fetch outstanding
}

TEST_F(PlayerTest, SkipsSegmentsThatLeftThePlaylistDuringALongOutage) {
  FakeLiveOrigin small("origin", 3);
  small.AddStream("news", FakeLiveOrigin::Stream{});
  small.AddOutage(At(19.8), At(40));
  fetcher.AddOrigin(kOrigin, small);
  runtime.RunUntil(At(10.5));
  PlayerConfig config;
  config.start_offset = 1;
  auto player = PlayerAtOrigin(config);
  player->Join();
  runtime.RunUntil(At(60));
  // Up to 8 before the outage; afterwards the playlist lists 17..19 and the player goes on
  // from 17 instead of asking for segments it no longer lists.
  const auto requested = SegmentsRequested();
  auto at17 = std::find(requested.begin(), requested.end(), 17u);
  ASSERT_NE(at17, requested.end());
  ASSERT_NE(at17, requested.begin());
  EXPECT_EQ(*(at17 - 1), 8u);
  EXPECT_EQ(player->Stats().stalls, 1u);
  EXPECT_FALSE(player->Stats().stalled_since.has_value());
}

TEST_F(PlayerTest, GivesUpWhenTheStreamNeverStarts) {
  runtime.RunUntil(At(10));
  PlayerConfig config;
  config.give_up_after = FromSeconds(30);
  auto player = PlayerAtOrigin(config, "missing");
  player->Join();
  runtime.RunUntil(At(40.01));
  const std::size_t fetches = fetcher.Log().size();
  EXPECT_GT(fetches, 40u);  // kept polling the playlist every 550 ms
  EXPECT_EQ(player->Stats().fetch_failures, fetches);
  runtime.RunUntil(At(100));
  EXPECT_EQ(fetcher.Log().size(), fetches);  // and then stopped
  EXPECT_FALSE(player->Stats().startup_delay.has_value());
  EXPECT_TRUE(metrics.SamplesNamed(streaming_metrics::kStartupDelay).empty());
  player->Leave();
  EXPECT_EQ(player->Stats().stalls, 0u);
  EXPECT_TRUE(metrics.SamplesNamed(streaming_metrics::kStall).empty());
}

TEST_F(PlayerTest, EndedStreamPlaysToItsLastSegmentWithoutAStall) {
  FakeLiveOrigin ending("origin");
  FakeLiveOrigin::Stream s;
  s.end = At(20);  // segments 0..9
  ending.AddStream("news", s);
  fetcher.AddOrigin(kOrigin, ending);
  runtime.RunUntil(At(10.5));
  auto player = PlayerAtOrigin();
  player->Join();
  runtime.RunUntil(At(100));
  const auto requested = SegmentsRequested();
  ASSERT_FALSE(requested.empty());
  EXPECT_EQ(requested.front(), 1u);
  EXPECT_EQ(requested.back(), 9u);
  EXPECT_EQ(player->Stats().played, FromSeconds(18));  // 1..9
  EXPECT_EQ(player->Stats().stalls, 0u);
  EXPECT_EQ(player->Stats().ended_at, At(10.65) + FromSeconds(18));  // the end, not a stall
  EXPECT_FALSE(player->Stats().stalled_since.has_value());
  EXPECT_EQ(runtime.PendingEvents(), 0u);  // no more playlist reads once it ended
}

TEST_F(PlayerTest, EndedStreamShorterThanTheStartupThresholdStillPlaysWhatIsLeft) {
  FakeLiveOrigin ending("origin");
  FakeLiveOrigin::Stream s;
  s.end = At(20);  // segments 0..9
  ending.AddStream("news", s);
  fetcher.AddOrigin(kOrigin, ending);
  runtime.RunUntil(At(19));  // newest: 8
  PlayerConfig config;
  config.startup_segments = 3;
  config.start_offset = 0;
  auto player = PlayerAtOrigin(config);
  player->Join();
  runtime.RunUntil(At(100));
  // 8 arrives at 19.10; the read at 21.0 says ENDLIST and lists 9, which arrives at 21.10:
  // only two segments will ever come, so it starts with them and plays both.
  const PlayerStats& stats = player->Stats();
  EXPECT_EQ(stats.startup_delay, Ms(2100));
  EXPECT_EQ(stats.played, FromSeconds(4));
  EXPECT_EQ(stats.ended_at, At(25.10));
  EXPECT_EQ(stats.stalls, 0u);
  EXPECT_EQ(runtime.PendingEvents(), 0u);
}

TEST_F(PlayerTest, JoiningAfterTheEndEndsAtOnceWithoutStartingOrStalling) {
  FakeLiveOrigin ending("origin");
  FakeLiveOrigin::Stream s;
  s.end = At(20);
  ending.AddStream("news", s);
  fetcher.AddOrigin(kOrigin, ending);
  runtime.RunUntil(At(30));
  auto player = PlayerAtOrigin();
  player->Join();
  runtime.RunUntil(At(100));
  const PlayerStats& stats = player->Stats();
  EXPECT_EQ(stats.ended_at, At(30.05));  // its first playlist already says ENDLIST
  EXPECT_FALSE(stats.startup_delay.has_value());
  EXPECT_EQ(stats.stalls, 0u);
  EXPECT_EQ(stats.played, Duration::zero());
  EXPECT_TRUE(SegmentsRequested().empty());
  EXPECT_TRUE(metrics.SamplesNamed(streaming_metrics::kStartupDelay).empty());
  EXPECT_EQ(runtime.PendingEvents(), 0u);  // the give-up timer went with it
  player->Leave();
  EXPECT_EQ(player->Stats().stalls, 0u);
}

TEST_F(PlayerTest, DestroyedWithAFetchInFlightIsSafe) {
  runtime.RunUntil(At(10.5));
  auto player = PlayerAtOrigin();
  player->Join();
  runtime.RunFor(Ms(10));
  player.reset();
  runtime.RunFor(FromSeconds(10));
  EXPECT_EQ(fetcher.Log().size(), 1u);
}

}  // namespace
}  // namespace cdnlab
