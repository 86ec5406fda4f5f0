// A publisher stops: the whole model chain on the manual runtime. The ingest ends the stream
// (EXT-X-ENDLIST) and announces it stopped; the mid-tier relays that to the edge; both
// directories keep locating the ended stream (as stopped, not as a failed ingest) for the
// announcer's linger; the caches keep serving the ended playlist and its last segments; the
// viewers play to the end without a stall, and a viewer that comes too late is told so (or,
// once nobody serves the stream any more, gives up) instead of stalling forever.
//
// news: segment n is ingested at 2(n + 1) s. Ingest at .1, mid at .2, edge at .3 (content on
// port 8080, announcements on 7200); every hop takes 10 ms for an announcement and 25 ms each
// way for content, so a viewer's fetch through edge and mid to the ingest takes 150 ms.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/streaming/ingest_server.h"
#include "models/streaming/live_cache_node.h"
#include "models/streaming/live_player.h"
#include "models/streaming/stream_announcer.h"
#include "models/streaming/stream_directory.h"
#include "models/streaming/metric_names.h"
#include "tests/support/live_streaming_fakes.h"
#include "tests/support/recording_metrics_sink.h"

namespace cdnlab {
namespace {

using testing::EndpointOf;
using testing::FakeContentFetcher;
using testing::ManualRuntime;
using testing::RecordingMetricsSink;

SimTime At(double seconds) { return FromSeconds(seconds); }
Duration Ms(double ms) { return FromMillis(ms); }

AnnouncerConfig Announcing() {
  AnnouncerConfig config;
  config.interval = FromSeconds(1);
  config.ttl = FromSeconds(3);
  config.stopped_linger = FromSeconds(12);  // window (6) x target duration (2 s)
  return config;
}

StreamDirectoryNode::Config DirectoryConfig(const std::string& node, Endpoint local, std::optional<Endpoint> parent) {
  StreamDirectoryNode::Config config;
  config.node = node;
  config.local = local;
  config.parent = parent;
  return config;
}

class StreamingEnd : public ::testing::Test {
 protected:
  StreamingEnd()
      : fetcher(runtime),
        announcer("ingest-1", EndpointOf(1, 7200), kIngest, {EndpointOf(2, 7200)}, Announcing(), runtime, runtime,
                  metrics),
        ingest("ingest-1", IngestConfig{}, announcer, runtime, metrics),
        mid_directory(DirectoryConfig("mid-1", EndpointOf(2, 7200), std::nullopt), runtime, runtime, runtime, metrics),
        edge_directory(DirectoryConfig("edge-1", EndpointOf(3, 7200), EndpointOf(2, 7200)), runtime, runtime, runtime,
                       metrics),
        mid_cache(1'000'000'000, CacheFreshness{}, MakeLruEviction()),
        edge_cache(1'000'000'000, CacheFreshness{}, MakeLruEviction()),
        mid("mid-1", CacheTier::kMid, std::nullopt, &mid_directory.Directory(), mid_cache, fetcher, runtime, metrics),
        edge("edge-1", CacheTier::kEdge, kMid, &edge_directory.Directory(), edge_cache, fetcher, runtime, metrics) {
    runtime.SetDefaultDelay(Ms(10));
    fetcher.AddIngest(kIngest, ingest);
    fetcher.AddCache(kMid, mid);
    fetcher.AddCache(kEdge, edge);
    mid_directory.Start();
    edge_directory.Start();
    announcer.Start();
  }

  // The publisher uploads segments 0, 1, ... at 2, 4, ... s while they are complete by
  // `last_at`, and ends the stream at `end_at` (ffmpeg's final playlist, or the ingest
  // noticing a silent publisher).
  void Publish(double last_at, double end_at) {
    for (std::uint64_t n = 0; 2.0 * static_cast<double>(n + 1) <= last_at; ++n) {
      runtime.ScheduleAfter(FromSeconds(2.0 * static_cast<double>(n + 1)) - runtime.Now(), [this, n] {
        ingest.AcceptSegment("news", SegmentInfo{n, FromSeconds(2), 750'000});
      });
    }
    runtime.ScheduleAfter(FromSeconds(end_at) - runtime.Now(), [this] { ingest.EndStream("news"); });
  }

  std::unique_ptr<LivePlayer> Viewer(const std::string& id) {
    return std::make_unique<LivePlayer>(id, "edge-1", kEdge, "news", PlayerConfig{}, fetcher, runtime, runtime,
                                        metrics);
  }

  std::shared_ptr<std::optional<ContentResponse>> Ask(LiveCacheNode& node, const ContentKey& key) {
    auto slot = std::make_shared<std::optional<ContentResponse>>();
    node.Serve(key, [slot](const ContentResponse& r) { *slot = r; });
    return slot;
  }

  std::size_t SegmentFetchesBy(const std::string& viewer) const {
    std::size_t n = 0;
    for (const auto& r : fetcher.LogFrom(viewer)) n += r.key.playlist ? 0 : 1;
    return n;
  }

  const Endpoint kIngest = EndpointOf(1);
  const Endpoint kMid = EndpointOf(2);
  const Endpoint kEdge = EndpointOf(3);
  ManualRuntime runtime;
  RecordingMetricsSink metrics;
  FakeContentFetcher fetcher;
  StreamAnnouncer announcer;
  IngestServer ingest;
  StreamDirectoryNode mid_directory;
  StreamDirectoryNode edge_directory;
  LiveCache mid_cache;
  LiveCache edge_cache;
  LiveCacheNode mid;
  LiveCacheNode edge;
};

TEST_F(StreamingEnd, TheStopReachesEveryDirectoryAsEndedNotAsAFailedIngest) {
  Publish(20, 20.5);
  runtime.RunUntil(At(20.4));
  for (const StreamDirectoryNode* node : {&mid_directory, &edge_directory}) {
    const auto live = node->Directory().Locate("news", runtime.Now());
    ASSERT_TRUE(live);
    EXPECT_EQ(live->state, StreamState::kLive);
  }
  // The stop goes out at once (20.5), through the mid to the edge (20.52).
  runtime.RunUntil(At(20.53));
  for (const StreamDirectoryNode* node : {&mid_directory, &edge_directory}) {
    const auto ended = node->Directory().Locate("news", runtime.Now());
    ASSERT_TRUE(ended) << "an ended stream is still located";
    EXPECT_EQ(ended->state, StreamState::kStopped);
    EXPECT_EQ(ended->ingest, "ingest-1");
    EXPECT_EQ(ended->content_endpoint, kIngest);
    EXPECT_EQ(ended->last_sequence, 9u);
    EXPECT_TRUE(node->Directory().LiveStreams(runtime.Now()).empty());
  }
  // Heartbeats carry "stopped" for the linger, well past one ttl: it is not an aging entry.
  runtime.RunUntil(At(20.5 + 11.9));
  const auto lingering = edge_directory.Directory().Locate("news", runtime.Now());
  ASSERT_TRUE(lingering);
  EXPECT_EQ(lingering->state, StreamState::kStopped);
  EXPECT_GT(runtime.Now(), lingering->learned_at);
  EXPECT_LE(runtime.Now() - lingering->learned_at, FromSeconds(1));
  // Then it leaves the ingest's set, and every directory forgets it while the ingest itself
  // is alive and announcing.
  runtime.RunUntil(At(20.5 + 12 + 1.1));
  EXPECT_EQ(mid_directory.Directory().Locate("news", runtime.Now()), std::nullopt);
  EXPECT_EQ(edge_directory.Directory().Locate("news", runtime.Now()), std::nullopt);
}

TEST_F(StreamingEnd, TheCachesServeTheEndedPlaylistAndItsLastSegmentsAfterTheStop) {
  Publish(20, 20.5);
  runtime.RunUntil(At(21));
  auto playlist = Ask(edge, ContentKey{"news", true, 0});
  auto last = Ask(edge, ContentKey{"news", false, 9});
  runtime.RunFor(Ms(200));
  ASSERT_TRUE(playlist->has_value());
  ASSERT_TRUE((*playlist)->found) << "the edge -> mid -> ingest chain still finds the ended stream";
  ASSERT_TRUE((*playlist)->playlist);
  EXPECT_TRUE((*playlist)->playlist->ended);
  EXPECT_EQ((*playlist)->playlist->LastSequence(), 9u);
  EXPECT_NE((*playlist)->playlist->ToM3u8().find("#EXT-X-ENDLIST\n"), std::string::npos);
  ASSERT_TRUE(last->has_value());
  EXPECT_TRUE((*last)->found);

  // Later in the linger the playlist copies have expired (1 s), and are fetched again: still ended.
  runtime.RunUntil(At(30));
  auto again = Ask(edge, ContentKey{"news", true, 0});
  runtime.RunFor(Ms(200));
  ASSERT_TRUE(again->has_value());
  ASSERT_TRUE((*again)->found);
  EXPECT_FALSE((*again)->from_cache);
  EXPECT_TRUE((*again)->playlist->ended);
  EXPECT_EQ(mid.Stats().not_found, 0u);
}

TEST_F(StreamingEnd, ViewersPlayToTheEndWithoutAStallAndStopFetching) {
  Publish(20, 20.5);
  runtime.RunUntil(At(10.5));  // newest segment: 4
  std::vector<std::unique_ptr<LivePlayer>> viewers;
  for (int i = 0; i < 20; ++i) {
    viewers.push_back(Viewer("viewer-" + std::to_string(i)));
    viewers.back()->Join();
    runtime.RunFor(Ms(10));
  }
  runtime.RunUntil(At(60));
  for (const auto& v : viewers) {
    const PlayerStats& stats = v->Stats();
    ASSERT_TRUE(stats.startup_delay.has_value()) << v->Viewer();
    ASSERT_TRUE(stats.ended_at.has_value()) << v->Viewer();
    EXPECT_EQ(stats.stalls, 0u) << v->Viewer();
    EXPECT_EQ(stats.stall_time, Duration::zero()) << v->Viewer();
    EXPECT_FALSE(stats.stalled_since.has_value()) << v->Viewer();
    // Three segments behind the newest (4): segments 1 to 9, each shown in full, then the end.
    EXPECT_EQ(stats.played, FromSeconds(18)) << v->Viewer();
    EXPECT_EQ(SegmentFetchesBy(v->Viewer()), 9u) << v->Viewer();
  }
  // The first viewer: 150 ms for the playlist and for each of two segments, then 18 s of media.
  EXPECT_EQ(viewers[0]->Stats().startup_delay, Ms(450));
  EXPECT_EQ(viewers[0]->Stats().ended_at, At(10.5) + Ms(450) + FromSeconds(18));
  EXPECT_TRUE(metrics.SamplesNamed(streaming_metrics::kStall).empty());
  // Ended players fetch nothing more, and Leave() afterwards counts nothing.
  const std::size_t fetches = fetcher.Log().size();
  runtime.RunUntil(At(120));
  EXPECT_EQ(fetcher.Log().size(), fetches);
  viewers[0]->Leave();
  EXPECT_EQ(viewers[0]->Stats().played, FromSeconds(18));
}

TEST_F(StreamingEnd, AViewerStalledOnASilentPublisherEndsWhenTheEndIsAnnounced) {
  // The publisher's last segment (9) arrives at 20 s, but the end only at 30 s (as when the
  // ingest notices a silent publisher): the viewer runs dry and stalls until it reads the
  // ended playlist, which lists nothing more. The stall is counted up to then, and ends.
  Publish(20, 30);
  runtime.RunUntil(At(10.5));
  auto viewer = Viewer("viewer-1");
  viewer->Join();
  runtime.RunUntil(At(60));
  const PlayerStats& stats = viewer->Stats();
  // Playing from 10.95, segment 9 ends at 28.95; the playlist read at 30.5 (every 2 s since
  // 10.5) is the first to say ENDLIST, answered at 30.65.
  ASSERT_TRUE(stats.ended_at.has_value());
  EXPECT_EQ(*stats.ended_at, At(30.65));
  EXPECT_EQ(stats.stalls, 1u);
  EXPECT_EQ(stats.stall_time, At(30.65) - At(28.95));
  EXPECT_FALSE(stats.stalled_since.has_value());
  EXPECT_EQ(stats.played, FromSeconds(18));
}

TEST_F(StreamingEnd, AViewerJoiningAfterTheEndIsToldSoAtOnce) {
  Publish(20, 20.5);
  runtime.RunUntil(At(25));
  auto late = Viewer("late");
  late->Join();
  runtime.RunUntil(At(100));
  const PlayerStats& stats = late->Stats();
  ASSERT_TRUE(stats.ended_at.has_value());
  EXPECT_EQ(*stats.ended_at, At(25.15));  // its first playlist says ENDLIST
  EXPECT_FALSE(stats.startup_delay.has_value());
  EXPECT_EQ(stats.stalls, 0u);
  EXPECT_EQ(stats.played, Duration::zero());
  EXPECT_EQ(fetcher.LogFrom("late").size(), 1u);  // that playlist, nothing else
}

TEST_F(StreamingEnd, AViewerJoiningOnceNobodyServesTheStreamGivesUpInsteadOfStalling) {
  Publish(20, 20.5);
  runtime.RunUntil(At(40));  // the linger (12 s) is over: no cache finds the stream any more
  auto late = Viewer("late");
  late->Join();
  runtime.RunUntil(At(69.9));
  EXPECT_GT(fetcher.LogFrom("late").size(), 40u);  // polling the playlist, not stalled
  EXPECT_FALSE(late->Stats().stalled_since.has_value());
  runtime.RunUntil(At(200));
  const std::size_t fetches = fetcher.LogFrom("late").size();
  runtime.RunUntil(At(300));
  EXPECT_EQ(fetcher.LogFrom("late").size(), fetches) << "gave up after give_up_after (30 s)";
  const PlayerStats& stats = late->Stats();
  EXPECT_FALSE(stats.startup_delay.has_value());
  EXPECT_FALSE(stats.ended_at.has_value());
  EXPECT_EQ(stats.stalls, 0u);
  EXPECT_EQ(stats.stall_time, Duration::zero());
}

}  // namespace
}  // namespace cdnlab
