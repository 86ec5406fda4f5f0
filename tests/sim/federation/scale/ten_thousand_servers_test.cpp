// Issue 16 item 4: scenarios/federation_10k.yaml (3 CDNs, 10,002 servers, 100 configurations,
// 1,000 commands, no faults) run end to end on one core. Every command must reach exactly its
// servers (none wrongly), be acknowledged by every server it targeted, and complete at its
// p50 within 1.2x of the network's lower bound. Registered by hand (tests/CMakeLists.txt) under
// `taskset -c 0`, labels integration and slow.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/federation_summary.h"
#include "analysis/metrics_recorder.h"
#include "scenarios/federation/synthetic_scenario.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/federation/experiment.h"

namespace cdnlab {
namespace {

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

TEST(FederationTenThousandServers, EveryCommandReachesExactlyItsServersNearItsBound) {
  const std::string path = std::string(CDNLAB_SOURCE_DIR) + "/scenarios/federation_10k.yaml";
  const auto started = std::chrono::steady_clock::now();
  const Scenario scenario = LoadScenarioFile(path);
  const auto& f = scenario.federation;
  std::size_t servers = 0;
  for (const auto& p : f.platforms) servers += p.servers.size();
  ASSERT_EQ(f.platforms.size(), 3u);
  ASSERT_GE(servers, 10000u);
  ASSERT_EQ(f.configurations.size(), 100u);
  ASSERT_EQ(f.commands.size(), 1000u);
  ASSERT_TRUE(f.faults.empty()) << "the bound is checked without faults";

  MetricsRecorder metrics;
  const FederationRunResult run = RunFederationExperiment(scenario, metrics);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  ASSERT_EQ(run.commands.size(), 1000u);
  std::vector<double> ratios, completion, bound;
  std::size_t targeted_total = 0;
  for (const auto& c : run.commands) {
    SCOPED_TRACE(c.id);
    EXPECT_EQ(c.status, "complete");
    EXPECT_TRUE(c.wrongly_targeted_servers.empty()) << c.wrongly_targeted_servers.size() << " wrongly targeted";
    EXPECT_FALSE(c.targeted_servers.empty());
    EXPECT_EQ(c.targeted_servers, c.acknowledged_servers);
    EXPECT_EQ(c.applied_servers, c.targeted_servers);
    ASSERT_TRUE(c.completion_ms && c.bound_ms && *c.bound_ms > 0);
    EXPECT_GE(*c.completion_ms, *c.bound_ms - 1e-6) << "faster than the network allows";
    ratios.push_back(*c.completion_ms / *c.bound_ms);
    completion.push_back(*c.completion_ms);
    bound.push_back(*c.bound_ms);
    targeted_total += c.targeted_servers.size();
  }
  const FederationAggregate a = SummarizeFederation(run);
  EXPECT_EQ(a.wrongly_targeted_total, 0u);
  EXPECT_TRUE(a.all_targeted_acknowledged);
  EXPECT_EQ(a.send_failures, 0);
  const double ratio_p50 = Median(ratios);
  const double p50_ratio = Median(completion) / Median(bound);
  EXPECT_LE(ratio_p50, 1.2);
  EXPECT_LE(p50_ratio, 1.2);
  std::cout << "federation_10k: " << servers << " servers, " << run.commands.size() << " commands, "
            << targeted_total << " server targets, completion p50 " << Median(completion) << " ms, bound p50 "
            << Median(bound) << " ms, p50 of completion/bound " << ratio_p50 << ", wall " << wall_s << " s\n";
}

// The committed file is exactly what `cdnlab generate federation` writes with its defaults,
// so it can be regenerated rather than edited.
TEST(FederationTenThousandServers, CommittedScenarioIsTheGeneratorsDefault) {
  const std::string path = std::string(CDNLAB_SOURCE_DIR) + "/scenarios/federation_10k.yaml";
  std::ifstream file(path, std::ios::binary);
  ASSERT_TRUE(file) << path;
  const std::string committed((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(committed == SyntheticFederationYaml(SyntheticFederationSpec{}))
      << "regenerate with: cdnlab generate federation -o scenarios/federation_10k.yaml";
}

}  // namespace
}  // namespace cdnlab
