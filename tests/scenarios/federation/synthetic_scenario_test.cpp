// `cdnlab generate federation`'s generator: what it writes loads with every check of a
// hand-written file, has the sizes asked for, is the same text for the same spec, and an
// impossible spec is refused naming its field.
#include "scenarios/federation/synthetic_scenario.h"

#include <map>
#include <set>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "scenarios/federation/from_scenario.h"
#include "scenarios/loader/scenario_loader.h"

namespace cdnlab {
namespace {

SyntheticFederationSpec Small() {
  SyntheticFederationSpec s;
  s.servers = 300;
  s.parents_per_cdn = 4;
  s.configurations = 12;
  s.providers = 4;
  s.edges_per_configuration = 10;
  s.commands = 24;
  return s;
}

TEST(SyntheticFederation, LoadsWithTheSizesAskedFor) {
  const Scenario s = LoadScenarioText(SyntheticFederationYaml(Small()), "<synthetic>");
  const auto& f = s.federation;
  ASSERT_TRUE(f.present);
  EXPECT_EQ(s.fidelity, Fidelity::kFlow);
  ASSERT_EQ(f.platforms.size(), 3u);
  std::size_t servers = 0;
  for (const auto& p : f.platforms) servers += p.servers.size();
  EXPECT_EQ(servers, 300u);
  EXPECT_EQ(f.configurations.size(), 12u);
  EXPECT_EQ(f.commands.size(), 24u);
  EXPECT_TRUE(f.faults.empty());
  std::map<std::string, int> types;
  for (const auto& c : f.commands) ++types[c.type];
  EXPECT_EQ(types, (std::map<std::string, int>{{"invalidate", 6}, {"preposition", 6}, {"purge", 12}}));
}

TEST(SyntheticFederation, ConfigurationsSpanTwoOrThreeCdnsWithCascades) {
  const Scenario s = LoadScenarioText(SyntheticFederationYaml(Small()), "<synthetic>");
  const FederationCatalog catalog = BuildFederationCatalog(s);
  std::set<std::size_t> spans;
  bool cascade = false;
  for (const auto& c : catalog.Configurations()) {
    std::size_t platforms = 0;
    for (const auto& p : catalog.Platforms()) {
      const auto carrying = catalog.ServersCarrying(c.id, p.id);
      if (carrying.empty()) continue;
      ++platforms;
      EXPECT_GE(carrying.size(), 10u) << c.id << " on " << p.id;
      for (const auto& d : catalog.DownstreamPlatforms(c.id, p.id)) {
        if (!catalog.DownstreamPlatforms(c.id, d).empty()) cascade = true;
      }
    }
    spans.insert(platforms);
  }
  EXPECT_EQ(spans, (std::set<std::size_t>{2, 3}));
  EXPECT_TRUE(cascade);
}

TEST(SyntheticFederation, SameSpecSameText) {
  EXPECT_EQ(SyntheticFederationYaml(Small()), SyntheticFederationYaml(Small()));
  SyntheticFederationSpec other = Small();
  other.seed = 2;
  EXPECT_NE(SyntheticFederationYaml(Small()), SyntheticFederationYaml(other));
}

TEST(SyntheticFederation, ImpossibleSpecsNameTheirField) {
  const auto message = [](SyntheticFederationSpec s) {
    try {
      SyntheticFederationYaml(s);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  SyntheticFederationSpec s = Small();
  s.cdns = 0;
  EXPECT_NE(message(s).find("cdns"), std::string::npos);
  s = Small();
  s.servers = 20;
  EXPECT_NE(message(s).find("servers"), std::string::npos);
  s = Small();
  s.providers = 13;
  EXPECT_NE(message(s).find("providers"), std::string::npos);
  s = Small();
  s.fidelity = "fluid";
  EXPECT_NE(message(s).find("fidelity"), std::string::npos);
  s = Small();
  s.name = "a b";
  EXPECT_NE(message(s).find("name"), std::string::npos);
}

}  // namespace
}  // namespace cdnlab
