// The Topology Zoo reader (Boost.Graph read_graphml) and the cleaning of its quirks, on a small
// fixture (data/quirks.graphml) holding one of each, and on the shipped GEANT 2012 file.
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scenarios/import/clean_topology.h"
#include "scenarios/import/graphml_reader.h"

namespace cdnlab {
namespace {

using ::testing::HasSubstr;

const std::string kQuirks = std::string(CDNLAB_SOURCE_DIR) + "/tests/scenarios/import/data/quirks.graphml";
const std::string kGeant = std::string(CDNLAB_SOURCE_DIR) + "/scenarios/topologies/Geant2012.graphml";

bool Reported(const CleanTopology& t, const std::string& text) {
  for (const auto& line : t.report) {
    if (line.find(text) != std::string::npos) return true;
  }
  return false;
}

const CleanNode* Node(const CleanTopology& t, const std::string& label) {
  for (const auto& n : t.nodes) {
    if (n.label == label) return &n;
  }
  return nullptr;
}

TEST(GraphmlReader, ReadsEveryNodeAndEdgeAsWritten) {
  const ZooGraph g = ReadZooGraphmlFile(kQuirks);
  EXPECT_EQ(g.network, "Quirks");
  EXPECT_EQ(g.source_url, "http://example.org/quirks-map");
  ASSERT_EQ(g.nodes.size(), 11u);
  ASSERT_EQ(g.edges.size(), 11u);  // parallel edges and the self loop included
  EXPECT_EQ(g.nodes[0].label, "Alpha");
  EXPECT_DOUBLE_EQ(*g.nodes[0].latitude_deg, 50.0);
  EXPECT_DOUBLE_EQ(*g.nodes[0].longitude_deg, 8.0);
  EXPECT_FALSE(g.nodes[2].latitude_deg.has_value());
  EXPECT_EQ(*g.nodes[7].internal, 0);
  EXPECT_TRUE(g.nodes[8].hyperedge);
  EXPECT_DOUBLE_EQ(*g.edges[0].link_speed_bps, 1e9);
  EXPECT_EQ(g.edges[6].link_type, "OC-48");
  EXPECT_EQ(g.hyperedge_elements, 1u);
}

TEST(GraphmlReader, GeantKeepsCoordinatesAndLinkSpeeds) {
  const ZooGraph g = ReadZooGraphmlFile(kGeant);
  EXPECT_EQ(g.network, "GEANT");
  ASSERT_EQ(g.nodes.size(), 40u);
  ASSERT_EQ(g.edges.size(), 61u);
  EXPECT_EQ(g.nodes[34].label, "UK");
  EXPECT_DOUBLE_EQ(*g.nodes[34].latitude_deg, 51.50853);
  EXPECT_DOUBLE_EQ(*g.nodes[34].longitude_deg, -0.12574);
  int with_speed = 0;
  for (const auto& e : g.edges) with_speed += e.link_speed_bps.has_value();
  EXPECT_EQ(with_speed, 39);  // 22 of GEANT 2012's 61 edges give no LinkSpeedRaw
}

TEST(GraphmlReader, CleaningHandlesAndReportsEveryQuirk) {
  const CleanTopology t = CleanZooGraph(ReadZooGraphmlFile(kQuirks), CleanOptions{1000});
  // Kept: Alpha, Beta, Gamma (placed), Beta-2, Peer, Bus.
  ASSERT_EQ(t.nodes.size(), 6u);
  EXPECT_TRUE(Reported(t, "self loop at node \"Alpha\""));
  EXPECT_TRUE(Reported(t, "1 <hyperedge> element(s) ignored"));
  EXPECT_TRUE(Reported(t, "2 parallel edges between node \"Alpha\" (id 0) and node \"Beta\" (id 1) merged"));

  const CleanNode* gamma = Node(t, "Gamma");
  ASSERT_NE(gamma, nullptr);
  EXPECT_TRUE(gamma->located_by_neighbours);
  EXPECT_DOUBLE_EQ(gamma->location.latitude_deg, 51.0);
  EXPECT_DOUBLE_EQ(gamma->location.longitude_deg, 9.0);
  EXPECT_TRUE(Reported(t, "node \"Gamma\" (id 2) has no coordinates: placed at the mean"));

  EXPECT_EQ(Node(t, "Delta"), nullptr);
  EXPECT_EQ(Node(t, "Epsilon"), nullptr);
  EXPECT_TRUE(Reported(t, "node \"Delta\" (id 3) has no coordinates and no located neighbour: dropped"));
  EXPECT_EQ(Node(t, "Lonely"), nullptr);
  EXPECT_TRUE(Reported(t, "node \"Lonely\" (id 5) is isolated"));
  EXPECT_EQ(Node(t, "Island One"), nullptr);
  EXPECT_TRUE(Reported(t, "node \"Island Two\" (id 10) is not connected to the largest component"));

  const CleanNode* beta2 = Node(t, "Beta-2");
  ASSERT_NE(beta2, nullptr);
  EXPECT_EQ(beta2->slug, "beta-2");
  EXPECT_TRUE(Reported(t, "node \"Beta\" (id 6): label is an earlier node's: renamed Beta-2"));

  ASSERT_NE(Node(t, "Peer"), nullptr);
  EXPECT_FALSE(Node(t, "Peer")->HostsClients());
  EXPECT_TRUE(Reported(t, "node \"Peer\" (id 7) is external (Internal = 0)"));
  ASSERT_NE(Node(t, "Bus"), nullptr);
  EXPECT_FALSE(Node(t, "Bus")->HostsClients());
  EXPECT_TRUE(Reported(t, "node \"Bus\" (id 8) is a hyperedge"));
  EXPECT_TRUE(Node(t, "Alpha")->HostsClients());

  // Links: Alpha-Beta merged (1 + 2.5 Gbit/s), Beta-Beta2 from OC-48, the rest defaulted.
  ASSERT_EQ(t.links.size(), 7u);
  const CleanLink& ab = t.links[0];
  EXPECT_EQ(t.nodes[ab.a].label, "Alpha");
  EXPECT_EQ(t.nodes[ab.b].label, "Beta");
  EXPECT_DOUBLE_EQ(ab.bandwidth_mbps, 3500);
  EXPECT_EQ(ab.parallel_edges, 2);
  int oc48 = 0, defaulted = 0;
  for (const auto& l : t.links) {
    if (l.bandwidth_from == "LinkType OC-48") {
      ++oc48;
      EXPECT_DOUBLE_EQ(l.bandwidth_mbps, 48 * 51.84);
    }
    if (l.bandwidth_from == "default") {
      ++defaulted;
      EXPECT_DOUBLE_EQ(l.bandwidth_mbps, 1000);
    }
  }
  EXPECT_EQ(oc48, 1);
  EXPECT_EQ(defaulted, 5);
  EXPECT_TRUE(Reported(t, "5 of 7 links give no LinkSpeedRaw (nor an OC-n LinkType): bandwidth 1000 Mbps"));
}

TEST(GraphmlReader, NotGraphmlIsAnErrorNamingTheFile) {
  std::istringstream text("name: not-a-graph\nrouters: []\n");
  try {
    ReadZooGraphml(text, "scenario.yaml");
    FAIL() << "no error";
  } catch (const ImportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("scenario.yaml: not readable as GraphML"));
  }
  std::istringstream xml("<?xml version=\"1.0\"?><html><body/></html>");
  try {
    ReadZooGraphml(xml, "page.html");
    FAIL() << "no error";
  } catch (const ImportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("page.html"));
  }
}

TEST(GraphmlReader, MissingFileIsAnErrorNamingIt) {
  try {
    ReadZooGraphmlFile("/nonexistent/Topo.graphml");
    FAIL() << "no error";
  } catch (const ImportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/Topo.graphml: cannot open"));
  }
}

TEST(GraphmlReader, BadCoordinateNamesNodeAndField) {
  std::istringstream in(R"(<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key attr.name="Latitude" attr.type="double" for="node" id="d29" />
  <graph edgedefault="undirected">
    <node id="0"><data key="d29">north</data></node>
  </graph></graphml>)");
  try {
    ReadZooGraphml(in, "bad.graphml");
    FAIL() << "no error";
  } catch (const ImportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("bad.graphml: node #0: field Latitude: \"north\" is not a number"));
  }
}

}  // namespace
}  // namespace cdnlab
