// The compare-streaming scenario (tests/realnet/data/streaming_compare.yaml) in ns-3: the holder
// of the stream is killed at 20 s; the segment it had ingested but no cache had fetched is lost,
// and the players that had not fetched it yet skip it (2 s of content, counted); glass-to-glass
// latency is measured for every segment played. Deterministic: the same run gives the same numbers.
#include <gtest/gtest.h>

#include "analysis/metrics_recorder.h"
#include "analysis/streaming_summary.h"
#include "models/streaming/metric_names.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/streaming/experiment.h"

namespace cdnlab {
namespace {

TEST(StreamingSkipLatency, PlayersSkipTheLostSegmentAndLatencyIsMeasured) {
  const Scenario scenario = LoadScenarioFile(std::string(CDNLAB_SOURCE_DIR) + "/tests/realnet/data/streaming_compare.yaml");
  MetricsRecorder metrics;
  const StreamingRunResult run = RunStreamingExperiment(scenario, metrics);
  ASSERT_EQ(run.viewers.size(), 6u);
  std::uint64_t skips = 0;
  for (const auto& v : run.viewers) {
    EXPECT_TRUE(v.startup_ms.has_value()) << v.viewer;
    EXPECT_EQ(v.stalls, 0u) << v.viewer;
    EXPECT_LE(v.skips, 1u) << v.viewer;
    EXPECT_DOUBLE_EQ(v.skipped_ms, 2000.0 * static_cast<double>(v.skips)) << v.viewer;  // one 2 s segment each
    skips += v.skips;
    ASSERT_FALSE(v.latency_ms.empty()) << v.viewer;
  }
  EXPECT_GE(skips, 1u);  // the lost segment was skipped by whoever had not fetched it before the kill
  const StreamingAggregate a = SummarizeStreaming(run);
  EXPECT_EQ(a.skips, skips);
  ASSERT_TRUE(a.latency.p50_ms.has_value());
  // Players start 3 s behind the live edge (player_live_sync_s 3, as the tuned hls.js): with the
  // segment before the newest, 2 to 3 segments of 2 s behind capture. The goal is 6 s.
  EXPECT_GT(*a.latency.p50_ms, 3000);
  EXPECT_LE(*a.latency.p50_ms, 6000);
  EXPECT_LT(*a.latency.p95_ms, 7000);
  EXPECT_GE(*a.latency.p95_ms, *a.latency.p50_ms);
  EXPECT_EQ(metrics.SamplesNamed(streaming_metrics::kSkipped).size(), skips);

  MetricsRecorder again;
  const StreamingRunResult second = RunStreamingExperiment(scenario, again);
  EXPECT_EQ(StreamingSummaryJson(run).dump(), StreamingSummaryJson(second).dump());
}

}  // namespace
}  // namespace cdnlab
