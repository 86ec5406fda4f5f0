// The Topology Zoo GML reader: the same ZooGraph as GraphML gives, and file:line errors.
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "scenarios/import/clean_topology.h"
#include "scenarios/import/gml_reader.h"
#include "scenarios/import/graphml_reader.h"
#include "scenarios/import/topology_import.h"

namespace cdnlab {
namespace {

using ::testing::HasSubstr;

const std::string kSmall = std::string(CDNLAB_SOURCE_DIR) + "/tests/scenarios/import/data/small.gml";

std::string ErrorOf(const std::string& text) {
  std::istringstream in(text);
  try {
    ReadZooGml(in, "t.gml");
  } catch (const ImportError& e) {
    return e.what();
  }
  return "no error";
}

TEST(GmlReader, ReadsNodesEdgesAndGraphData) {
  ImportOptions o;
  o.input = kSmall;
  o.pops = 1;
  const ImportedScenario s = ImportTopologyZoo(o);
  EXPECT_EQ(s.topology.network, "SmallNet");
  EXPECT_EQ(s.source_url, "http://example.org/small");
  ASSERT_EQ(s.topology.nodes.size(), 3u);
  EXPECT_EQ(s.topology.nodes[1].label, "Lyon");
  EXPECT_TRUE(s.topology.nodes[1].located_by_neighbours);  // no coordinates in the file
  ASSERT_EQ(s.topology.links.size(), 2u);
  EXPECT_DOUBLE_EQ(s.topology.links[0].bandwidth_mbps, 10000);
  EXPECT_EQ(s.topology.links[1].bandwidth_from, "LinkType OC-48");
}

TEST(GmlReader, ErrorsNameFileAndLine) {
  EXPECT_THAT(ErrorOf("name: yaml\n"), HasSubstr("t.gml: not GML"));
  EXPECT_THAT(ErrorOf("graph [\n node [ id 0 ]\n edge [ source 0 target 7 ]\n]\n"),
              HasSubstr("t.gml:3: edge target \"7\" is not a node id"));
  EXPECT_THAT(ErrorOf("graph [\n node [ id 0\n Latitude \"north\" ]\n]\n"),
              HasSubstr("t.gml:3: field Latitude: \"north\" is not a number"));
  EXPECT_THAT(ErrorOf("graph [\n node [ id 0 label \"x ]\n"), HasSubstr("t.gml:2: unterminated string"));
}

}  // namespace
}  // namespace cdnlab
