// The streaming part of the results: aggregates worked out by hand from a small run result,
// the "streaming" object of summary.json, the printed table and viewers.csv.
#include "analysis/streaming_summary.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "analysis/streaming_csv_writer.h"
#include "analysis/streaming_table.h"

namespace cdnlab {
namespace {

StreamingViewerResult Viewer(const std::string& id, std::optional<double> startup_ms, double played_s, double stall_ms) {
  StreamingViewerResult v;
  v.viewer = id;
  v.group = "g";
  v.edge = "edge-1";
  v.stream = "news";
  v.join_s = 1;
  v.startup_ms = startup_ms;
  v.played_s = played_s;
  v.stall_ms = stall_ms;
  v.stalls = stall_ms > 0 ? 1 : 0;
  return v;
}

StreamingCacheResult Cache(const std::string& node, const std::string& tier, std::uint64_t requests,
                           std::uint64_t upstream, std::uint64_t segment_requests, std::uint64_t segments,
                           std::uint64_t segment_upstream, std::uint64_t max) {
  StreamingCacheResult c;
  c.node = node;
  c.tier = tier;
  c.requests = requests;
  c.upstream_requests = upstream;
  c.segment_requests = segment_requests;
  c.segments_fetched = segments;
  c.segment_upstream_requests = segment_upstream;
  c.upstream_per_segment_max = max;
  c.upstream_per_segment_mean = segments ? static_cast<double>(segment_upstream) / segments : 0;
  return c;
}

StreamingRunResult SmallRun() {
  StreamingRunResult run;
  run.balancing = "least_load";
  run.viewers.push_back(Viewer("v-0", 100, 90, 0));
  run.viewers.push_back(Viewer("v-1", 300, 80, 10000));
  run.viewers.push_back(Viewer("v-2", std::nullopt, 0, 0));
  run.viewers.back().failed_start = true;
  run.viewers[0].ended_s = 95;  // played its stream to the end
  run.viewers[1].affected = true;
  run.viewers[1].resumed_after_s = 4.5;
  run.viewers[1].stalls_after_failure = 1;
  run.viewers[1].stall_ms_after_failure = 2500;
  StreamingAvailabilityResult news;
  news.stream = "news";
  news.first_segment_s = 3;
  news.edges_ms = {{"edge-1", 12.0}, {"edge-2", 40.0}};
  news.mids_ms = {{"mid-1", 5.0}};
  StreamingAvailabilityResult late;
  late.stream = "late";
  late.first_segment_s = 50;
  late.edges_ms = {{"edge-1", 9.0}, {"edge-2", std::nullopt}};
  run.availability = {news, late};
  // Edges: 1000 requests, 20 upstream (10 segments fetched once each, 10 playlists);
  // the mid: 20 requests, 12 upstream (10 segments, one fetched twice: 11; 1 playlist).
  run.caches.push_back(Cache("mid-1", "mid", 20, 12, 10, 10, 11, 2));
  run.caches.push_back(Cache("edge-1", "edge", 600, 12, 300, 6, 6, 1));
  run.caches.push_back(Cache("edge-2", "edge", 400, 8, 200, 4, 4, 1));
  StreamingIngestResult in;
  in.id = "in-a";
  in.requests_served = 12;
  in.segment_requests_served = 11;
  run.ingests.push_back(in);
  StreamingScaleOutResult so;
  so.ingest = "in-new";
  so.at_s = 40;
  so.servers_compared = 5;
  so.sessions_before = {{"in-a", 2}};
  so.sessions_just_after = {{"in-a", 2}, {"in-new", 0}};
  so.sessions_later = {{"in-a", 2}, {"in-new", 1}};
  so.streams_taken = {"late"};
  run.scale_outs.push_back(so);
  StreamingFailureResult f;
  f.at_s = 80;
  f.ingest = "in-a";
  f.requested = "stream news";
  f.streams = {"news"};
  f.detection_s = 1.4;
  f.publisher_reconnect_s = {{"news", 2.5}};
  f.new_ingest = {{"news", "in-new"}};
  f.affected_viewers = 1;
  f.viewers_resumed = 1;
  f.viewers_stalled = 1;
  f.recovery_s = 4.5;
  f.max_stalled_s = 2.5;
  f.bound = {1.9, 2.7, 2.05, 4, 0.8, 11.45};
  run.failures.push_back(f);
  StreamingPublisherResult p;
  p.stream = "news";
  p.segments_published = 40;
  p.reconnects = 1;
  p.last_ingest = "in-new";
  run.publishers.push_back(p);
  return run;
}

TEST(StreamingSummary, AggregatesByHand) {
  const StreamingAggregate a = SummarizeStreaming(SmallRun());
  EXPECT_EQ(a.viewers, 3u);
  EXPECT_EQ(a.started, 2u);
  EXPECT_EQ(a.failed_starts, 1u);
  EXPECT_EQ(a.ended, 1u);
  EXPECT_EQ(a.ended_before_start, 0u);
  EXPECT_DOUBLE_EQ(a.startup_ms.p50, 100);
  EXPECT_DOUBLE_EQ(a.startup_ms.p95, 300);
  EXPECT_DOUBLE_EQ(a.startup_ms.mean, 200);
  // 10 s stalled, 170 s played.
  EXPECT_DOUBLE_EQ(a.stall_ratio, 10.0 / 180.0);
  EXPECT_EQ(a.stalls, 1u);
  EXPECT_EQ(a.available_max_ms.at("news"), std::optional<double>(40));
  EXPECT_FALSE(a.available_max_ms.at("late").has_value()) << "edge-2 never saw it";
  EXPECT_DOUBLE_EQ(a.upstream_per_tier.at("edge").mean, 1.0);
  EXPECT_EQ(a.upstream_per_tier.at("edge").max, 1u);
  EXPECT_EQ(a.upstream_per_tier.at("edge").segments, 10u);
  EXPECT_DOUBLE_EQ(a.upstream_per_tier.at("mid").mean, 1.1);
  EXPECT_EQ(a.upstream_per_tier.at("mid").max, 2u);
  EXPECT_DOUBLE_EQ(a.offload_pct.at("edge"), 100.0 * (1 - 20.0 / 1000.0));
  EXPECT_DOUBLE_EQ(a.offload_pct.at("mid"), 100.0 * (1 - 12.0 / 20.0));
  EXPECT_DOUBLE_EQ(a.offload_pct.at("ingest"), 100.0 * (1 - 12.0 / 1000.0));
  EXPECT_DOUBLE_EQ(a.segment_offload_pct.at("edge"), 100.0 * (1 - 10.0 / 500.0));
  EXPECT_DOUBLE_EQ(a.segment_offload_pct.at("ingest"), 100.0 * (1 - 11.0 / 500.0));
  EXPECT_EQ(a.config_changes_on_scale_out, 0u);
  EXPECT_EQ(a.recovery_s, std::optional<double>(4.5));
  EXPECT_TRUE(a.recovery_within_bound);
}

TEST(StreamingSummary, ViewersThatSawTheirStreamEndAreCountedNotStalled) {
  StreamingRunResult run = SmallRun();
  StreamingViewerResult late = Viewer("v-3", std::nullopt, 0, 0);
  late.ended_s = 120;  // joined after the end: told so, never started, not a failed start
  run.viewers.push_back(late);
  const StreamingAggregate a = SummarizeStreaming(run);
  EXPECT_EQ(a.ended, 2u);
  EXPECT_EQ(a.ended_before_start, 1u);
  EXPECT_EQ(a.failed_starts, 1u);
  EXPECT_DOUBLE_EQ(a.stall_ratio, 10.0 / 180.0);
  const auto j = StreamingSummaryJson(run);
  EXPECT_EQ(j["viewers_ended"], 2);
  EXPECT_EQ(j["viewers_ended_before_start"], 1);
}

TEST(StreamingSummary, ARecoveryBeyondTheBoundOrAViewerThatNeverResumedIsReported) {
  StreamingRunResult run = SmallRun();
  run.failures[0].recovery_s = 12;
  EXPECT_FALSE(SummarizeStreaming(run).recovery_within_bound);
  run.failures[0].recovery_s = std::nullopt;
  const StreamingAggregate a = SummarizeStreaming(run);
  EXPECT_FALSE(a.recovery_s.has_value());
  EXPECT_FALSE(a.recovery_within_bound);
}

TEST(StreamingSummary, SummaryJsonHasEveryPart) {
  const auto j = StreamingSummaryJson(SmallRun());
  EXPECT_EQ(j["balancing"], "least_load");
  EXPECT_EQ(j["startup_delay_ms"]["p50"], 100.0);
  EXPECT_EQ(j["startup_delay_ms"]["p95"], 300.0);
  EXPECT_EQ(j["stall_ratio"], 0.055556);
  EXPECT_EQ(j["failed_starts"], 1);
  EXPECT_EQ(j["viewers_ended"], 1);
  EXPECT_EQ(j["viewers_ended_before_start"], 0);
  EXPECT_EQ(j["stream_available_ms"]["news"]["edges"]["edge-2"], 40.0);
  EXPECT_EQ(j["stream_available_ms"]["news"]["max"], 40.0);
  EXPECT_TRUE(j["stream_available_ms"]["late"]["max"].is_null());
  EXPECT_EQ(j["recovery_s"], 4.5);
  EXPECT_EQ(j["failures"][0]["detection_s"], 1.4);
  EXPECT_EQ(j["failures"][0]["publisher_reconnect_s"]["news"], 2.5);
  EXPECT_EQ(j["failures"][0]["bound_s"]["total"], 11.45);
  EXPECT_EQ(j["failures"][0]["within_bound"], true);
  EXPECT_EQ(j["upstream_requests_per_segment"]["nodes"]["mid-1"]["max"], 2);
  EXPECT_EQ(j["upstream_requests_per_segment"]["tiers"]["edge"]["mean"], 1.0);
  EXPECT_EQ(j["offload_pct"]["ingest"], 98.8);
  EXPECT_EQ(j["offload_pct"]["mid"], 40.0);
  EXPECT_EQ(j["config_changes_on_scale_out"], 0);
  EXPECT_EQ(j["healthy_sessions_moved"], 0);
  EXPECT_EQ(j["scale_out"][0]["sessions_before"]["in-a"], 2);
  EXPECT_EQ(j["scale_out"][0]["sessions_later"]["in-new"], 1);
  EXPECT_EQ(j["scale_out"][0]["streams_taken"][0], "late");
  EXPECT_EQ(j["publishers"][0]["reconnects"], 1);
  // Equal results give byte-identical text.
  EXPECT_EQ(j.dump(2), StreamingSummaryJson(SmallRun()).dump(2));
}

TEST(StreamingSummary, TableAndCsv) {
  const std::string table = FormatStreamingTable(SmallRun());
  EXPECT_NE(table.find("3 viewers, 2 started, 1 failed starts, 1 saw their stream end;"), std::string::npos) << table;
  EXPECT_NE(table.find("scale-out: in-new joins at 40.0 s: 0 configuration changes on 5 existing servers"),
            std::string::npos) << table;
  EXPECT_NE(table.find("failure: in-a fails at 80.0 s holding news: detected after 1.40 s; publisher reconnected: "
                       "news 2.50 s -> in-new"),
            std::string::npos) << table;
  EXPECT_NE(table.find("1 affected, 1 stalled (at most 2.50 s), 1 resumed; all played again after 4.50 s (bound 11.45 s"),
            std::string::npos) << table;
  EXPECT_EQ(table.find("NOT WITHIN"), std::string::npos) << table;
  EXPECT_NE(table.find("glass-to-glass latency p50 - s, p95 - s; 0.0 s of content skipped in 0 jumps"),
            std::string::npos) << table;

  // A viewer that skipped 2 s once, with 3 segments at 8 s latency and 1 at 10 s.
  StreamingRunResult run = SmallRun();
  run.viewers[1].skips = 1;
  run.viewers[1].skipped_ms = 2000;
  run.viewers[1].latency_ms = {{8000, 3}, {10000, 1}};
  EXPECT_NE(FormatStreamingTable(run).find("glass-to-glass latency p50 8.00 s, p95 10.00 s; 2.0 s of content skipped "
                                           "in 1 jumps"),
            std::string::npos) << FormatStreamingTable(run);
  const auto j = StreamingSummaryJson(run);
  EXPECT_EQ(j["skips"], 1);
  EXPECT_EQ(j["skipped_s"], 2.0);
  EXPECT_EQ(j["latency_ms"]["p50"], 8000.0);
  EXPECT_EQ(j["latency_ms"]["p95"], 10000.0);
  EXPECT_EQ(j["latency_ms"]["samples"], 4);

  const std::string path = ::testing::TempDir() + "/streaming_viewers.csv";
  WriteStreamingViewersCsv(path, run);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(),
            "viewer,group,edge,stream,join_s,startup_ms,failed_start,stalls,stall_ms,played_s,segments_fetched,"
            "fetch_failures,affected,stalls_after_failure,stall_ms_after_failure,resumed_after_s,ended_s,skips,"
            "skipped_ms,latency_p50_ms,latency_p95_ms\n"
            "v-0,g,edge-1,news,1.000,100.000,0,0,0.000,90.000,0,0,0,0,,,95.000,0,0.000,,\n"
            "v-1,g,edge-1,news,1.000,300.000,0,1,10000.000,80.000,0,0,1,1,2500.000,4.500,,1,2000.000,8000.000,10000.000\n"
            "v-2,g,edge-1,news,1.000,,1,0,0.000,0.000,0,0,0,0,,,,0,0.000,,\n");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace cdnlab
