// Sweep files (issue 7): seeds, grid paths into the scenario, metric globs, expansion into run
// ids, and every error as FILE:LINE:COLUMN: field '...': message.
#include "scenarios/loader/sweep_spec.h"

#include <gtest/gtest.h>

#include <string>

#include "scenarios/loader/scenario_loader.h"

namespace cdnlab {
namespace {

const std::string kSweepDir = std::string(CDNLAB_SOURCE_DIR) + "/scenarios/sweeps";

SweepSpec Load(const std::string& text) { return LoadSweepText(text, "sweep.yaml", kSweepDir); }

std::string ErrorOf(const std::string& text) {
  try {
    Load(text);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(SweepSpecTest, ExampleSweepHasEightRuns) {
  const SweepSpec spec = LoadSweepFile(kSweepDir + "/routing_ttl.yaml");
  EXPECT_EQ(spec.scenario_path, std::string(CDNLAB_SOURCE_DIR) + "/scenarios/regression/routing_small.yaml");
  EXPECT_EQ(spec.seeds, (std::vector<std::uint64_t>{1, 2, 3, 4}));
  ASSERT_EQ(spec.grid.size(), 1u);
  EXPECT_EQ(spec.grid[0].path, "dns.ttl_s");
  EXPECT_FALSE(spec.metrics.empty());
  const auto points = ExpandSweepPoints(spec);
  const auto runs = ExpandSweepRuns(spec, points);
  ASSERT_EQ(runs.size(), 8u);
  EXPECT_EQ(runs[0].id, "r001-dns.ttl_s=10-seed1");
  EXPECT_EQ(runs[5].id, "r006-dns.ttl_s=60-seed2");
  EXPECT_EQ(runs[5].point, 1u);
  EXPECT_EQ(runs[5].seed, 2u);
  const Scenario s = LoadScenarioText(SweepScenarioText(spec, points[1]), "point");
  EXPECT_DOUBLE_EQ(s.dns.ttl_s, 60);
}

TEST(SweepSpecTest, CartesianProductLastParameterFastest) {
  const SweepSpec spec = Load(R"(scenario: ../regression/routing_small.yaml
seeds: [3, 1]
grid:
  policies[0].hysteresis_ms: [0, 5]
  dns.ttl_s: [20, 300, 600]
)");
  const auto points = ExpandSweepPoints(spec);
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points[0].label, "policies[0].hysteresis_ms=0,dns.ttl_s=20");
  EXPECT_EQ(points[1].label, "policies[0].hysteresis_ms=0,dns.ttl_s=300");
  EXPECT_EQ(points[3].label, "policies[0].hysteresis_ms=5,dns.ttl_s=20");
  const auto runs = ExpandSweepRuns(spec, points);
  ASSERT_EQ(runs.size(), 12u);
  EXPECT_EQ(runs[0].id, "r001-policies[0].hysteresis_ms=0-dns.ttl_s=20-seed3");
  EXPECT_EQ(runs[11].id, "r012-policies[0].hysteresis_ms=5-dns.ttl_s=600-seed1");

  const YAML::Node tree = ApplySweepPoint(spec, points[4]);
  EXPECT_EQ(tree["policies"][0]["hysteresis_ms"].as<double>(), 5);
  EXPECT_EQ(tree["dns"]["ttl_s"].as<double>(), 300);
  EXPECT_EQ(tree["policies"][1]["name"].as<std::string>(), "geo");
  // The loaded tree itself is untouched.
  EXPECT_EQ(spec.scenario["dns"]["ttl_s"].as<double>(), 10);
}

TEST(SweepSpecTest, NoGridIsOnePointOfSeeds) {
  const SweepSpec spec = Load("scenario: ../regression/routing_small.yaml\nseeds: {from: 5, count: 2}\n");
  const auto runs = ExpandSweepRuns(spec, ExpandSweepPoints(spec));
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].id, "r001-seed5");
  EXPECT_EQ(runs[1].id, "r002-seed6");
}

TEST(SweepSpecTest, UnknownPathNamesTheSweepLine) {
  const std::string error = ErrorOf(R"(scenario: ../regression/routing_small.yaml
seeds: [1]
grid:
  dns.ttl_s: [20]
  dns.ttl: [20]
  policies[9].hysteresis_ms: [1]
  dns[0]: [1]
)");
  EXPECT_NE(error.find("sweep.yaml:5:3: field 'grid.dns.ttl': unknown scenario path 'dns.ttl'"), std::string::npos)
      << error;
  EXPECT_NE(error.find("'dns' has no key 'ttl'"), std::string::npos) << error;
  EXPECT_NE(error.find("sweep.yaml:6:3: field 'grid.policies[9].hysteresis_ms'"), std::string::npos) << error;
  EXPECT_NE(error.find("'policies' has 3 entries, no [9]"), std::string::npos) << error;
  EXPECT_NE(error.find("sweep.yaml:7:3: field 'grid.dns[0]'"), std::string::npos) << error;
  EXPECT_NE(error.find("'dns' is not a list"), std::string::npos) << error;
  EXPECT_EQ(error.find("grid.dns.ttl_s"), std::string::npos) << error;
}

TEST(SweepSpecTest, MalformedPathsAndValues) {
  const std::string error = ErrorOf(R"(scenario: ../regression/routing_small.yaml
seeds: [1]
grid:
  policies[x].hysteresis_ms: [1]
  dns..ttl_s: [1]
  policies[0: [1]
  dns.ttl_s: 20
  dns.zone: []
)");
  EXPECT_NE(error.find("sweep.yaml:4:3: field 'grid.policies[x].hysteresis_ms': bad path"), std::string::npos) << error;
  EXPECT_NE(error.find("expected a non-negative index in [], got '[x]'"), std::string::npos) << error;
  EXPECT_NE(error.find("sweep.yaml:5:3: field 'grid.dns..ttl_s': bad path"), std::string::npos) << error;
  EXPECT_NE(error.find("unclosed '['"), std::string::npos) << error;
  EXPECT_NE(error.find("sweep.yaml:7:14: field 'grid.dns.ttl_s': expected a non-empty list of values, got '20'"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("field 'grid.dns.zone': expected a non-empty list"), std::string::npos) << error;
}

TEST(SweepSpecTest, ValueGivingAnInvalidScenarioIsReportedAtTheValue) {
  const std::string error = ErrorOf(R"(scenario: ../regression/routing_small.yaml
seeds: [1]
grid:
  dns.ttl_s: [20, -5]
)");
  EXPECT_NE(error.find("sweep.yaml:4:19: field 'grid.dns.ttl_s[1]': gives an invalid scenario: field 'dns.ttl_s'"),
            std::string::npos)
      << error;
}

TEST(SweepSpecTest, BadSeeds) {
  EXPECT_NE(ErrorOf("scenario: ../regression/routing_small.yaml\n").find("missing required key 'seeds'"),
            std::string::npos);
  const std::string listed = ErrorOf("scenario: ../regression/routing_small.yaml\nseeds: [1, x, -2, 1]\n");
  EXPECT_NE(listed.find("sweep.yaml:2:12: field 'seeds[1]': expected a non-negative integer seed, got 'x'"),
            std::string::npos)
      << listed;
  EXPECT_NE(listed.find("field 'seeds[2]'"), std::string::npos) << listed;
  EXPECT_NE(listed.find("sweep.yaml:2:19: field 'seeds[3]': seed 1 is listed twice"), std::string::npos) << listed;
  EXPECT_NE(ErrorOf("scenario: ../regression/routing_small.yaml\nseeds: []\n").find("expected at least one seed"),
            std::string::npos);
  const std::string range = ErrorOf("scenario: ../regression/routing_small.yaml\nseeds: {from: 1, count: 0, to: 3}\n");
  EXPECT_NE(range.find("field 'seeds.count': expected an integer in [1, 100000], got '0'"), std::string::npos) << range;
  EXPECT_NE(range.find("field 'seeds.to': unknown key 'to'"), std::string::npos) << range;
  EXPECT_NE(ErrorOf("scenario: ../regression/routing_small.yaml\nseeds: 4\n").find("field 'seeds': expected a list"),
            std::string::npos);
}

TEST(SweepSpecTest, BadTopLevel) {
  const std::string error = ErrorOf("seeds: [1]\nmetrics: [\"routing.*\", [1]]\nsweeps: 3\n");
  EXPECT_NE(error.find("missing required key 'scenario'"), std::string::npos) << error;
  EXPECT_NE(error.find("sweep.yaml:2:24: field 'metrics[1]': expected a glob"), std::string::npos) << error;
  EXPECT_NE(error.find("sweep.yaml:3:1: field 'sweeps': unknown key 'sweeps'"), std::string::npos) << error;

  const std::string missing = ErrorOf("scenario: nope.yaml\nseeds: [1]\n");
  EXPECT_NE(missing.find("sweep.yaml:1:11: field 'scenario': cannot read the scenario file"), std::string::npos)
      << missing;
  EXPECT_NE(ErrorOf("scenario: [oops\n").find("sweep.yaml:"), std::string::npos);
  EXPECT_NE(ErrorOf("scenario: [oops\n").find("YAML syntax error"), std::string::npos);
  EXPECT_NE(ErrorOf("- 1\n").find("expected a mapping"), std::string::npos);
}

}  // namespace
}  // namespace cdnlab
