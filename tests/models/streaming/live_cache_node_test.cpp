// LiveCacheNode in an edge -> mid -> origin chain on the manual runtime: a flash crowd
// collapses into one upstream request per cache node, playlists are re-fetched once their
// short freshness runs out (and never answered from an older round), unknown streams are not
// found, and an upstream failure is passed on without being cached.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "models/streaming/live_cache_node.h"
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
ContentKey Playlist(const StreamId& s = "news") { return ContentKey{s, true, 0}; }
ContentKey Seg(std::uint64_t seq, const StreamId& s = "news") { return ContentKey{s, false, seq}; }

// news: segment n complete at 2(n+1) s. Origin at .1, mid at .2, edges at .3 and .4; every
// hop 25 ms each way. The mid finds the origin through its directory (one announcement).
class CacheChain : public ::testing::Test {
 protected:
  CacheChain()
      : fetcher(runtime),
        mid_cache(100'000'000, CacheFreshness{}, MakeLruEviction()),
        edge_cache(100'000'000, CacheFreshness{}, MakeLruEviction()),
        edge2_cache(100'000'000, CacheFreshness{}, MakeLruEviction()),
        mid("mid-1", CacheTier::kMid, std::nullopt, &directory, mid_cache, fetcher, runtime, metrics),
        edge("edge-1", CacheTier::kEdge, kMid, nullptr, edge_cache, fetcher, runtime, metrics),
        edge2("edge-2", CacheTier::kEdge, kMid, nullptr, edge2_cache, fetcher, runtime, metrics) {
    origin.AddStream("news", FakeLiveOrigin::Stream{});
    fetcher.AddOrigin(kOrigin, origin);
    fetcher.AddCache(kMid, mid);
    fetcher.AddCache(kEdge, edge);
    fetcher.AddCache(kEdge2, edge2);
    StreamAnnouncement announcement;
    announcement.ingest = "origin";
    announcement.content_endpoint = kOrigin;
    announcement.serial = 1;
    announcement.ttl = FromSeconds(3600);
    announcement.streams.push_back({"news", StreamState::kLive, 0});
    directory.Apply(announcement, SimTime{0});
  }

  // Asks `node` for `key` at the current time; the answer lands in the returned slot.
  std::shared_ptr<std::optional<ContentResponse>> Ask(LiveCacheNode& node, const ContentKey& key) {
    auto slot = std::make_shared<std::optional<ContentResponse>>();
    node.Serve(key, [slot](const ContentResponse& r) {
      EXPECT_FALSE(slot->has_value()) << "done called twice";
      *slot = r;
    });
    return slot;
  }

  const Endpoint kOrigin = EndpointOf(1);
  const Endpoint kMid = EndpointOf(2);
  const Endpoint kEdge = EndpointOf(3);
  const Endpoint kEdge2 = EndpointOf(4);
  ManualRuntime runtime;
  RecordingMetricsSink metrics;
  FakeLiveOrigin origin;
  FakeContentFetcher fetcher;
  StreamDirectory directory;
  LiveCache mid_cache;
  LiveCache edge_cache;
  LiveCache edge2_cache;
  LiveCacheNode mid;
  LiveCacheNode edge;
  LiveCacheNode edge2;
};

TEST_F(CacheChain, FlashCrowdOfFiveHundredMakesOneUpstreamRequestPerNode) {
  runtime.RunUntil(At(10));
  std::vector<std::shared_ptr<std::optional<ContentResponse>>> answers;
  for (int i = 0; i < 500; ++i) answers.push_back(Ask(edge, Seg(3)));
  runtime.RunFor(FromSeconds(1));

  for (const auto& a : answers) {
    ASSERT_TRUE(a->has_value());
    EXPECT_TRUE((*a)->found);
    EXPECT_EQ((*a)->bytes, 500'000u);
    EXPECT_FALSE((*a)->from_cache);
    EXPECT_EQ((*a)->served_by, "origin");
  }
  EXPECT_EQ(edge.Stats().requests, 500u);
  EXPECT_EQ(edge.Stats().collapsed, 499u);
  EXPECT_EQ(edge.Stats().hits, 0u);
  EXPECT_EQ(edge.Stats().upstream_requests, 1u);
  EXPECT_EQ(edge.UpstreamPerSegment().at(Seg(3)), 1u);
  EXPECT_EQ(mid.Stats().requests, 1u);
  EXPECT_EQ(mid.Stats().upstream_requests, 1u);
  EXPECT_EQ(mid.UpstreamPerSegment().at(Seg(3)), 1u);
  EXPECT_EQ(origin.RequestsFor(Seg(3)), 1u);
  EXPECT_EQ(metrics.Counter(streaming_metrics::kUpstreamRequest), 2);
  EXPECT_EQ(metrics.Counter(streaming_metrics::kCacheRequest), 501);

  // Late viewers are hits, answered by the edge itself.
  auto late = Ask(edge, Seg(3));
  ASSERT_TRUE(late->has_value());  // synchronously
  EXPECT_TRUE((*late)->from_cache);
  EXPECT_EQ((*late)->served_by, "edge-1");
  EXPECT_EQ(edge.Stats().hits, 1u);
  EXPECT_EQ(edge.Stats().upstream_requests, 1u);
}

TEST_F(CacheChain, CrowdSpreadOverTimeAndTwoEdgesStillOneFetchPerNode) {
  runtime.RunUntil(At(10));
  std::vector<std::shared_ptr<std::optional<ContentResponse>>> answers;
  // 500 viewers over 500 ms on each of two edges; a fetch through the mid takes 100 ms.
  for (int i = 0; i < 500; ++i) {
    answers.push_back(Ask(edge, Seg(4)));
    answers.push_back(Ask(edge2, Seg(4)));
    runtime.RunFor(FromMillis(1));
  }
  runtime.RunFor(FromSeconds(1));
  for (const auto& a : answers) {
    ASSERT_TRUE(a->has_value());
    EXPECT_TRUE((*a)->found);
  }
  for (const LiveCacheNode* node : {&edge, &edge2}) {
    EXPECT_EQ(node->Stats().requests, 500u);
    EXPECT_EQ(node->Stats().upstream_requests, 1u) << node->Node();
    EXPECT_EQ(node->Stats().collapsed + node->Stats().hits, 499u);
    EXPECT_GT(node->Stats().hits, 0u);
    EXPECT_EQ(node->UpstreamPerSegment().at(Seg(4)), 1u);
  }
  // The second edge's request reached the mid while the first was in flight there.
  EXPECT_EQ(mid.Stats().requests, 2u);
  EXPECT_EQ(mid.Stats().collapsed, 1u);
  EXPECT_EQ(mid.Stats().upstream_requests, 1u);
  EXPECT_EQ(origin.RequestsFor(Seg(4)), 1u);
}

TEST_F(CacheChain, PlaylistIsRefetchedAfterItsTtl) {
  runtime.RunUntil(At(10.5));
  auto first = Ask(edge, Playlist());
  runtime.RunFor(FromMillis(200));  // answered at 10.6
  ASSERT_TRUE(first->has_value());
  ASSERT_TRUE((*first)->playlist.has_value());
  EXPECT_EQ((*first)->playlist->LastSequence(), 4u);

  runtime.RunUntil(At(11.5));  // within the edge's 1 s
  auto cached = Ask(edge, Playlist());
  ASSERT_TRUE(cached->has_value());
  EXPECT_TRUE((*cached)->from_cache);
  EXPECT_EQ((*cached)->playlist->LastSequence(), 4u);

  runtime.RunUntil(At(12.7));  // both copies expired; segment 5 exists since 12.0
  auto refreshed = Ask(edge, Playlist());
  EXPECT_FALSE(refreshed->has_value());
  runtime.RunFor(FromMillis(200));
  ASSERT_TRUE(refreshed->has_value());
  EXPECT_FALSE((*refreshed)->from_cache);
  EXPECT_EQ((*refreshed)->playlist->LastSequence(), 5u);
  EXPECT_EQ(edge.Stats().upstream_requests, 2u);
  EXPECT_EQ(mid.Stats().upstream_requests, 2u);
  EXPECT_EQ(origin.RequestsFor(Playlist()), 2u);
  EXPECT_TRUE(edge.UpstreamPerSegment().empty());  // playlists are not segments
}

TEST_F(CacheChain, APlaylistMissNeverGetsAnOlderRoundsAnswer) {
  // No playlist caching at all: only the collapser could hand out an old playlist.
  LiveCache uncached(1'000'000, CacheFreshness{Duration::zero(), FromSeconds(300)}, MakeLruEviction());
  LiveCacheNode direct("edge-direct", CacheTier::kEdge, std::nullopt, &directory, uncached, fetcher, runtime,
                       metrics);
  runtime.RunUntil(At(9.9));
  auto a = Ask(direct, Playlist());  // reaches the origin at 9.925 (newest: 3), answered at 9.95
  runtime.RunUntil(At(9.93));
  auto b = Ask(direct, Playlist());  // joins a's round
  EXPECT_FALSE(b->has_value());
  runtime.RunUntil(At(10.01));
  ASSERT_TRUE(a->has_value());
  ASSERT_TRUE(b->has_value());
  EXPECT_EQ((*a)->playlist->LastSequence(), 3u);
  EXPECT_EQ((*b)->playlist->LastSequence(), 3u);
  EXPECT_EQ(direct.Stats().collapsed, 1u);

  auto c = Ask(direct, Playlist());  // a new round: reaches the origin at 10.035, after 4 appeared
  EXPECT_FALSE(c->has_value());
  runtime.RunFor(FromMillis(100));
  ASSERT_TRUE(c->has_value());
  EXPECT_EQ((*c)->playlist->LastSequence(), 4u);
  EXPECT_EQ(direct.Stats().upstream_requests, 2u);
  EXPECT_EQ(direct.Stats().collapsed, 1u);
}

TEST_F(CacheChain, UnknownStreamIsNotFoundAndNotCached) {
  runtime.RunUntil(At(10));
  auto a = Ask(edge, Playlist("nope"));
  runtime.RunFor(FromMillis(200));
  ASSERT_TRUE(a->has_value());
  EXPECT_FALSE((*a)->found);
  EXPECT_EQ(mid.Stats().not_found, 1u);
  EXPECT_EQ(mid.Stats().upstream_requests, 0u);  // nobody to ask
  EXPECT_EQ(edge.Stats().upstream_requests, 1u);
  EXPECT_EQ(edge.Stats().upstream_failures, 1u);
  EXPECT_EQ(origin.Requests(), 0u);

  auto again = Ask(edge, Playlist("nope"));
  runtime.RunFor(FromMillis(200));
  ASSERT_TRUE(again->has_value());
  EXPECT_FALSE((*again)->found);
  EXPECT_EQ(edge.Stats().upstream_requests, 2u);
  EXPECT_EQ(mid.Stats().not_found, 2u);
  EXPECT_EQ(edge_cache.Entries(), 0u);
  EXPECT_EQ(mid_cache.Entries(), 0u);
}

TEST_F(CacheChain, NodeWithoutParentOrDirectoryFindsNothing) {
  LiveCache cache(1000, CacheFreshness{}, MakeLruEviction());
  LiveCacheNode lonely("lonely", CacheTier::kMid, std::nullopt, nullptr, cache, fetcher, runtime, metrics);
  auto a = Ask(lonely, Seg(1));
  ASSERT_TRUE(a->has_value());  // answered at once
  EXPECT_FALSE((*a)->found);
  EXPECT_EQ(lonely.Stats().not_found, 1u);
  EXPECT_EQ(lonely.Stats().upstream_requests, 0u);
}

TEST_F(CacheChain, SegmentNotAtTheOriginYetIsAFailureNotCached) {
  runtime.RunUntil(At(10.5));
  auto early = Ask(edge, Seg(5));  // completes at 12.0
  runtime.RunFor(FromMillis(200));
  ASSERT_TRUE(early->has_value());
  EXPECT_FALSE((*early)->found);
  EXPECT_EQ(edge.Stats().upstream_failures, 1u);
  EXPECT_EQ(mid.Stats().upstream_failures, 1u);

  runtime.RunUntil(At(12.5));
  auto later = Ask(edge, Seg(5));
  runtime.RunFor(FromMillis(200));
  ASSERT_TRUE(later->has_value());
  EXPECT_TRUE((*later)->found);
  EXPECT_EQ(edge.UpstreamPerSegment().at(Seg(5)), 2u);
}

TEST_F(CacheChain, UpstreamFailureIsPassedOnToEveryWaiterAndNotCached) {
  origin.AddOutage(At(10), At(11));
  runtime.RunUntil(At(10.2));
  std::vector<std::shared_ptr<std::optional<ContentResponse>>> failed;
  for (int i = 0; i < 50; ++i) failed.push_back(Ask(edge, Seg(2)));
  runtime.RunFor(FromMillis(200));
  for (const auto& a : failed) {
    ASSERT_TRUE(a->has_value());
    EXPECT_FALSE((*a)->found);
  }
  EXPECT_EQ(edge.Stats().upstream_requests, 1u);
  EXPECT_EQ(edge.Stats().upstream_failures, 1u);
  EXPECT_EQ(edge.Stats().collapsed, 49u);
  EXPECT_EQ(mid.Stats().upstream_failures, 1u);
  EXPECT_EQ(edge_cache.Entries(), 0u);
  EXPECT_EQ(mid_cache.Entries(), 0u);

  runtime.RunUntil(At(11.5));  // the origin is back
  auto ok = Ask(edge, Seg(2));
  runtime.RunFor(FromMillis(200));
  ASSERT_TRUE(ok->has_value());
  EXPECT_TRUE((*ok)->found);
  EXPECT_EQ(edge.Stats().upstream_requests, 2u);
  EXPECT_EQ(mid.Stats().upstream_requests, 2u);
  EXPECT_EQ(edge.UpstreamPerSegment().at(Seg(2)), 2u);
  EXPECT_EQ(origin.RequestsFor(Seg(2)), 2u);
}

TEST_F(CacheChain, MidFetchesFromTheIngestTheDirectoryNamesNow) {
  // The stream moves to a second ingest (its publisher reconnected there): the newest claim
  // wins and the mid's next miss goes there.
  FakeLiveOrigin other("origin-b");
  other.AddStream("news", FakeLiveOrigin::Stream{});
  const Endpoint kOther = EndpointOf(9);
  fetcher.AddOrigin(kOther, other);
  runtime.RunUntil(At(10));
  auto before = Ask(mid, Seg(1));
  runtime.RunFor(FromMillis(100));
  ASSERT_TRUE(before->has_value());
  EXPECT_EQ((*before)->served_by, "origin");

  StreamAnnouncement moved;
  moved.ingest = "origin-b";
  moved.content_endpoint = kOther;
  moved.serial = 1;
  moved.ttl = FromSeconds(3600);
  moved.streams.push_back({"news", StreamState::kLive, 4});
  directory.Apply(moved, runtime.Now());
  auto after = Ask(mid, Seg(2));
  runtime.RunFor(FromMillis(100));
  ASSERT_TRUE(after->has_value());
  EXPECT_TRUE((*after)->found);
  EXPECT_EQ((*after)->served_by, "origin-b");
}

TEST_F(CacheChain, PlaylistIsServedStaleWhileTheUpstreamFailsWithinTheBound) {
  // Issue 17: during a failover the upstream fails; the last playlist answers (no 404) for
  // stale_if_error (10 s by default) past its freshness, then the failure shows.
  runtime.RunUntil(At(10));
  auto first = Ask(edge, Playlist());
  runtime.RunFor(FromMillis(200));
  ASSERT_TRUE(first->has_value());
  ASSERT_TRUE((*first)->found);
  const auto last = (*first)->playlist->LastSequence();

  origin.AddOutage(At(10.5), At(40));
  runtime.RunUntil(At(12));  // both copies expired (1 s)
  auto stale = Ask(edge, Playlist());
  runtime.RunFor(FromMillis(200));
  ASSERT_TRUE(stale->has_value());
  EXPECT_TRUE((*stale)->found);
  EXPECT_EQ((*stale)->playlist->LastSequence(), last);
  EXPECT_EQ(mid.Stats().stale_served, 1u);  // the mid answered the edge with its stale copy
  EXPECT_EQ(edge.Stats().stale_served, 0u);  // ...which the edge stored as a new copy
  EXPECT_EQ(metrics.Counter(streaming_metrics::kStaleServed), 1.0);

  runtime.RunUntil(At(21.5));  // > 10 s past the mid's expiry, the edge's copy still within
  auto edge_only = Ask(edge, Playlist());
  runtime.RunFor(FromMillis(200));
  ASSERT_TRUE(edge_only->has_value());
  EXPECT_TRUE((*edge_only)->found);
  EXPECT_TRUE((*edge_only)->stale);
  EXPECT_EQ(edge.Stats().stale_served, 1u);

  runtime.RunUntil(At(35));  // past every bound: the failure shows
  auto gone = Ask(edge, Playlist());
  runtime.RunFor(FromMillis(200));
  ASSERT_TRUE(gone->has_value());
  EXPECT_FALSE((*gone)->found);
}

TEST_F(CacheChain, APlaylistFromAnUpstreamBehindNeverReplacesANewerOne) {
  // The mid's directory names an ingest whose playlist is older (it took the stream over
  // and lags): the copy held keeps answering, so the media sequence never goes back.
  FakeLiveOrigin behind("origin-late");
  FakeLiveOrigin::Stream late;
  late.start = At(6);  // its newest segment is 3 behind
  behind.AddStream("news", late);
  const Endpoint kBehind = EndpointOf(9);
  fetcher.AddOrigin(kBehind, behind);
  runtime.RunUntil(At(20));
  auto before = Ask(mid, Playlist());
  runtime.RunFor(FromMillis(100));
  ASSERT_TRUE((*before)->found);

  StreamAnnouncement moved;
  moved.ingest = "origin-late";
  moved.content_endpoint = kBehind;
  moved.serial = 1;
  moved.ttl = FromSeconds(3600);
  moved.streams.push_back({"news", StreamState::kLive, 4});
  directory.Apply(moved, runtime.Now());
  runtime.RunUntil(At(21.5));
  auto after = Ask(mid, Playlist());
  runtime.RunFor(FromMillis(100));
  ASSERT_TRUE((*after)->found);
  EXPECT_EQ((*after)->playlist->LastSequence(), (*before)->playlist->LastSequence());
  EXPECT_EQ(mid.Stats().playlist_regressions, 1u);
}

}  // namespace
}  // namespace cdnlab
