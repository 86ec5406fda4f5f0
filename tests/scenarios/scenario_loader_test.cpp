// Every kind of bad scenario input gets an error naming file, line, column and field.
#include "scenarios/scenario_loader.h"

#include <gtest/gtest.h>

#include "scenarios/default_scenario.h"

namespace cdnlab {
namespace {

// A valid scenario; tests replace one line to break it. Line numbers are 1-based.
const char* kValid = R"(name: tiny
seed: 3
duration_s: 100
routers:
  - {id: r1, lat: 50, lon: 8}
pops:
  - {id: p1, lat: 50, lon: 8, servers: 2, capacity_rps: 100}
resolvers:
  - {id: res1, lat: 50, lon: 8}
client_groups:
  - {id: g1, prefix: 10.1.0.0/24, lat: 51, lon: 7, population: 1000, resolver: res1}
  - {id: g2, prefix: 10.2.0.0/24, lat: 48, lon: 2, population: 500, resolver: res1}
dns: {id: dns, lat: 50, lon: 8, zone: example.net, hostname: cdn.example.net, ttl_s: 30}
links:
  - {a: p1, b: r1}
  - {a: g1, b: r1, delay_ms: 4, loss: 0.01}
  - {a: g2, b: r1}
  - {a: res1, b: r1}
  - {a: dns, b: r1}
policies:
  - {name: measured, hysteresis_ms: 2}
  - {name: geo}
timeline:
  - {at_s: 50, type: link_change, link: [g1, r1], delay_ms: 40}
  - {at_s: 20, type: pop_fail, pop: p1}
)";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

// Loads text that must fail and returns the error message.
std::string ErrorOf(const std::string& text) {
  try {
    LoadScenarioText(text, "bad.yaml");
  } catch (const ScenarioError& e) {
    EXPECT_FALSE(e.Issues().empty());
    return e.what();
  }
  ADD_FAILURE() << "scenario was accepted";
  return "";
}

#define EXPECT_MENTIONS(message, text) EXPECT_NE((message).find(text), std::string::npos) << (message)

TEST(ScenarioLoader, LoadsAValidScenarioWithDefaults) {
  const Scenario s = LoadScenarioText(kValid, "tiny.yaml");
  EXPECT_EQ(s.name, "tiny");
  EXPECT_EQ(s.source, "tiny.yaml");
  EXPECT_EQ(s.seed, 3u);
  ASSERT_EQ(s.pops.size(), 1u);
  EXPECT_EQ(s.pops[0].servers, 2);
  ASSERT_EQ(s.client_groups.size(), 2u);
  EXPECT_EQ(s.client_groups[0].prefix.ToString(), "10.1.0.0/24");
  EXPECT_TRUE(s.resolvers[0].client_subnet) << "default: sends ECS";
  ASSERT_EQ(s.links.size(), 5u);
  EXPECT_EQ(s.links[1].delay_ms, std::optional<double>(4));
  EXPECT_FALSE(s.links[0].delay_ms.has_value());
  EXPECT_EQ(s.policies[0].hysteresis_ms, 2);
  EXPECT_EQ(s.probing.interval_s, 10);
  ASSERT_EQ(s.timeline.size(), 2u);
  EXPECT_EQ(s.timeline[0].type, TimelineEventType::kPopFail) << "sorted by time";
  EXPECT_EQ(s.timeline[1].delay_ms, std::optional<double>(40));
  EXPECT_FALSE(s.timeline[1].description.empty());
}

TEST(ScenarioLoader, MissingRequiredKey) {
  const auto m = ErrorOf(Replace(kValid, "seed: 3\n", ""));
  EXPECT_MENTIONS(m, "bad.yaml:1:1: field 'seed': missing required key 'seed'");
}

TEST(ScenarioLoader, UnknownKeyAtTopLevelAndNested) {
  EXPECT_MENTIONS(ErrorOf(std::string(kValid) + "colour: blue\n"), "bad.yaml:26:1: field 'colour': unknown key 'colour'");
  const auto m = ErrorOf(Replace(kValid, "servers: 2,", "servers: 2, sevrers: 3,"));
  EXPECT_MENTIONS(m, "bad.yaml:7:");
  EXPECT_MENTIONS(m, "field 'pops[0].sevrers': unknown key 'sevrers'; expected one of:");
}

TEST(ScenarioLoader, WrongTypes) {
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "duration_s: 100", "duration_s: long")),
                  "bad.yaml:3:13: field 'duration_s': expected a number > 0, got 'long'");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "pops:\n  - {id: p1", "pops:\n  - - {id: p1")),
                  "field 'pops[0]': expected a mapping");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "routers:\n  - {id: r1, lat: 50, lon: 8}", "routers: r1")),
                  "bad.yaml:4:10: field 'routers': expected a list, got 'r1'");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "{id: res1, lat: 50, lon: 8}", "{id: res1, lat: 50, lon: 8, client_subnet: maybe}")),
                  "expected true or false, got 'maybe'");
}

TEST(ScenarioLoader, IntegersMustBeIntegers) {
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "servers: 2", "servers: 2.5")),
                  "field 'pops[0].servers': expected an integer in [1, 1000], got '2.5'");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "seed: 3", "seed: -3")), "field 'seed': expected an integer");
}

TEST(ScenarioLoader, OutOfRangeValues) {
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "{id: r1, lat: 50", "{id: r1, lat: 95")),
                  "bad.yaml:5:19: field 'routers[0].lat': expected a latitude in [-90, 90], got 95");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "loss: 0.01", "loss: 1.5")), "field 'links[1].loss': expected a loss probability in [0, 1)");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "at_s: 50", "at_s: 500")), "field 'timeline[0].at_s': expected a time within the run");
}

TEST(ScenarioLoader, BadPrefixes) {
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "10.1.0.0/24", "10.1.0.0")), "field 'client_groups[0].prefix': expected an IPv4 prefix");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "10.1.0.0/24", "10.1.0.300/24")), "expected an IPv4 prefix");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "10.1.0.0/24", "10.1.0.7/24")), "host bits set in '10.1.0.7/24'; did you mean 10.1.0.0/24?");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "10.2.0.0/24", "10.1.0.0/16")),
                  "bad.yaml:12:22: field 'client_groups[1].prefix': 10.1.0.0/16 overlaps 10.1.0.0/24 of client group 'g1'");
}

TEST(ScenarioLoader, DuplicateIds) {
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "{id: g2,", "{id: p1,")),
                  "bad.yaml:12:10: field 'client_groups[1].id': id 'p1' is already used by pops[0].id");
}

TEST(ScenarioLoader, DanglingReferences) {
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "resolver: res1}\n  - {id: g2", "resolver: nobody}\n  - {id: g2")),
                  "bad.yaml:11:80: field 'client_groups[0].resolver': no resolver with id 'nobody'");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "{a: p1, b: r1}", "{a: p1, b: r9}")), "field 'links[0].b': no node with id 'r9'");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "link: [g1, r1]", "link: [g1, g2]")),
                  "bad.yaml:24:41: field 'timeline[0].link': no link between 'g1' and 'g2'");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "pop: p1", "pop: p7")), "field 'timeline[1].pop': no PoP with id 'p7'");
}

TEST(ScenarioLoader, DuplicateLinks) {
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "  - {a: dns, b: r1}", "  - {a: dns, b: r1}\n  - {a: r1, b: p1}")),
                  "field 'links[5]': duplicate of links[0] (r1 - p1)");
}

TEST(ScenarioLoader, UnreachableNodes) {
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "  - {a: g2, b: r1}\n", "")), "'g2' has no path to PoP 'p1'; add a link");
}

TEST(ScenarioLoader, BadPoliciesAndEvents) {
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "{name: geo}", "{name: fastest}")), "unknown policy 'fastest'");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "{name: geo}", "{name: measured}")), "policy 'measured' is listed twice");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "{name: geo}", "{name: geo, hysteresis_ms: 3}")), "unknown key 'hysteresis_ms'");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "type: pop_fail", "type: pop_explode")), "unknown event type 'pop_explode'");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, ", delay_ms: 40}", "}")), "a link_change must set at least one of");
}

TEST(ScenarioLoader, YamlSyntaxError) {
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "seed: 3", "seed: [3")), "bad.yaml:");
  EXPECT_MENTIONS(ErrorOf(Replace(kValid, "seed: 3", "seed: [3")), "YAML syntax error");
}

TEST(ScenarioLoader, FileNotFound) {
  try {
    LoadScenarioFile("/nonexistent/dir/s.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_MENTIONS(std::string(e.what()), "/nonexistent/dir/s.yaml: cannot open the scenario file");
  }
}

TEST(ScenarioLoader, ReportsSeveralProblemsAtOnce) {
  std::string text = Replace(kValid, "servers: 2", "servers: zero");
  text = Replace(text, "lat: 51, lon: 7", "lat: 151, lon: 7");
  text = Replace(text, "ttl_s: 30", "ttl_s: -1");
  try {
    LoadScenarioText(text, "bad.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.Issues().size(), 3u) << e.what();
  }
}

TEST(ScenarioLoader, TheBuiltInDefaultIsValid) {
  const Scenario s = LoadScenarioText(DefaultScenarioYaml(), kDefaultScenarioName);
  EXPECT_EQ(s.pops.size(), 6u);
  EXPECT_EQ(s.client_groups.size(), 40u);
  EXPECT_EQ(s.policies.size(), 4u);
}

}  // namespace
}  // namespace cdnlab

namespace cdnlab {
namespace {

const char* kRealnet = R"(realnet:
  controller: 127.0.3.1:17100
  dns: 127.0.3.1:17153
  servers: {p1: [127.0.2.1, 127.0.2.2]}
  groups: {g1: 127.0.1.1, g2: 127.0.1.2}
)";

TEST(ScenarioLoaderRealnet, ReadsAddresses) {
  const Scenario s = LoadScenarioText(std::string(kValid) + kRealnet, "rn.yaml");
  ASSERT_TRUE(s.realnet.present);
  EXPECT_EQ(s.realnet.controller.ToString(), "127.0.3.1:17100");
  ASSERT_EQ(s.realnet.servers.size(), 1u);
  EXPECT_EQ(s.realnet.servers[0].second.size(), 2u);
  EXPECT_EQ(s.realnet.groups.size(), 2u);
  EXPECT_EQ(s.realnet.responder_port, 7007);
  EXPECT_FALSE(LoadScenarioText(kValid, "plain.yaml").realnet.present);
}

TEST(ScenarioLoaderRealnet, RejectsIncompleteOrWrongSections) {
  const std::string base = std::string(kValid) + kRealnet;
  EXPECT_MENTIONS(ErrorOf(Replace(base, "127.0.3.1:17100", "127.0.3.1")), "expected IPV4:PORT");
  EXPECT_MENTIONS(ErrorOf(Replace(base, "[127.0.2.1, 127.0.2.2]", "[127.0.2.1]")),
                  "PoP 'p1' has 2 servers but 1 addresses are listed");
  EXPECT_MENTIONS(ErrorOf(Replace(base, ", g2: 127.0.1.2", "")), "no responder address for client group 'g2'");
  EXPECT_MENTIONS(ErrorOf(Replace(base, "g2: 127.0.1.2", "g3: 127.0.1.2")), "no client group with id 'g3'");
  EXPECT_MENTIONS(ErrorOf(Replace(base, "127.0.1.1", "localhost")), "expected an IPv4 address");
}

}  // namespace
}  // namespace cdnlab
