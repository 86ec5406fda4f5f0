// `cdnlab generate streaming`'s generator: the text loads with the ordinary loader and has the
// asked-for shape; impossible specs are refused naming the field.
#include "scenarios/streaming/synthetic_scenario.h"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "scenarios/loader/scenario_loader.h"

namespace cdnlab {
namespace {

TEST(SyntheticStreamingScenario, LoadsWithTheAskedForShape) {
  SyntheticStreamingSpec spec;
  spec.viewers = 1003;
  spec.edges = 20;
  spec.regions = 4;
  spec.streams = 3;
  const Scenario s = LoadScenarioText(SyntheticStreamingYaml(spec), "<synthetic>");
  EXPECT_EQ(s.fidelity, Fidelity::kFlow);
  EXPECT_EQ(s.streaming.ingests.size(), 4u);
  EXPECT_EQ(s.streaming.mids.size(), 4u);
  EXPECT_EQ(s.streaming.edges.size(), 20u);
  EXPECT_EQ(s.streaming.publishers.size(), 3u);
  ASSERT_EQ(s.streaming.viewers.size(), 20u);
  int viewers = 0;
  for (const auto& g : s.streaming.viewers) viewers += g.count;
  EXPECT_EQ(viewers, 1003);
  for (const auto& e : s.streaming.edges) EXPECT_FALSE(e.parent.empty()) << e.id;
  EXPECT_EQ(SyntheticStreamingYaml(spec), SyntheticStreamingYaml(spec));
}

TEST(SyntheticStreamingScenario, RefusesImpossibleSpecsNamingTheField) {
  auto message = [](SyntheticStreamingSpec spec) {
    try {
      SyntheticStreamingYaml(spec);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  SyntheticStreamingSpec spec;
  spec.edges = 5;
  EXPECT_NE(message(spec).find("edges"), std::string::npos);
  spec = {};
  spec.viewers = 10;
  EXPECT_NE(message(spec).find("viewers"), std::string::npos);
  spec = {};
  spec.duration_s = 30;
  EXPECT_NE(message(spec).find("duration_s"), std::string::npos);
  spec = {};
  spec.fidelity = "fast";
  EXPECT_NE(message(spec).find("fidelity"), std::string::npos);
}

}  // namespace
}  // namespace cdnlab
