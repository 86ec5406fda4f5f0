// `cdnlab import topology-zoo` as a library: placement, determinism, option errors, and the RTT
// matrix override with its file:line errors. The CLI and the shipped scenarios are checked by
// tests/scenarios/import/import_cli.sh.
#include <cstdio>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scenarios/import/graphml_reader.h"
#include "scenarios/import/node_lookup.h"
#include "scenarios/import/topology_import.h"

namespace cdnlab {
namespace {

using ::testing::HasSubstr;

const std::string kGeant = std::string(CDNLAB_SOURCE_DIR) + "/scenarios/topologies/Geant2012.graphml";
const std::string kAbilene = std::string(CDNLAB_SOURCE_DIR) + "/scenarios/topologies/Abilene.graphml";

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "cdnlab_import_" + name;
  std::ofstream(path) << text;
  return path;
}

ImportOptions Geant() {
  ImportOptions o;
  o.input = kGeant;
  o.pop_nodes = {"UK=pop-lon", "DE=pop-fra", "AT=pop-vie", "GR=pop-ath", "ES=pop-mad", "SE=pop-sto"};
  return o;
}

std::string ErrorOf(const ImportOptions& o) {
  try {
    ImportTopologyZoo(o);
  } catch (const ImportError& e) {
    return e.what();
  }
  return "no error";
}

double LinkDelay(const ImportedScenario& s, const std::string& a, const std::string& b) {
  for (std::size_t l = 0; l < s.topology.links.size(); ++l) {
    const auto x = s.RouterId(s.topology.links[l].a), y = s.RouterId(s.topology.links[l].b);
    if ((x == a && y == b) || (x == b && y == a)) return s.link_delay_ms[l];
  }
  return -1;
}

TEST(TopologyImport, GeantWithNamedPops) {
  const ImportedScenario s = ImportTopologyZoo(Geant());
  ASSERT_EQ(s.pops.size(), 6u);
  EXPECT_EQ(s.pops[0].id, "pop-lon");
  EXPECT_EQ(s.topology.nodes[s.pops[0].node].label, "UK");
  EXPECT_EQ(s.groups.size(), 40u);  // every GEANT 2012 node is internal
  EXPECT_EQ(s.groups[5].id, "g-cz");
  EXPECT_EQ(s.groups[3].id, "g-pl");
  EXPECT_EQ(s.resolvers.size(), 6u);
  // UK-NL: 358 km great circle x 1.3 / 200 km/ms = 2.33 ms one way.
  EXPECT_NEAR(LinkDelay(s, "r-uk", "r-nl"), 2.33, 0.02);
}

TEST(TopologyImport, SameOptionsGiveTheSameFile) {
  const std::string a = ImportedScenarioYaml(ImportTopologyZoo(Geant()));
  const std::string b = ImportedScenarioYaml(ImportTopologyZoo(Geant()));
  EXPECT_EQ(a, b);
  ImportOptions counted;
  counted.input = kGeant;
  counted.pops = 6;
  const std::string c = ImportedScenarioYaml(ImportTopologyZoo(counted));
  EXPECT_EQ(c, ImportedScenarioYaml(ImportTopologyZoo(counted)));
  EXPECT_NE(a, c);
}

TEST(TopologyImport, CountedPopsAreSpreadByKMedian) {
  ImportOptions o;
  o.input = kAbilene;
  o.pops = 2;
  const ImportedScenario s = ImportTopologyZoo(o);
  ASSERT_EQ(s.pops.size(), 2u);
  // One east, one west of the Rockies: the two that halve the US.
  const double lon0 = s.topology.nodes[s.pops[0].node].location.longitude_deg;
  const double lon1 = s.topology.nodes[s.pops[1].node].location.longitude_deg;
  EXPECT_LT(std::min(lon0, lon1), -104);
  EXPECT_GT(std::max(lon0, lon1), -96);
}

TEST(TopologyImport, OptionErrorsNameOptionAndNode) {
  ImportOptions o = Geant();
  o.pop_nodes = {"UK", "Atlantis"};
  EXPECT_THAT(ErrorOf(o), HasSubstr("--pop-nodes: no node \"Atlantis\" in " + kGeant));
  o = Geant();
  o.pop_nodes = {"UK=London"};
  EXPECT_THAT(ErrorOf(o), HasSubstr("--pop-nodes: PoP id \"London\""));
  o = Geant();
  o.group_nodes = {"CZ", "Nowhere"};
  EXPECT_THAT(ErrorOf(o), HasSubstr("--group-nodes: no node \"Nowhere\""));
  o = ImportOptions{};
  o.input = kAbilene;
  o.pops = 12;
  EXPECT_THAT(ErrorOf(o), HasSubstr("--pops: 12 PoPs but only 11 nodes"));
  o.pops = 2;
  o.population = "zipf";
  EXPECT_THAT(ErrorOf(o), HasSubstr("--population: uniform or degree, not zipf"));
}

TEST(TopologyImport, AdjacentRttPairsSetLinkDelaysOthersAreChecked) {
  // UK-NL adjacent: 10 ms RTT -> 5 ms one way on the backbone link (router to router, no access
  // links). g-cz - pop-fra: CZ and DE are adjacent too, so that link gets 16/2 - 1 - 0.5 = 6.5 ms.
  // UK - GR are not adjacent: only checked, and 1 ms is far below any path between them.
  const std::string csv = WriteTemp("rtt.csv",
                                    "# measured\n"
                                    "node,NL,pop-fra,GR\n"
                                    "UK,10,,1\n"
                                    "g-cz,30,16,40\n");
  ImportOptions o = Geant();
  o.rtt_matrix = csv;
  // UK x pop-fra is empty: a missing pair.
  EXPECT_THAT(ErrorOf(o), HasSubstr(csv + ":3: column 3 (pop-fra): missing RTT for UK - pop-fra"));

  std::ofstream(csv) << "node,NL,pop-fra,GR\nUK,10,12,1\ng-cz,30,16,40\n";
  const ImportedScenario s = ImportTopologyZoo(o);
  EXPECT_DOUBLE_EQ(LinkDelay(s, "r-uk", "r-nl"), 5.0);
  EXPECT_DOUBLE_EQ(LinkDelay(s, "r-cz", "r-de"), 6.5);
  ASSERT_FALSE(s.rtt_report.empty());
  EXPECT_THAT(s.rtt_report[0], HasSubstr("6 pairs; 2 set the delay of 2 backbone links"));
  bool uk_gr = false;
  for (const auto& line : s.rtt_report) uk_gr |= line.find("UK - GR: measured 1.000 ms") != std::string::npos;
  EXPECT_TRUE(uk_gr);
  const std::string yaml = ImportedScenarioYaml(s);
  EXPECT_THAT(yaml, HasSubstr("{a: r-de, b: r-cz, delay_ms: 6.5, "));
  EXPECT_THAT(yaml, HasSubstr("# Measured RTT matrix"));
}

TEST(TopologyImport, FitAccessTakesWhatLinksCannotExplain) {
  // g-cz to three PoPs none of whose nodes is CZ's neighbour, each measured 4 ms above the
  // scenario's RTT: no link changes, and the fit moves g-cz's access link from 1 to 3 ms.
  const ImportedScenario plain = ImportTopologyZoo(Geant());
  const auto d = AllPairsDelayMs(plain.topology, plain.link_delay_ms);
  const auto node = [&](const std::string& label) { return *FindTopologyNode(plain.topology, label); };
  const auto rtt = [&](const std::string& pop) { return 2 * (1.0 + d[node("CZ")][node(pop)] + 0.5) + 4; };
  const std::string csv = WriteTemp("fit.csv", "group,pop-lon,pop-ath,pop-mad\n" +
                                                   fmt::format("g-cz,{:.4f},{:.4f},{:.4f}\n", rtt("UK"), rtt("GR"), rtt("ES")));
  ImportOptions o = Geant();
  o.rtt_matrix = csv;
  EXPECT_THAT(ImportTopologyZoo(o).rtt_report[0], HasSubstr("3 pairs differ"));
  o.rtt_fit_access = true;
  const ImportedScenario fitted = ImportTopologyZoo(o);
  EXPECT_THAT(fitted.rtt_report[0], HasSubstr("0 set the delay of 0 backbone links"));
  EXPECT_DOUBLE_EQ(fitted.groups[5].access_ms, 3.0);
  EXPECT_THAT(fitted.rtt_report[0], HasSubstr("0 pairs differ"));
  EXPECT_THAT(ImportedScenarioYaml(fitted), HasSubstr("{a: g-cz, b: r-cz, delay_ms: 3}"));
}

TEST(TopologyImport, MalformedRttMatrixNamesFileAndLine) {
  ImportOptions o = Geant();
  const auto error_for = [&](const std::string& name, const std::string& text) {
    o.rtt_matrix = WriteTemp(name, text);
    return ErrorOf(o);
  };
  EXPECT_THAT(error_for("nan.csv", "node,NL\nUK,fast\n"), HasSubstr("nan.csv:2: column 2 (NL): \"fast\" is not a number"));
  EXPECT_THAT(error_for("neg.csv", "node,NL\n\nUK,-3\n"), HasSubstr("neg.csv:3: column 2 (NL): RTT -3 ms is negative"));
  EXPECT_THAT(error_for("row.csv", "node,NL\nAtlantis,3\n"), HasSubstr("row.csv:2: column 1: unknown name \"Atlantis\""));
  EXPECT_THAT(error_for("col.csv", "node,NL,pop-xyz\nUK,3,4\n"),
              HasSubstr("col.csv:1: column 3: unknown name \"pop-xyz\""));
  EXPECT_THAT(error_for("width.csv", "node,NL,DE\nUK,3\n"), HasSubstr("width.csv:2: 2 cells, the header has 3"));
  EXPECT_THAT(error_for("twice.csv", "node,NL\nUK,3\nUK,4\n"), HasSubstr("twice.csv:3: column 1: row UK given twice"));
  EXPECT_THAT(error_for("empty.csv", "# nothing\n"), HasSubstr("empty.csv: empty RTT matrix"));
  o.rtt_matrix = "/nonexistent/rtt.csv";
  EXPECT_THAT(ErrorOf(o), HasSubstr("/nonexistent/rtt.csv: cannot open RTT matrix"));
}

}  // namespace
}  // namespace cdnlab
