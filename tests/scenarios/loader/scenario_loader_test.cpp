// Every kind of bad scenario input gets an error naming file, line, column and field.
#include "scenarios/loader/scenario_loader.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/scenario_text.h"

#include "scenarios/loader/default_scenario.h"

namespace cdnlab {
namespace {

using testing::ErrorOf;
using testing::PositionOf;
using testing::Replace;

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

// `kValid` with `from` replaced by `to` must fail with this issue, located where `at` occurs.
#define EXPECT_ISSUE(from, to, at, field, message) EXPECT_ISSUE_IN(kValid, from, to, at, field, message)

TEST(ScenarioLoader, LoadsAValidScenarioWithDefaults) {
  const Scenario s = LoadScenarioText(kValid, "tiny.yaml");
  EXPECT_EQ(s.name, "tiny");
  EXPECT_EQ(s.source, "tiny.yaml");
  EXPECT_EQ(s.seed, 3u);
  EXPECT_EQ(s.duration_s, 100);
  ASSERT_EQ(s.routers.size(), 1u);
  EXPECT_EQ(s.routers[0].location.latitude_deg, 50);
  EXPECT_EQ(s.routers[0].location.longitude_deg, 8);
  ASSERT_EQ(s.pops.size(), 1u);
  EXPECT_EQ(s.pops[0].servers, 2);
  EXPECT_EQ(s.pops[0].capacity_rps, 100);
  ASSERT_EQ(s.client_groups.size(), 2u);
  EXPECT_EQ(s.client_groups[0].prefix.ToString(), "10.1.0.0/24");
  EXPECT_EQ(s.client_groups[0].population, 1000);
  EXPECT_EQ(s.client_groups[0].resolver, "res1");
  EXPECT_TRUE(s.resolvers[0].client_subnet) << "default: sends ECS";
  EXPECT_EQ(s.dns.hostname, "cdn.example.net");
  EXPECT_EQ(s.dns.ttl_s, 30);
  ASSERT_EQ(s.links.size(), 5u);
  EXPECT_EQ(s.links[1].delay_ms, std::optional<double>(4));
  EXPECT_EQ(s.links[1].loss, std::optional<double>(0.01));
  EXPECT_EQ(s.links[1].line, 16);
  EXPECT_FALSE(s.links[0].delay_ms.has_value()) << "left for the topology to derive";
  // Optional blocks that are absent keep their documented defaults.
  EXPECT_EQ(s.link_defaults.km_per_ms, 200);
  EXPECT_EQ(s.link_defaults.route_stretch, 1.3);
  EXPECT_EQ(s.probing.interval_s, 10);
  EXPECT_EQ(s.probing.packets_per_train, 5);
  EXPECT_EQ(s.mapping.recompute_interval_s, 5);
  EXPECT_EQ(s.workload.object_bytes, 100000u);
  EXPECT_EQ(s.evaluation.unavailable_penalty_ms, 1000);
  ASSERT_EQ(s.policies.size(), 2u);
  EXPECT_EQ(s.policies[0].hysteresis_ms, 2);
  EXPECT_EQ(s.policies[0].ewma_alpha, 0.3);
  EXPECT_EQ(s.policies[1].name, "geo");
  ASSERT_EQ(s.timeline.size(), 2u);
  EXPECT_EQ(s.timeline[0].type, TimelineEventType::kPopFail) << "sorted by time";
  EXPECT_EQ(s.timeline[0].pop, "p1");
  EXPECT_EQ(s.timeline[1].link_a, "g1");
  EXPECT_EQ(s.timeline[1].link_b, "r1");
  EXPECT_EQ(s.timeline[1].delay_ms, std::optional<double>(40));
  EXPECT_FALSE(s.timeline[1].loss.has_value());
  EXPECT_FALSE(s.timeline[1].description.empty());
}

TEST(ScenarioLoader, TimelineSortIsStable) {
  const Scenario s = LoadScenarioText(
      Replace(kValid, "  - {at_s: 20, type: pop_fail, pop: p1}\n",
              "  - {at_s: 50, type: pop_fail, pop: p1}\n  - {at_s: 50, type: pop_recover, pop: p1}\n"),
      "t.yaml");
  ASSERT_EQ(s.timeline.size(), 3u);
  EXPECT_EQ(s.timeline[0].type, TimelineEventType::kLinkChange);
  EXPECT_EQ(s.timeline[1].type, TimelineEventType::kPopFail);
  EXPECT_EQ(s.timeline[2].type, TimelineEventType::kPopRecover);
}

TEST(ScenarioLoader, LoadsFromAFile) {
  const std::string path = ::testing::TempDir() + "/cdnlab_loader_tiny.yaml";
  std::ofstream(path) << kValid;
  const Scenario s = LoadScenarioFile(path);
  EXPECT_EQ(s.source, path);
  EXPECT_EQ(s.name, "tiny");
  std::remove(path.c_str());
}

TEST(ScenarioLoader, MissingRequiredKeyAtTopLevel) {
  const auto m = ErrorOf(Replace(kValid, "seed: 3\n", ""));
  EXPECT_MENTIONS(m, "bad.yaml:1:1: field 'seed': missing required key 'seed'");
}

TEST(ScenarioLoader, MissingRequiredKeyInAListEntry) {
  // Reported at the mapping that lacks the key.
  EXPECT_ISSUE("servers: 2, ", "", "{id: p1", "pops[0].servers", "missing required key 'servers'");
}

TEST(ScenarioLoader, UnknownKeyAtTopLevel) {
  EXPECT_MENTIONS(ErrorOf(std::string(kValid) + "colour: blue\n"),
                  "bad.yaml:26:1: field 'colour': unknown key 'colour'; expected one of: client_groups, dns, ");
}

TEST(ScenarioLoader, UnknownKeyNested) {
  EXPECT_ISSUE("servers: 2,", "servers: 2, sevrers: 3,", "sevrers", "pops[0].sevrers",
               "unknown key 'sevrers'; expected one of: capacity_rps, id, lat, lon, servers");
  EXPECT_ISSUE("ttl_s: 30}", "ttl_s: 30, ttl: 5}", "ttl:", "dns.ttl", "unknown key 'ttl'");
}

// yaml-cpp keeps the first of two equal keys without a word; the loader must not.
TEST(ScenarioLoader, KeyGivenTwice) {
  EXPECT_MENTIONS(ErrorOf(std::string(kValid) + "seed: 4\n"),
                  "bad.yaml:26:1: field 'seed': key 'seed' is given twice (first on line");
  EXPECT_ISSUE("servers: 2,", "servers: 2, servers: 3,", "servers: 3", "pops[0].servers", "key 'servers' is given twice");
}

TEST(ScenarioLoader, NumberExpected) {
  EXPECT_ISSUE("duration_s: 100", "duration_s: long", "long", "duration_s", "expected seconds in [1e-9, 1e9], got 'long'");
  EXPECT_ISSUE("capacity_rps: 100", "capacity_rps: fast", "fast", "pops[0].capacity_rps",
               "expected a number in (0, 1e15], got 'fast'");
}

TEST(ScenarioLoader, ListWhereAMappingBelongs) {
  EXPECT_ISSUE("pops:\n  - {id: p1", "pops:\n  - - {id: p1", "- {id: p1", "pops[0]",
               "expected a mapping of keys to values, got a list");
}

TEST(ScenarioLoader, ScalarWhereAListBelongs) {
  EXPECT_ISSUE("routers:\n  - {id: r1, lat: 50, lon: 8}", "routers: r1", "r1", "routers", "expected a list, got 'r1'");
}

TEST(ScenarioLoader, ListOrMappingWhereAScalarBelongs) {
  EXPECT_ISSUE("name: tiny", "name: [tiny]", "[tiny]", "name", "expected a string, got a list");
  EXPECT_ISSUE("lat: 50, lon: 8}\nclient", "lat: {deg: 50}, lon: 8}\nclient", "{deg", "resolvers[0].lat",
               "expected a latitude in [-90, 90], got a mapping");
}

TEST(ScenarioLoader, BooleanExpected) {
  EXPECT_ISSUE("{id: res1, lat: 50, lon: 8}", "{id: res1, lat: 50, lon: 8, client_subnet: maybe}", "maybe",
               "resolvers[0].client_subnet", "expected true or false, got 'maybe'");
}

TEST(ScenarioLoader, IntegersMustBeIntegers) {
  EXPECT_ISSUE("servers: 2", "servers: 2.5", "2.5", "pops[0].servers", "expected an integer in [1, 1000], got '2.5'");
  EXPECT_ISSUE("seed: 3", "seed: -3", "-3", "seed", "expected an integer in [0, ");
}

TEST(ScenarioLoader, LatitudeOutOfRange) {
  EXPECT_ISSUE("{id: r1, lat: 50", "{id: r1, lat: 95", "95", "routers[0].lat",
               "expected a latitude in [-90, 90], got 95");
}

TEST(ScenarioLoader, LongitudeOutOfRange) {
  EXPECT_ISSUE("lat: 48, lon: 2", "lat: 48, lon: -200", "-200", "client_groups[1].lon",
               "expected a longitude in [-180, 180], got -200");
}

TEST(ScenarioLoader, LossOutOfRange) {
  EXPECT_ISSUE("loss: 0.01", "loss: 1.5", "1.5", "links[1].loss", "expected a loss probability in [0, 1), got 1.5");
  EXPECT_ISSUE("loss: 0.01", "loss: 1", "loss: ^1", "links[1].loss", "expected a loss probability in [0, 1), got 1");
}

TEST(ScenarioLoader, EventTimeOutsideTheRun) {
  EXPECT_ISSUE("at_s: 50", "at_s: 500", "at_s: ^500", "timeline[0].at_s",
               "expected a time within the run (<= duration_s 100), got 500");
  EXPECT_ISSUE("at_s: 20", "at_s: -1", "-1", "timeline[1].at_s", "expected seconds in [0, 1e9], got -1");
}

TEST(ScenarioLoader, UnparsablePrefix) {
  EXPECT_ISSUE("10.1.0.0/24", "10.1.0.0", "10.1.0.0,", "client_groups[0].prefix",
               "expected an IPv4 prefix like 10.1.2.0/24, got '10.1.0.0'");
  EXPECT_ISSUE("10.1.0.0/24", "10.1.0.300/24", "10.1.0.300", "client_groups[0].prefix", "expected an IPv4 prefix");
}

TEST(ScenarioLoader, PrefixLengthOutOfRange) {
  EXPECT_ISSUE("10.1.0.0/24", "10.1.0.0/31", "10.1.0.0/31", "client_groups[0].prefix",
               "expected a prefix length from 8 to 30, got '10.1.0.0/31'");
  EXPECT_ISSUE("10.1.0.0/24", "10.0.0.0/4", "10.0.0.0/4", "client_groups[0].prefix", "expected a prefix length");
}

TEST(ScenarioLoader, Ipv6ShareOfADualStackGroup) {
  const Scenario s = LoadScenarioText(
      Replace(kValid, "prefix: 10.1.0.0/24,", "prefix: 10.1.0.0/24, prefix6: \"2001:db8:1::/48\", ipv6_share: 0.4,"),
      "dual.yaml");
  ASSERT_TRUE(s.client_groups[0].prefix6);
  EXPECT_DOUBLE_EQ(s.client_groups[0].ipv6_share, 0.4);
  const Scenario d = LoadScenarioText(Replace(kValid, "prefix: 10.1.0.0/24,", "prefix: 10.1.0.0/24, prefix6: \"2001:db8:1::/48\","),
                                      "dual.yaml");
  EXPECT_DOUBLE_EQ(d.client_groups[0].ipv6_share, 1.0) << "RFC 8305: dual-stack clients prefer IPv6";
}

TEST(ScenarioLoader, Ipv6ShareOutOfRangeOrWithoutPrefix6) {
  EXPECT_ISSUE("prefix: 10.1.0.0/24,", "prefix: 10.1.0.0/24, prefix6: \"2001:db8:1::/48\", ipv6_share: 1.5,", "1.5",
               "client_groups[0].ipv6_share", "expected a number in [0, 1], got 1.5");
  EXPECT_ISSUE("prefix: 10.1.0.0/24,", "prefix: 10.1.0.0/24, ipv6_share: 0.5,", "ipv6_share: ^0.5",
               "client_groups[0].ipv6_share", "needs prefix6");
}

TEST(ScenarioLoader, PrefixWithHostBitsSet) {
  EXPECT_ISSUE("10.1.0.0/24", "10.1.0.7/24", "10.1.0.7", "client_groups[0].prefix",
               "host bits set in '10.1.0.7/24'; did you mean 10.1.0.0/24?");
}

TEST(ScenarioLoader, OverlappingPrefixes) {
  EXPECT_ISSUE("10.2.0.0/24", "10.1.0.0/16", "10.1.0.0/16", "client_groups[1].prefix",
               "10.1.0.0/16 overlaps 10.1.0.0/24 of client group 'g1'");
}

// Dual-stack groups: an IPv6 prefix beside the IPv4 one, checked like it.
TEST(ScenarioLoader, DualStackGroupsHaveAnIPv6Prefix) {
  const std::string dual = Replace(Replace(kValid, "prefix: 10.1.0.0/24,", "prefix: 10.1.0.0/24, prefix6: '2001:db8:1::/48',"),
                                   "prefix: 10.2.0.0/24,", "prefix: 10.2.0.0/24, prefix6: '2001:db8:2::/48',");
  const Scenario s = LoadScenarioText(dual, "dual.yaml");
  ASSERT_TRUE(s.client_groups[0].prefix6.has_value());
  EXPECT_EQ(s.client_groups[0].prefix6->ToString(), "2001:db8:1::/48");
  EXPECT_FALSE(LoadScenarioText(kValid, "v4.yaml").client_groups[0].prefix6.has_value());
  // Locations point at the quoted value.
  EXPECT_ISSUE_IN(dual.c_str(), "2001:db8:2::/48", "2001:db8:1:8000::/49", "'2001:db8:1:8000::/49'",
                  "client_groups[1].prefix6", "2001:db8:1:8000::/49 overlaps 2001:db8:1::/48 of client group 'g1'");
  EXPECT_ISSUE_IN(dual.c_str(), "2001:db8:2::/48", "2001:db8:2::1/48", "'2001:db8:2::1/48'", "client_groups[1].prefix6",
                  "'2001:db8:2::1/48' has host bits set; the network is 2001:db8:2::/48");
  EXPECT_ISSUE_IN(dual.c_str(), "2001:db8:2::/48", "2001:db8:2::/96", "'2001:db8:2::/96'", "client_groups[1].prefix6",
                  "prefix length 96 is outside 16..64");
  EXPECT_ISSUE_IN(dual.c_str(), "2001:db8:2::/48", "10.9.0.0/16", "'10.9.0.0/16'", "client_groups[1].prefix6", "");
}

TEST(ScenarioLoader, DuplicateIdsAcrossNodeKinds) {
  EXPECT_ISSUE("{id: g2,", "{id: p1,", "p1, prefix", "client_groups[1].id", "id 'p1' is already used by pops[0].id");
  EXPECT_ISSUE("dns: {id: dns", "dns: {id: r1", "r1, lat: 50, lon: 8, zone", "dns.id",
               "id 'r1' is already used by routers[0].id");
}

TEST(ScenarioLoader, DanglingResolverReference) {
  EXPECT_ISSUE("resolver: res1}\n  - {id: g2", "resolver: nobody}\n  - {id: g2", "nobody", "client_groups[0].resolver",
               "no resolver with id 'nobody'");
}

TEST(ScenarioLoader, DanglingLinkEnd) {
  EXPECT_ISSUE("{a: p1, b: r1}", "{a: p1, b: r9}", "r9", "links[0].b", "no node with id 'r9'");
}

TEST(ScenarioLoader, TimelineLinkThatIsNotALink) {
  EXPECT_ISSUE("link: [g1, r1]", "link: [g1, g2]", "[g1, g2]", "timeline[0].link", "no link between 'g1' and 'g2'");
}

TEST(ScenarioLoader, TimelinePopThatIsNotAPop) {
  EXPECT_ISSUE("pop: p1", "pop: r1", "pop: ^r1", "timeline[1].pop", "no PoP with id 'r1'");
}

TEST(ScenarioLoader, DuplicateLinkInEitherOrder) {
  EXPECT_ISSUE("  - {a: dns, b: r1}", "  - {a: dns, b: r1}\n  - {a: r1, b: p1}", "{a: r1, b: p1}", "links[5]",
               "duplicate of links[0] (r1 - p1)");
}

TEST(ScenarioLoader, UnreachableNode) {
  EXPECT_ISSUE("  - {a: g2, b: r1}\n", "", "g2, prefix", "client_groups[1].id", "'g2' has no path to PoP 'p1'; add a link");
}

TEST(ScenarioLoader, HostnameOutsideTheZone) {
  EXPECT_ISSUE("hostname: cdn.example.net", "hostname: cdn.example.org", "cdn.example.org", "dns.hostname",
               "expected a name inside zone 'example.net', got 'cdn.example.org'");
}

TEST(ScenarioLoader, BadPolicies) {
  EXPECT_ISSUE("{name: geo}", "{name: fastest}", "fastest", "policies[1].name",
               "unknown policy 'fastest'; expected one of: anycast, anycast-blind, geo, geo-blind, hybrid, "
               "measured (= probe), oracle, probe, random, rum");
  EXPECT_ISSUE("{name: geo}", "{name: measured}", "  - {name: ^measured}", "policies[1].name",
               "label 'measured' is already used by policies[0]; give one of them a distinct 'label'");
  EXPECT_ISSUE("{name: geo}", "{name: geo, hysteresis_ms: 3}", "hysteresis_ms: ^3", "policies[1].hysteresis_ms",
               "'hysteresis_ms' does not apply to policy 'geo' (it applies to probe, rum, hybrid)");
  EXPECT_ISSUE("hysteresis_ms: 2}", "hysteresis_ms: 2, ewma_alpha: 0}", "ewma_alpha: ^0", "policies[0].ewma_alpha",
               "expected a weight in (0, 1], got 0");
}

TEST(ScenarioLoader, BadTimelineEvents) {
  EXPECT_ISSUE("type: pop_fail", "type: pop_explode", "pop_explode", "timeline[1].type",
               "unknown event type 'pop_explode'; expected one of: link_change, pop_fail, pop_recover");
  EXPECT_ISSUE(", delay_ms: 40}", "}", "{at_s: 50", "timeline[0]",
               "a link_change must set at least one of delay_ms, loss, bandwidth_mbps");
  EXPECT_ISSUE("link: [g1, r1]", "link: [g1]", "link: ^[g1]", "timeline[0].link", "expected the two ends of a link");
}

// Found by mutating the default scenario: an entry without the key the loader peeks at to
// choose the allowed keys used to escape as a yaml-cpp InvalidNode exception.
TEST(ScenarioLoader, PolicyWithoutNameAndEventWithoutTypeAreReported) {
  EXPECT_ISSUE("{name: geo}", "{ewma: 1}", "{ewma", "policies[1].name", "missing required key 'name'");
  EXPECT_ISSUE("type: pop_fail, ", "", "{at_s: 20", "timeline[1].type", "missing required key 'type'");
}

TEST(ScenarioLoader, YamlSyntaxError) {
  // The flow sequence opened on line 2 never closes; yaml-cpp notices at the next key.
  const auto m = ErrorOf(Replace(kValid, "seed: 3", "seed: [3"));
  EXPECT_MENTIONS(m, "bad.yaml:3:");
  EXPECT_MENTIONS(m, ": YAML syntax error: ");
  EXPECT_MENTIONS(ErrorOf("name: x\n  bad indentation: here\n"), "bad.yaml:2:");
}

TEST(ScenarioLoader, EmptyDocument) {
  EXPECT_MENTIONS(ErrorOf(""), "expected a mapping of keys to values, got nothing");
}

TEST(ScenarioLoader, FileNotFound) {
  try {
    LoadScenarioFile("/nonexistent/dir/s.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/dir/s.yaml: cannot open the scenario file");
    ASSERT_EQ(e.Issues().size(), 1u);
    EXPECT_EQ(e.Issues()[0].line, 0);
  }
}

TEST(ScenarioLoader, DirectoryIsNotAScenarioFile) {
  try {
    LoadScenarioFile(::testing::TempDir());
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_MENTIONS(std::string(e.what()), "is a directory, not a scenario file");
  }
}

TEST(ScenarioLoader, ReportsSeveralProblemsAtOnce) {
  std::string text = Replace(kValid, "servers: 2", "servers: zero");
  text = Replace(text, "lat: 51, lon: 7", "lat: 151, lon: 7");
  text = Replace(text, "ttl_s: 30", "ttl_s: -1");
  text += "colour: blue\n";
  try {
    LoadScenarioText(text, "bad.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.Issues().size(), 4u) << e.what();
    const std::string m = e.what();
    EXPECT_MENTIONS(m, "bad.yaml:" + PositionOf(text, "colour") + ": field 'colour': unknown key");
    EXPECT_MENTIONS(m, "bad.yaml:" + PositionOf(text, "zero") + ": field 'pops[0].servers': expected an integer");
    EXPECT_MENTIONS(m, "bad.yaml:" + PositionOf(text, "151") + ": field 'client_groups[0].lat': expected a latitude");
    EXPECT_MENTIONS(m, "bad.yaml:" + PositionOf(text, "-1}") + ": field 'dns.ttl_s': expected seconds in [1e-9, 1e9], got -1");
    EXPECT_EQ(std::count(m.begin(), m.end(), '\n'), 3) << "one issue per line";
  }
}

TEST(ScenarioLoader, TheBuiltInDefaultIsValid) {
  const Scenario s = LoadScenarioText(DefaultScenarioYaml(), kDefaultScenarioName);
  EXPECT_EQ(s.pops.size(), 6u);
  EXPECT_EQ(s.client_groups.size(), 40u);
  EXPECT_EQ(s.policies.size(), 13u);
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

TEST(ScenarioLoaderRealnet, ServersMayHaveIPv6AddressesBesideIPv4) {
  const std::string dual = Replace(kRealnet, "[127.0.2.1, 127.0.2.2]", "[127.0.2.1, '::1', 127.0.2.2]");
  const Scenario s = LoadScenarioText(std::string(kValid) + dual, "rn.yaml");
  ASSERT_EQ(s.realnet.servers6.size(), 1u);
  ASSERT_EQ(s.realnet.servers6[0].second.size(), 1u);
  EXPECT_EQ(s.realnet.servers6[0].second[0].ToString(), "::1");
  EXPECT_EQ(s.realnet.servers[0].second.size(), 2u);
  const std::string only6 = std::string(kValid) + Replace(kRealnet, "[127.0.2.1, 127.0.2.2]", "['::1']");
  EXPECT_NE(ErrorOf(only6).find("needs at least one IPv4 address"), std::string::npos) << ErrorOf(only6);
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
