// Issue 17 item 8: scenarios/streaming_flash_crowd.yaml (10 ingests, 10 mid-tier caches, 100
// edges, 100,000 viewers joining within 20 s, 10 minutes, flow fidelity) run end to end on one
// core. Checks the outcome (every viewer starts, none stalls, every cache still fetches each
// segment upstream once) and the goal of at most 2 minutes of CPU for the run, loading
// included (CPU seconds, not wall: on a shared machine the wall clock counts other processes'
// turns on the core; CDNLAB_FLASH_CROWD_CPU_BUDGET_S overrides the 120 s).
// Registered by hand (tests/CMakeLists.txt) under `taskset -c 0`, labels integration and slow.
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

#include <gtest/gtest.h>

#include "analysis/metrics_recorder.h"
#include "scenarios/loader/scenario_loader.h"
#include "scenarios/streaming/synthetic_scenario.h"
#include "sim/streaming/experiment.h"

namespace cdnlab {
namespace {

const std::string kPath = std::string(CDNLAB_SOURCE_DIR) + "/scenarios/streaming_flash_crowd.yaml";

TEST(StreamingFlashCrowd, HundredThousandViewersAllStartAndCachesCollapse) {
  const std::clock_t cpu_started = std::clock();
  const Scenario scenario = LoadScenarioFile(kPath);
  ASSERT_EQ(scenario.fidelity, Fidelity::kFlow);
  ASSERT_EQ(scenario.streaming.ingests.size(), 10u);
  ASSERT_EQ(scenario.streaming.mids.size(), 10u);
  ASSERT_EQ(scenario.streaming.edges.size(), 100u);
  MetricsRecorder metrics;
  const auto started = std::chrono::steady_clock::now();
  const StreamingRunResult run = RunStreamingExperiment(scenario, metrics);
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - started;
  const double cpu_s = static_cast<double>(std::clock() - cpu_started) / CLOCKS_PER_SEC;
  std::cerr << "flash crowd: " << run.viewers.size() << " viewers, " << cpu_s << " s CPU, " << wall.count()
            << " s wall\n";
  const char* budget_env = std::getenv("CDNLAB_FLASH_CROWD_CPU_BUDGET_S");
  const double budget_s = budget_env ? std::atof(budget_env) : 120;
  EXPECT_LE(cpu_s, budget_s) << "issue 17 item 8: at most 2 minutes on one core";

  ASSERT_EQ(run.viewers.size(), 100000u);
  std::uint64_t started_count = 0, stalls = 0, segments = 0;
  for (const auto& v : run.viewers) {
    if (v.startup_ms) ++started_count;
    EXPECT_FALSE(v.failed_start) << v.viewer;
    stalls += v.stalls;
    segments += v.segments_fetched;
  }
  EXPECT_EQ(started_count, 100000u);
  EXPECT_EQ(stalls, 0u);
  // 10 minutes of 6-second segments from a join at 20-40 s: about 95 segments per viewer.
  EXPECT_GT(segments, 100000u * 85);
  ASSERT_EQ(run.caches.size(), 110u);
  std::uint64_t edge_requests = 0;
  for (const auto& c : run.caches) {
    EXPECT_EQ(c.upstream_per_segment_max, 1u) << c.node;
    EXPECT_GT(c.segments_fetched, 0u) << c.node;
    if (c.tier == "edge") edge_requests += c.requests;
  }
  EXPECT_GE(edge_requests, segments);
  for (const auto& p : run.publishers) {
    EXPECT_EQ(p.segments_dropped, 0u) << p.stream;
    EXPECT_EQ(p.reconnects, 0u) << p.stream;
  }
  // least_load spread the 10 streams over the 10 ingests, one each.
  for (const auto& i : run.ingests) EXPECT_EQ(i.streams_held.size(), 1u) << i.id;
}

TEST(StreamingFlashCrowd, CommittedScenarioIsTheGeneratorsDefault) {
  std::ifstream file(kPath, std::ios::binary);
  ASSERT_TRUE(file) << kPath;
  const std::string committed((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(committed == SyntheticStreamingYaml(SyntheticStreamingSpec{}))
      << "regenerate with: cdnlab generate streaming -o scenarios/streaming_flash_crowd.yaml";
}

}  // namespace
}  // namespace cdnlab
