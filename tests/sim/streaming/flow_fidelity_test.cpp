// Flow fidelity for live streaming (issue 17 item 8): scenarios/streaming.yaml run in both
// fidelities gives the same outcomes: every viewer starts (none fails to), at the same edge;
// the same viewers are hit by the ingest failure and all of them resume within the recovery
// bound; the music viewers end rather than stall; each cache fetches each segment upstream
// once. What differs, and by how much it may (README, "Live streaming at scale"): timing.
// Flow leaves out TCP's handshake, slow start and queueing, so flow startups are never slower
// (close at the median, far below packet's at p95), and the recovery time moves by up to the
// bound's playlist-refresh and segment terms.
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <iostream>

#include "analysis/metrics_recorder.h"
#include "analysis/streaming_summary.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/streaming/experiment.h"

namespace cdnlab {
namespace {

StreamingRunResult RunIn(Fidelity fidelity) {
  Scenario scenario = LoadScenarioFile(std::string(CDNLAB_SOURCE_DIR) + "/scenarios/streaming.yaml");
  scenario.fidelity = fidelity;
  MetricsRecorder metrics;
  return RunStreamingExperiment(scenario, metrics);
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(p * (values.size() - 1))];
}

class StreamingFlowFidelity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    packet_ = new StreamingRunResult(RunIn(Fidelity::kPacket));
    flow_ = new StreamingRunResult(RunIn(Fidelity::kFlow));
  }
  static void TearDownTestSuite() {
    delete packet_;
    delete flow_;
  }
  static StreamingRunResult* packet_;
  static StreamingRunResult* flow_;
};
StreamingRunResult* StreamingFlowFidelity::packet_ = nullptr;
StreamingRunResult* StreamingFlowFidelity::flow_ = nullptr;

TEST_F(StreamingFlowFidelity, EveryViewerStartsAtTheSameEdgeAndEndsAsInPacketMode) {
  const auto& p = *packet_;
  const auto& f = *flow_;
  ASSERT_EQ(p.viewers.size(), f.viewers.size());
  ASSERT_EQ(p.viewers.size(), 1220u);
  std::vector<double> packet_startup, flow_startup;
  for (std::size_t i = 0; i < p.viewers.size(); ++i) {
    const auto& a = p.viewers[i];
    const auto& b = f.viewers[i];
    ASSERT_EQ(a.viewer, b.viewer);
    EXPECT_EQ(a.edge, b.edge) << a.viewer;
    EXPECT_EQ(a.join_s, b.join_s) << a.viewer;
    EXPECT_EQ(a.startup_ms.has_value(), b.startup_ms.has_value()) << a.viewer;
    EXPECT_EQ(a.failed_start, b.failed_start) << a.viewer;
    EXPECT_FALSE(b.failed_start) << b.viewer;
    EXPECT_EQ(a.ended_s.has_value(), b.ended_s.has_value()) << a.viewer;
    EXPECT_EQ(a.affected, b.affected) << a.viewer;
    if (a.startup_ms) packet_startup.push_back(*a.startup_ms);
    if (b.startup_ms) flow_startup.push_back(*b.startup_ms);
  }
  // Startup: flow has no handshake, slow start or queueing, so it is never slower. At the median
  // (viewers joining a quiet edge) the two are close; the tail in packet mode is the 300-viewer
  // flash crowd at 60 s, whose segments queue on the edge's and the group's links and climb out
  // of slow start, which flow does not model: there flow is only bounded by packet's p95.
  const double p50 = Percentile(packet_startup, 0.5), f50 = Percentile(flow_startup, 0.5);
  const double p95 = Percentile(packet_startup, 0.95), f95 = Percentile(flow_startup, 0.95);
  std::cerr << "startup p50 packet " << p50 << " ms, flow " << f50 << " ms; p95 packet " << p95 << " ms, flow " << f95
            << " ms\n";
  EXPECT_LE(f50, p50 + 1);
  EXPECT_NEAR(f50, p50, 50);
  EXPECT_LE(f95, p95 + 1);
}

TEST_F(StreamingFlowFidelity, StallsAreTheSameOutsideTheFailure) {
  // Outside the ingest failure nobody stalls, in either fidelity (the links are far from full).
  for (const auto* run : {packet_, flow_}) {
    for (const auto& v : run->viewers) {
      EXPECT_EQ(v.stalls - v.stalls_after_failure, 0u) << v.viewer;
    }
  }
}

TEST_F(StreamingFlowFidelity, TheIngestFailureHitsTheSameViewersAndAllRecoverWithinTheBound) {
  ASSERT_EQ(packet_->failures.size(), 1u);
  ASSERT_EQ(flow_->failures.size(), 1u);
  const auto& a = packet_->failures[0];
  const auto& b = flow_->failures[0];
  for (const auto* f : {&a, &b}) {
    std::cerr << (f == &a ? "packet" : "flow") << ": detection " << f->detection_s.value_or(-1) << " s, reconnect "
              << f->publisher_reconnect_s.at("news").value_or(-1) << " s, recovery " << f->recovery_s.value_or(-1)
              << " s (bound " << f->bound.total_s << " s), stalled " << f->viewers_stalled << " max "
              << f->max_stalled_s << " s\n";
  }
  EXPECT_EQ(a.ingest, b.ingest);
  EXPECT_EQ(a.streams, b.streams);
  EXPECT_EQ(a.new_ingest, b.new_ingest);
  EXPECT_EQ(a.affected_viewers, b.affected_viewers);
  EXPECT_GT(b.affected_viewers, 0u);
  EXPECT_EQ(b.viewers_resumed, b.affected_viewers);
  EXPECT_EQ(a.viewers_resumed, a.affected_viewers);
  ASSERT_TRUE(a.detection_s && b.detection_s);
  // Detection (health-probe rounds) and the publisher's reconnect (forward timeout, reconnect
  // delay, one upload) do not depend on transfer timing: within 50 ms of each other.
  EXPECT_NEAR(*a.detection_s, *b.detection_s, 0.05);
  ASSERT_TRUE(a.publisher_reconnect_s.at("news") && b.publisher_reconnect_s.at("news"));
  EXPECT_NEAR(*a.publisher_reconnect_s.at("news"), *b.publisher_reconnect_s.at("news"), 0.05);
  // A crash refuses at once (an RST, as a killed process's host answers): the upload in flight is
  // re-routed once the probes judge the ingest, not after the balancer's 2 s forward timeout.
  EXPECT_LT(*a.publisher_reconnect_s.at("news"), *a.detection_s + 0.1);
  // Recovery (the last affected viewer playing new-ingest content) also waits on where each
  // viewer's playlist refresh and free buffer slot fall, which transfer timing shifts: both
  // within the bound, and apart by at most the bound's refresh and segment terms.
  ASSERT_TRUE(a.recovery_s && b.recovery_s);
  EXPECT_LE(*a.recovery_s, a.bound.total_s);
  EXPECT_LE(*b.recovery_s, b.bound.total_s);
  EXPECT_NEAR(*a.recovery_s, *b.recovery_s, b.bound.playlist_refresh_s + b.bound.segment_s);
  // Stalls through the failure: players start 3 s behind the live edge (player_live_sync_s, for
  // the 6 s latency goal) with 2 segments buffered. The crash refuses at once (as a killed
  // process's host does), the upload in flight is re-routed 0.66 s after it, and the new
  // ingest is found within the buffer: at most a few viewers stall, for well under 0.1 s
  // (packet 6 of 750 at most 7 ms, flow 2 at most 69 ms when measured), and nobody skips.
  for (const auto* run : {packet_, flow_}) {
    EXPECT_LT(run->failures[0].max_stalled_s, 0.1);
    EXPECT_LT(run->failures[0].viewers_stalled, run->failures[0].affected_viewers / 20);
    for (const auto& v : run->viewers) EXPECT_EQ(v.skips, 0u) << v.viewer;
  }
  EXPECT_NEAR(static_cast<double>(a.viewers_stalled), static_cast<double>(b.viewers_stalled),
              0.1 * static_cast<double>(a.affected_viewers));
}

TEST_F(StreamingFlowFidelity, CachesCollapseAndScaleOutAsInPacketMode) {
  ASSERT_EQ(packet_->caches.size(), flow_->caches.size());
  for (std::size_t i = 0; i < packet_->caches.size(); ++i) {
    const auto& a = packet_->caches[i];
    const auto& b = flow_->caches[i];
    EXPECT_EQ(a.node, b.node);
    EXPECT_EQ(b.upstream_per_segment_max, a.upstream_per_segment_max) << b.node;
    EXPECT_NEAR(static_cast<double>(b.segments_fetched), static_cast<double>(a.segments_fetched),
                0.05 * static_cast<double>(a.segments_fetched) + 2)
        << b.node;
  }
  ASSERT_EQ(packet_->scale_outs.size(), flow_->scale_outs.size());
  for (std::size_t i = 0; i < packet_->scale_outs.size(); ++i) {
    EXPECT_EQ(packet_->scale_outs[i].streams_taken, flow_->scale_outs[i].streams_taken);
    EXPECT_EQ(flow_->scale_outs[i].config_changes, 0u);
  }
  for (std::size_t i = 0; i < packet_->publishers.size(); ++i) {
    EXPECT_EQ(packet_->publishers[i].last_ingest, flow_->publishers[i].last_ingest);
    EXPECT_EQ(flow_->publishers[i].segments_dropped, 0u);
  }
}

TEST_F(StreamingFlowFidelity, FlowRunsRepeatExactly) {
  const StreamingRunResult again = RunIn(Fidelity::kFlow);
  EXPECT_EQ(StreamingSummaryJson(again).dump(), StreamingSummaryJson(*flow_).dump());
  ASSERT_EQ(again.viewers.size(), flow_->viewers.size());
  for (std::size_t i = 0; i < again.viewers.size(); ++i) {
    EXPECT_EQ(again.viewers[i].startup_ms, flow_->viewers[i].startup_ms);
    EXPECT_EQ(again.viewers[i].stall_ms, flow_->viewers[i].stall_ms);
  }
}

// Issue 17 item 6: glass-to-glass latency with 2 s segments, players 3 s behind the live edge
// (streaming.player_live_sync_s, as hls.js liveSyncDuration 3), in both fidelities. The goal is
// 6 s; measured p50 packet 5.86 s, flow 5.63 s (p95 6.99 / 6.75 s), the failover included.
TEST_F(StreamingFlowFidelity, LatencyMeetsTheSixSecondGoal) {
  for (const StreamingRunResult* run : {packet_, flow_}) {
    const StreamingAggregate a = SummarizeStreaming(*run);
    ASSERT_TRUE(a.latency.p50_ms && a.latency.p95_ms);
    std::cerr << "latency p50 " << *a.latency.p50_ms << " ms, p95 " << *a.latency.p95_ms << " ms\n";
    EXPECT_LE(*a.latency.p50_ms, 6000);  // issue 17: <= 6 s with 2 s segments
    EXPECT_GT(*a.latency.p50_ms, 2000);
  }
}

}  // namespace
}  // namespace cdnlab
