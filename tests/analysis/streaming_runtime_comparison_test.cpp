// compare-streaming's verdict: the same viewers (by id) measured in both runtimes, time
// measures gated by the tolerance, counts and latency reported only; and the latency runs.
#include <gtest/gtest.h>

#include "analysis/streaming_latency.h"
#include "analysis/streaming_runtime_comparison.h"

namespace cdnlab {
namespace {

StreamingViewerResult Viewer(const std::string& id, double startup_ms, double stall_ms, double skipped_ms,
                             std::optional<double> resumed_after_s) {
  StreamingViewerResult v;
  v.viewer = id;
  v.startup_ms = startup_ms;
  v.stall_ms = stall_ms;
  v.stalls = stall_ms > 0 ? 1 : 0;
  v.skipped_ms = skipped_ms;
  v.skips = skipped_ms > 0 ? 1 : 0;
  v.affected = true;
  v.resumed_after_s = resumed_after_s;
  AddLatencySample(v.latency_ms, 9000);
  return v;
}

const StreamingMeasureComparison& Measure(const StreamingRuntimeComparison& c, const std::string& name) {
  for (const auto& m : c.measures) {
    if (m.name == name) return m;
  }
  throw std::runtime_error("no measure " + name);
}

TEST(StreamingRuntimeComparisonTest, ComparesOnlyTheViewersTheRealSidePlayed) {
  StreamingRunResult sim, real;
  sim.viewers = {Viewer("v-0", 500, 1000, 0, 3.0), Viewer("v-1", 500, 1000, 0, 3.2),
                 Viewer("v-2", 900, 90000, 50000, std::nullopt)};  // not played for real: ignored
  real.viewers = {Viewer("v-0", 700, 1300, 0, 3.4), Viewer("v-1", 600, 1200, 0, 3.5)};
  const auto c = CompareStreamingRuntimes(sim, real, 0.5);
  EXPECT_EQ(c.viewers_compared, 2u);
  EXPECT_TRUE(c.agrees);
  EXPECT_NEAR(*Measure(c, "stall_time").sim, 1.0, 1e-9);
  EXPECT_NEAR(*Measure(c, "stall_time").real, 1.25, 1e-9);
  EXPECT_NEAR(*Measure(c, "recovery").sim, 3.2, 1e-9);
  EXPECT_NEAR(*Measure(c, "recovery").difference, 0.3, 1e-9);
  EXPECT_NEAR(*Measure(c, "startup_p50").sim, 0.5, 1e-9);
}

TEST(StreamingRuntimeComparisonTest, ATimeMeasureBeyondTheToleranceDisagrees) {
  StreamingRunResult sim, real;
  sim.viewers = {Viewer("v-0", 500, 750, 0, 3.0)};
  real.viewers = {Viewer("v-0", 500, 750, 3000, 3.0)};  // the real player skipped 3 s of content
  auto c = CompareStreamingRuntimes(sim, real, 0.5);
  EXPECT_FALSE(c.agrees);
  EXPECT_FALSE(Measure(c, "skipped").agrees);
  EXPECT_TRUE(Measure(c, "stall_time").agrees);
  EXPECT_TRUE(Measure(c, "skips").agrees);  // counts are reported, not gated
  EXPECT_NE(FormatStreamingRuntimeComparison(c).find("DISAGREE"), std::string::npos);
  // A wider tolerance (the --tolerance-s flag) accepts it.
  EXPECT_TRUE(CompareStreamingRuntimes(sim, real, 3.0).agrees);
}

TEST(StreamingRuntimeComparisonTest, AViewerThatNeverRecoveredOnOneSideDisagrees) {
  StreamingRunResult sim, real;
  sim.viewers = {Viewer("v-0", 500, 750, 0, 3.0)};
  real.viewers = {Viewer("v-0", 500, 750, 0, std::nullopt)};
  const auto c = CompareStreamingRuntimes(sim, real, 0.5);
  EXPECT_FALSE(Measure(c, "recovery").real.has_value());
  EXPECT_FALSE(c.agrees);
  const auto csv = StreamingRuntimeComparisonCsv(c);
  EXPECT_NE(csv.find("recovery,s,3.000,,,1,0\n"), std::string::npos) << csv;
}

TEST(StreamingLatencyTest, KeepsRunsOfEqualSamplesAndWeighsThem) {
  std::vector<WeightedValue> runs;
  for (int i = 0; i < 18; ++i) AddLatencySample(runs, 8000.04);
  AddLatencySample(runs, 12000);
  AddLatencySample(runs, 12000);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_DOUBLE_EQ(runs[0].value, 8000);
  EXPECT_DOUBLE_EQ(runs[0].weight, 18);
  const auto q = QuantilesOfLatency(runs);
  EXPECT_DOUBLE_EQ(*q.p50_ms, 8000);
  EXPECT_DOUBLE_EQ(*q.p95_ms, 12000);  // the 19th and 20th of 20 samples
  EXPECT_DOUBLE_EQ(q.samples, 20);
  EXPECT_FALSE(QuantilesOfLatency({}).p50_ms.has_value());
}

}  // namespace
}  // namespace cdnlab
