// `fidelity: packet|flow` at the top level of a scenario; anything else is an error naming
// file:line:column, the field and the allowed values.
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/scenario_text.h"

#include "scenarios/core/fidelity_names.h"
#include "scenarios/loader/scenario_loader.h"

namespace cdnlab {
namespace {

std::string RoutingSmall() {
  std::ifstream in(std::string(CDNLAB_SOURCE_DIR) + "/scenarios/regression/routing_small.yaml");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(FidelityLoader, DefaultsToPacket) {
  EXPECT_TRUE(LoadScenarioText(RoutingSmall(), "s.yaml").fidelity == Fidelity::kPacket);
}

TEST(FidelityLoader, ReadsPacketAndFlow) {
  const std::string text = RoutingSmall();
  const auto with = [&](const std::string& line) {
    return LoadScenarioText(testing::Replace(text, "seed: 7\n", "seed: 7\n" + line + "\n"), "s.yaml").fidelity;
  };
  EXPECT_TRUE(with("fidelity: flow") == Fidelity::kFlow);
  EXPECT_TRUE(with("fidelity: packet") == Fidelity::kPacket);
}

TEST(FidelityLoader, RejectsOtherValues) {
  const std::string text = RoutingSmall();
  EXPECT_ISSUE_IN(text, "seed: 7\n", "seed: 7\nfidelity: fluid\n", "fluid", "fidelity",
                  "unknown fidelity 'fluid'; expected one of: packet, flow");
  EXPECT_ISSUE_IN(text, "seed: 7\n", "seed: 7\nfidelity: [flow]\n", "[flow]", "fidelity",
                  "expected a string, got a list");
}

TEST(FidelityLoader, NamesRoundTrip) {
  for (const Fidelity f : {Fidelity::kPacket, Fidelity::kFlow}) EXPECT_TRUE(ParseFidelity(FidelityName(f)) == f);
  EXPECT_FALSE(ParseFidelity("Flow").has_value());
}

}  // namespace
}  // namespace cdnlab
