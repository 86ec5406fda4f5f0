// Live streaming on ns-3, on small inline scenarios (each runs in seconds): scale-out without
// configuration changes, failover through the virtual address within a derived bound,
// request collapsing under a flash crowd, a publisher that stops, and reproducibility.
#include "sim/streaming/experiment.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "analysis/metrics_recorder.h"
#include "analysis/streaming_summary.h"
#include "analysis/streaming_table.h"
#include "models/streaming/ingest_balancer.h"
#include "models/streaming/live_player.h"
#include "models/streaming/live_publisher.h"
#include "models/streaming/metric_names.h"
#include "scenarios/loader/scenario_loader.h"

namespace cdnlab {
namespace {

// Two ingests from the start, a third joining at 10 s; s3 starts after the join. edge-3 has
// no mid-tier: it pulls from the ingests and hears their announcements directly.
const char* kScaleOut = R"(name: scale-out
seed: 3
duration_s: 24
routers:
  - {id: r1, lat: 50, lon: 8}
  - {id: r2, lat: 51, lon: 0}
links:
  - {a: r1, b: r2, delay_ms: 5, bandwidth_mbps: 10000}
streaming:
  balancing: least_load
  load_balancer_at: r1
  ingests:
    - {id: in-a, at: r1}
    - {id: in-b, at: r2}
    - {id: in-new, at: r1, join_at_s: 10}
  mids:
    - {id: mid-1, at: r1}
  edges:
    - {id: edge-1, at: r2, parent: mid-1}
    - {id: edge-2, at: r1, parent: mid-1}
    - {id: edge-3, at: r2}
  publishers:
    - {stream: s1, at: r2, start_s: 1}
    - {stream: s2, at: r2, start_s: 1.5}
    - {stream: s3, at: r1, start_s: 12}
  viewers:
    - {id: v1, edge: edge-1, stream: s1, at: r2, count: 20, join_s: 4, spread_s: 2}
    - {id: v2, edge: edge-2, stream: s2, at: r1, count: 10, join_s: 4, spread_s: 2}
    - {id: v3, edge: edge-3, stream: s3, at: r2, count: 20, join_s: 16, spread_s: 2}
)";

// Three ingests on a European triangle; whichever holds "news" dies at 30 s.
const char* kFailover = R"(name: failover
seed: 5
duration_s: 45
routers:
  - {id: r-fra, lat: 50.11, lon: 8.68}
  - {id: r-lon, lat: 51.51, lon: -0.13}
  - {id: r-par, lat: 48.86, lon: 2.35}
links:
  - {a: r-fra, b: r-lon, delay_ms: 7, bandwidth_mbps: 10000}
  - {a: r-lon, b: r-par, delay_ms: 4, bandwidth_mbps: 10000}
  - {a: r-par, b: r-fra, delay_ms: 5, bandwidth_mbps: 10000}
streaming:
  load_balancer_at: r-fra
  ingests:
    - {id: in-fra, at: r-fra}
    - {id: in-lon, at: r-lon}
    - {id: in-par, at: r-par}
  mids:
    - {id: mid-fra, at: r-fra}
  edges:
    - {id: edge-lon, at: r-lon, parent: mid-fra}
    - {id: edge-par, at: r-par, parent: mid-fra}
  publishers:
    - {stream: news, at: r-lon, start_s: 1}
    - {stream: sports, at: r-par, start_s: 1}
  viewers:
    - {id: v-news-lon, edge: edge-lon, stream: news, at: r-lon, count: 80, join_s: 5, spread_s: 5}
    - {id: v-news-par, edge: edge-par, stream: news, at: r-par, count: 40, join_s: 5, spread_s: 5}
    - {id: v-sports, edge: edge-par, stream: sports, at: r-par, count: 40, join_s: 5, spread_s: 5}
  events:
    - {at_s: 30, type: ingest_fail, stream: news}
)";

// 50 viewers watch at edge-1, then 400 more arrive within one second.
const char* kFlashCrowd = R"(name: flash
seed: 9
duration_s: 30
routers:
  - {id: r1, lat: 50, lon: 8}
  - {id: r2, lat: 51, lon: 0}
links:
  - {a: r1, b: r2, delay_ms: 6, bandwidth_mbps: 10000}
streaming:
  load_balancer_at: r1
  ingests:
    - {id: in-a, at: r1}
  mids:
    - {id: mid-1, at: r1}
  edges:
    - {id: edge-1, at: r2, parent: mid-1}
    - {id: edge-2, at: r2, parent: mid-1}
  publishers:
    - {stream: live, at: r1, start_s: 1}
  viewers:
    - {id: v-base, edge: edge-1, stream: live, at: r2, count: 50, join_s: 4, spread_s: 4}
    - {id: v-flash, edge: edge-1, stream: live, at: r2, count: 400, join_s: 16, spread_s: 1}
    - {id: v-other, edge: edge-2, stream: live, at: r2, count: 50, join_s: 4, spread_s: 4}
)";

// "short" stops at 25.003 s, while the upload of its segment made at 25 s is still on its way
// (the end must not overtake it, or that segment would start the stream again): its viewers,
// behind a mid-tier and at an edge without one, must see the end; "long" goes on.
const char* kStop = R"(name: stop
seed: 11
duration_s: 50
routers:
  - {id: r1, lat: 50, lon: 8}
  - {id: r2, lat: 51, lon: 0}
links:
  - {a: r1, b: r2, delay_ms: 6, bandwidth_mbps: 10000}
streaming:
  balancing: least_load
  load_balancer_at: r1
  ingests:
    - {id: in-a, at: r1}
    - {id: in-b, at: r2}
  mids:
    - {id: mid-1, at: r1}
  edges:
    - {id: edge-1, at: r2, parent: mid-1}
    - {id: edge-2, at: r1}
  publishers:
    - {stream: short, at: r2, start_s: 1, stop_s: 25.003}
    - {stream: long, at: r2, start_s: 1}
  viewers:
    - {id: v-short, edge: edge-1, stream: short, at: r2, count: 40, join_s: 5, spread_s: 4}
    - {id: v-short-direct, edge: edge-2, stream: short, at: r1, count: 20, join_s: 5, spread_s: 4}
    - {id: v-long, edge: edge-1, stream: long, at: r2, count: 20, join_s: 5, spread_s: 4}
)";

StreamingRunResult RunText(const std::string& text, const std::string& name) {
  MetricsRecorder metrics;
  return RunStreamingExperiment(LoadScenarioText(text, name), metrics);
}

const StreamingIngestResult& Ingest(const StreamingRunResult& run, const std::string& id) {
  for (const auto& i : run.ingests) {
    if (i.id == id) return i;
  }
  throw std::logic_error("no ingest " + id);
}

const StreamingPublisherResult& Publisher(const StreamingRunResult& run, const std::string& stream) {
  for (const auto& p : run.publishers) {
    if (p.stream == stream) return p;
  }
  throw std::logic_error("no publisher " + stream);
}

void ExpectEveryViewerStarted(const StreamingRunResult& run) {
  for (const auto& v : run.viewers) {
    EXPECT_TRUE(v.startup_ms.has_value()) << v.viewer;
    EXPECT_FALSE(v.failed_start) << v.viewer;
  }
}

std::vector<std::string> V(std::initializer_list<const char*> items) { return {items.begin(), items.end()}; }

// --- scale-out ---

TEST(StreamingExperiment, ScaleOutChangesNoServerConfigurationAndTheNewIngestTakesNewStreams) {
  const StreamingRunResult run = RunText(kScaleOut, "scale-out");
  ASSERT_EQ(run.scale_outs.size(), 1u);
  const auto& so = run.scale_outs[0];
  EXPECT_EQ(so.ingest, "in-new");
  EXPECT_DOUBLE_EQ(so.at_s, 10);
  // Every server that existed: 2 ingests, 1 mid, 3 edges; none was touched.
  EXPECT_EQ(so.servers_compared, 6u);
  EXPECT_EQ(so.config_changes, 0u) << ::testing::PrintToString(so.changed_servers);
  EXPECT_EQ(run.healthy_sessions_moved, 0u);
  // Least load: one session each before; the join moves nothing; the new stream goes to the
  // empty new ingest.
  const std::map<std::string, std::size_t> before{{"in-a", 1}, {"in-b", 1}};
  EXPECT_EQ(so.sessions_before, before);
  const std::map<std::string, std::size_t> just_after{{"in-a", 1}, {"in-b", 1}, {"in-new", 0}};
  EXPECT_EQ(so.sessions_just_after, just_after);
  const std::map<std::string, std::size_t> later{{"in-a", 1}, {"in-b", 1}, {"in-new", 1}};
  EXPECT_EQ(so.sessions_later, later);
  EXPECT_EQ(so.streams_taken, V({"s3"}));
  EXPECT_EQ(Ingest(run, "in-new").streams_held, V({"s3"}));
  EXPECT_EQ(Ingest(run, "in-a").streams_held.size() + Ingest(run, "in-b").streams_held.size(), 2u);
  EXPECT_EQ(Publisher(run, "s3").last_ingest, "in-new");
  // The new ingest's stream reached every edge (edge-3 through its own announcements) and
  // its viewers, at the edge without a mid-tier, all play.
  for (const auto& a : run.availability) {
    for (const auto& [edge, ms] : a.edges_ms) EXPECT_TRUE(ms.has_value()) << a.stream << " at " << edge;
  }
  ExpectEveryViewerStarted(run);
  EXPECT_EQ(run.uploads_failed, 0u);
}

TEST(StreamingExperiment, ConsistentHashingScaleOutMovesNothingAndTheRingDecidesNewStreams) {
  // The name of the post-join stream: the first candidate the ring of all three members gives
  // to the new ingest (worked out with the model itself, so the expectation is exact).
  IngestBalancer ring(IngestBalancing::kConsistentHash);
  for (const char* member : {"in-a", "in-b", "in-new"}) ring.AddMember(member);
  std::string mine, theirs;
  for (int i = 0; i < 100 && (mine.empty() || theirs.empty()); ++i) {
    const std::string candidate = "late-" + std::to_string(i);
    std::string& slot = ring.Route(candidate) == std::optional<std::string>("in-new") ? mine : theirs;
    if (slot.empty()) slot = candidate;
  }
  ASSERT_FALSE(mine.empty());
  ASSERT_FALSE(theirs.empty());
  std::string text = kScaleOut;
  text.replace(text.find("balancing: least_load"), 21, "balancing: consistent_hash");
  text.replace(text.find("{stream: s3,"), 12, "{stream: " + mine + ",");
  text.replace(text.find("stream: s3, at: r2"), 10, "stream: " + mine);
  // One more post-join stream the ring gives to an old member.
  text.replace(text.find("  viewers:"), 0, "    - {stream: " + theirs + ", at: r2, start_s: 13}\n");
  const StreamingRunResult run = RunText(text, "scale-out-ch");
  ASSERT_EQ(run.scale_outs.size(), 1u);
  EXPECT_EQ(run.scale_outs[0].config_changes, 0u);
  EXPECT_EQ(run.healthy_sessions_moved, 0u);
  EXPECT_EQ(run.scale_outs[0].streams_taken, V({mine.c_str()}));
  EXPECT_EQ(Publisher(run, mine).last_ingest, "in-new");
  EXPECT_NE(Publisher(run, theirs).last_ingest, "in-new");
  // s1 and s2 stay where they started.
  for (const char* stream : {"s1", "s2"}) {
    const auto& p = Publisher(run, stream);
    EXPECT_NE(p.last_ingest, "in-new") << stream;
    EXPECT_EQ(p.reconnects, 0u) << stream;
  }
}

// --- failover ---

TEST(StreamingExperiment, AfterAnIngestFailureItsStreamsComeBackAndViewersResumeWithinTheBound) {
  const Scenario scenario = LoadScenarioText(kFailover, "failover");
  MetricsRecorder metrics;
  const StreamingRunResult run = RunStreamingExperiment(scenario, metrics);
  ExpectEveryViewerStarted(run);
  ASSERT_EQ(run.failures.size(), 1u);
  const StreamingFailureResult& f = run.failures[0];
  ASSERT_FALSE(f.ingest.empty());
  EXPECT_TRUE(std::count(f.streams.begin(), f.streams.end(), "news"));

  // The bound, term by term from the scenario (analysis/streaming_results.h):
  //  detection = unhealthy_after x interval + probe timeout          = 3 x 0.2 + 0.15 = 0.75 s (stream-balancer's defaults)
  //  reconnect = an upload forwarded to the dead ingest just before detection fails after the
  //              forward timeout (one segment, 2 s), the publisher waits its reconnect delay
  //              (0.5 s) and uploads through the virtual address to the new ingest
  //  switch    = the new ingest's announcement reaches the edges (~10 ms), a mid-tier request sent
  //              to the dead ingest just before fails after its timeout (2 s), the player retries
  //              0.5 s later
  //  refresh   = the player's playlist period (2 s) + two tiers of cached playlist (2 x 1 s)
  //  segment   = a full player buffer frees a slot within one segment (2 s), then one segment
  //              travels from the new ingest through mid and edge to the viewer
  const auto& b = f.bound;
  EXPECT_NEAR(b.detection_s, 0.75, 1e-9);
  EXPECT_DOUBLE_EQ(b.playlist_refresh_s, 4.0);
  EXPECT_GT(b.reconnect_s, 2.5);
  EXPECT_LT(b.reconnect_s, 3.0) << "transfers on a 5-ms triangle take well under half a second";
  EXPECT_GT(b.switch_s, 2.5);
  EXPECT_LT(b.switch_s, 2.55);
  EXPECT_GT(b.segment_s, 2.0);
  EXPECT_LT(b.segment_s, 2.5);
  EXPECT_NEAR(b.total_s, b.detection_s + b.reconnect_s + b.switch_s + b.playlist_refresh_s + b.segment_s, 1e-9);
  EXPECT_LT(b.total_s, 14.0);

  // Detection: at least unhealthy_after - 1 intervals after the failure, at most the bound.
  ASSERT_TRUE(f.detection_s.has_value());
  EXPECT_GE(*f.detection_s, 0.4);
  EXPECT_LE(*f.detection_s, b.detection_s);
  // The publisher reconnected through the virtual address to another ingest.
  ASSERT_TRUE(f.publisher_reconnect_s.at("news").has_value());
  EXPECT_LE(*f.publisher_reconnect_s.at("news"), b.detection_s + b.reconnect_s);
  const std::string& now_at = f.new_ingest.at("news");
  EXPECT_FALSE(now_at.empty());
  EXPECT_NE(now_at, f.ingest);
  EXPECT_EQ(Publisher(run, "news").last_ingest, now_at);
  // The balancer parked the upload that failed against the dead ingest and re-routed it once the
  // ingest was judged (as stream-balancer does): the publisher never saw a failure.
  EXPECT_EQ(Publisher(run, "news").reconnects, 0u);
  EXPECT_EQ(Publisher(run, "news").segments_dropped, 0u);
  EXPECT_TRUE(std::count(Ingest(run, now_at).streams_held.begin(), Ingest(run, now_at).streams_held.end(), "news"));
  // Every viewer of a stream the dead ingest held was playing (news: 120; sports, 40 more,
  // when the ring had put it on the same ingest), and every one played again within the bound.
  const std::set<std::string> hit(f.streams.begin(), f.streams.end());
  EXPECT_EQ(f.affected_viewers, hit.count("sports") ? 160u : 120u);
  EXPECT_EQ(f.viewers_resumed, f.affected_viewers);
  ASSERT_TRUE(f.recovery_s.has_value());
  EXPECT_LE(*f.recovery_s, b.total_s);
  EXPECT_GE(*f.recovery_s, *f.publisher_reconnect_s.at("news")) << "new content cannot arrive before it is ingested";
  for (const auto& v : run.viewers) {
    EXPECT_EQ(v.affected, hit.count(v.stream) > 0) << v.viewer;
    if (!v.affected) continue;
    ASSERT_TRUE(v.resumed_after_s.has_value()) << v.viewer;
    EXPECT_LE(*v.resumed_after_s, b.total_s) << v.viewer;
  }
  // The health checker took the dead ingest out of the pool for good; nothing else moved.
  EXPECT_EQ(run.healthy_sessions_moved, 0u);
  const StreamingAggregate a = SummarizeStreaming(run);
  EXPECT_TRUE(a.recovery_within_bound);
  EXPECT_EQ(metrics.Counter(streaming_metrics::kPublisherReconnects), Publisher(run, "news").reconnects +
                                                                          Publisher(run, "sports").reconnects);
}

// --- request collapsing ---

TEST(StreamingExperiment, UnderAFlashCrowdEachCacheNodeFetchesEachSegmentUpstreamOnce) {
  const StreamingRunResult run = RunText(kFlashCrowd, "flash");
  ExpectEveryViewerStarted(run);
  ASSERT_EQ(run.caches.size(), 3u);
  for (const auto& c : run.caches) {
    EXPECT_GT(c.segments_fetched, 10u) << c.node;
    EXPECT_EQ(c.upstream_per_segment_max, 1u) << c.node;
    EXPECT_DOUBLE_EQ(c.upstream_per_segment_mean, 1.0) << c.node;
    EXPECT_EQ(c.segment_upstream_requests, c.segments_fetched) << c.node;
  }
  const auto& edge = *std::find_if(run.caches.begin(), run.caches.end(),
                                   [](const StreamingCacheResult& c) { return c.node == "edge-1"; });
  // The crowd really did arrive at once: misses for one key waited for one fetch in flight.
  EXPECT_GT(edge.collapsed, 20u);
  EXPECT_GT(edge.segment_requests, 400u * 5);
  // The ingest served each segment once: to the mid, for both edges.
  const auto& mid = run.caches[0];
  EXPECT_EQ(mid.node, "mid-1");
  EXPECT_EQ(Ingest(run, "in-a").segment_requests_served, mid.segments_fetched);
  const StreamingAggregate a = SummarizeStreaming(run);
  EXPECT_EQ(a.upstream_per_tier.at("edge").max, 1u);
  EXPECT_EQ(a.upstream_per_tier.at("mid").max, 1u);
  EXPECT_GT(a.segment_offload_pct.at("ingest"), 99.0);
}

// --- a publisher that stops ---

TEST(StreamingExperiment, WhenAPublisherStopsItsViewersSeeTheEndInsteadOfStalling) {
  const StreamingRunResult run = RunText(kStop, "stop");
  ExpectEveryViewerStarted(run);
  std::size_t short_viewers = 0;
  for (const auto& v : run.viewers) {
    if (v.stream != "short") {
      EXPECT_FALSE(v.ended_s.has_value()) << v.viewer << ": its stream goes on";
      continue;
    }
    ++short_viewers;
    ASSERT_TRUE(v.ended_s.has_value()) << v.viewer << " never saw the end";
    // It plays what was behind the live edge, then ends: after the stop, within a few segments.
    EXPECT_GT(*v.ended_s, 25.003) << v.viewer;
    EXPECT_LT(*v.ended_s, 25.003 + 10) << v.viewer;
    EXPECT_EQ(v.stalls, 0u) << v.viewer;
    EXPECT_DOUBLE_EQ(v.stall_ms, 0) << v.viewer;
    // Every segment from where it joined (three behind the newest; segment k is made at
    // 1 + 2(k + 1) s) up to the last one (11, made at 25 s) was played, give or take one.
    const int newest = static_cast<int>(std::floor((v.join_s - 1) / 2)) - 1;
    EXPECT_NEAR(v.played_s, 2.0 * (12 - std::max(0, newest - 3)), 2.0 + 1e-9) << v.viewer;
  }
  EXPECT_EQ(short_viewers, 60u);
  const StreamingAggregate a = SummarizeStreaming(run);
  EXPECT_EQ(a.ended, 60u);
  EXPECT_EQ(a.ended_before_start, 0u);
  EXPECT_EQ(a.failed_starts, 0u);
  EXPECT_LT(a.stall_ratio, 1e-3);
  const auto j = StreamingSummaryJson(run);
  EXPECT_EQ(j["viewers_ended"], 60);
  EXPECT_NE(FormatStreamingTable(run).find("60 saw their stream end"), std::string::npos);
  // The last segment, on its way at the stop, still counted as published and landed.
  EXPECT_EQ(Publisher(run, "short").segments_published, 12u);
  EXPECT_EQ(run.uploads_failed, 0u);
}

// --- reproducibility ---

TEST(StreamingExperiment, SameSeedSameSummaryAndAnotherSeedAnotherRun) {
  const std::string first = StreamingSummaryJson(RunText(kScaleOut, "a")).dump(2);
  const std::string second = StreamingSummaryJson(RunText(kScaleOut, "b")).dump(2);
  EXPECT_EQ(first, second);
  std::string reseeded = kScaleOut;
  reseeded.replace(reseeded.find("seed: 3"), 7, "seed: 4");
  const StreamingRunResult other = RunText(reseeded, "c");
  const StreamingRunResult base = RunText(kScaleOut, "d");
  ASSERT_EQ(other.viewers.size(), base.viewers.size());
  std::size_t different = 0;
  for (std::size_t i = 0; i < base.viewers.size(); ++i) different += other.viewers[i].join_s != base.viewers[i].join_s;
  EXPECT_GT(different, base.viewers.size() / 2) << "viewer arrivals are drawn from the seed";
}

TEST(StreamingExperiment, RejectsAScenarioWithoutStreaming) {
  Scenario s = LoadScenarioText(kScaleOut, "x");
  s.streaming = StreamingSpec{};
  MetricsRecorder metrics;
  EXPECT_THROW(RunStreamingExperiment(s, metrics), std::invalid_argument);
}

}  // namespace
}  // namespace cdnlab
