#include "scenarios/routing/synthetic_scenario.h"

#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

#include "scenarios/core/scenario_error.h"
#include "scenarios/loader/scenario_loader.h"

namespace cdnlab {
namespace {

SyntheticScenarioSpec Small() {
  SyntheticScenarioSpec spec;
  spec.groups = 3000;
  spec.pops = 24;
  spec.requests = 300000;
  spec.duration_s = 120;
  spec.warmup_s = 25;
  spec.seed = 9;
  return spec;
}

TEST(SyntheticScenario, LoadsWithEveryCheckPassing) {
  const Scenario s = LoadScenarioText(SyntheticScenarioYaml(Small()), "<synthetic>");
  EXPECT_EQ(s.client_groups.size(), 3000u);
  EXPECT_EQ(s.pops.size(), 24u);
  EXPECT_EQ(s.routers.size(), 12u);   // max(8, pops / 2)
  EXPECT_EQ(s.resolvers.size(), 4u);  // max(4, groups / 2000)
  EXPECT_EQ(s.seed, 9u);
  ASSERT_EQ(s.policies.size(), 2u);
  EXPECT_EQ(s.policies[0].kind, PolicyKind::kRum);
  EXPECT_EQ(s.policies[1].kind, PolicyKind::kGeo);
  // 300,000 downloads over 3000 groups and the (120 - 25 - 5) s measured window.
  EXPECT_NEAR(s.workload.downloads_per_group_per_min, 300000.0 / 3000 / 1.5, 1e-4);
  std::set<std::string> prefixes;
  for (const auto& g : s.client_groups) prefixes.insert(g.prefix.ToString());
  EXPECT_EQ(prefixes.size(), 3000u);
}

TEST(SyntheticScenario, PrefixesCrossIntoTheNextSlashEight) {
  SyntheticScenarioSpec spec = Small();
  spec.groups = 65537;
  spec.pops = 2;
  const Scenario s = LoadScenarioText(SyntheticScenarioYaml(spec), "<synthetic>");
  EXPECT_EQ(s.client_groups[65535].prefix.ToString(), "10.255.255.0/24");
  EXPECT_EQ(s.client_groups[65536].prefix.ToString(), "11.0.0.0/24");
}

TEST(SyntheticScenario, SameSpecSameTextOtherSeedOtherText) {
  EXPECT_EQ(SyntheticScenarioYaml(Small()), SyntheticScenarioYaml(Small()));
  SyntheticScenarioSpec other = Small();
  other.seed = 10;
  EXPECT_NE(SyntheticScenarioYaml(Small()), SyntheticScenarioYaml(other));
}

TEST(SyntheticScenario, RefusesImpossibleSpecs) {
  SyntheticScenarioSpec spec = Small();
  spec.groups = 0;
  EXPECT_THROW(SyntheticScenarioYaml(spec), std::invalid_argument);
  spec = Small();
  spec.name = "two words";
  EXPECT_THROW(SyntheticScenarioYaml(spec), std::invalid_argument);
  spec = Small();
  spec.duration_s = 30;  // no measured window after a 25 s warm-up
  EXPECT_THROW(SyntheticScenarioYaml(spec), std::invalid_argument);
}

// The overlap check is a sort-and-sweep now; it must still find nested and equal prefixes.
TEST(SyntheticScenario, OverlapCheckFindsNestedAndEqualPrefixesAmongThousands) {
  std::string yaml = SyntheticScenarioYaml(Small());
  const std::string g17 = "prefix: 10.0.17.0/24";
  const std::string g2999 = "prefix: 10.11.183.0/24";
  ASSERT_NE(yaml.find(g2999), std::string::npos);
  yaml.replace(yaml.find(g2999), g2999.size(), "prefix: 10.0.16.0/23");  // contains group 17's /24 (and 16's)
  try {
    LoadScenarioText(yaml, "big.yaml");
    FAIL() << "overlap not found";
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("client_groups[2999].prefix"), std::string::npos) << what;
    EXPECT_NE(what.find("10.0.16.0/23 overlaps 10.0.17.0/24 of client group 'g17'"), std::string::npos) << what;
    EXPECT_NE(what.find("10.0.16.0/23 overlaps 10.0.16.0/24 of client group 'g16'"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace cdnlab
