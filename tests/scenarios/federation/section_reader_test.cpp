// The `federation:` section of a scenario: what loads, where each kind of bad input is
// reported (file, line, column, field path), a federation-only network, and the catalog and
// identity built from scenarios/federation.yaml.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/scenario_text.h"

#include "models/federation/trigger_admission.h"
#include "scenarios/federation/from_scenario.h"
#include "scenarios/loader/scenario_loader.h"
#include "scenarios/core/topology_from_scenario.h"

namespace cdnlab {
namespace {

using testing::ErrorOf;
using testing::PositionOf;
using testing::Replace;

// A valid federation-only scenario; tests replace one piece to break it.
const char* kFed = R"(name: fed
seed: 1
duration_s: 100
routers:
  - {id: r1, lat: 50, lon: 8}
  - {id: r2, lat: 40, lon: -74}
links:
  - {a: r1, b: r2, delay_ms: 30}
federation:
  participants:
    - {id: up, secret: up-secret-0123456789}
    - {id: down, secret: down-secret-0123456789}
    - {id: side, secret: side-secret-0123456789}
    - {id: cp1, secret: cp1-secret-0123456789}
    - {id: cp2, secret: cp2-secret-0123456789}
  platforms:
    - id: up
      gateway_at: r1
      servers:
        - {id: up-p1, tier: parent, at: r1}
        - {id: up-e1, tier: edge, parent: up-p1, at: r1}
        - {id: up-e2, tier: edge, at: r2, access_delay_ms: 2}
    - id: down
      gateway_at: r2
      supports: [invalidate, purge]
      supports_ccid: false
      servers:
        - {id: down-e1, tier: edge, at: r2}
    - id: side
      gateway_at: r2
      gateway_access_delay_ms: 3
      servers:
        - {id: side-e1, tier: edge, at: r2}
  providers:
    - {id: cp1, platform: up}
    - {id: cp2, platform: up}
  configurations:
    - id: web
      provider: cp1
      hosts: [www.CP1.example, img.cp1.example]
      metadata_url: https://meta.example/web
      deployments:
        - {platform: up, servers: [up-p1, up-e1]}
        - {platform: down, delegated_by: up, servers: [down-e1]}
      objects:
        - {url: "https://www.cp1.example/a.html", ccid: c1}
        - {url: "https://img.cp1.example/b.jpg", cached: false}
    - id: api
      provider: cp2
      hosts: [api.cp2.example]
      deployments:
        - {platform: up, servers: [up-e2]}
  commands:
    - {id: k1, at_s: 30, by: cp1, platform: up, type: purge, content_urls: ["https://www.cp1.example/a.html"]}
    - {id: k2, at_s: 10, by: cp1, platform: up, type: invalidate, content_patterns: [{pattern: "https://*.cp1.example/*", case_sensitive: true}]}
    - {id: k3, at_s: 40, by: cp1, platform: up, cancel: k1}
  faults:
    - {at_s: 50, type: server_down, server: down-e1, duration_s: 10}
    - {at_s: 20, type: gateway_unreachable, platform: down, duration_s: 5}
    - {at_s: 20, type: message_loss, to_server: up-e1, count: 2}
  retry: {initial_ms: 100, max_ms: 800}
)";

// `kFed` with `from` replaced by `to` must fail with this issue, located where `at` occurs.
#define EXPECT_ISSUE(from, to, at, field, message) EXPECT_ISSUE_IN(kFed, from, to, at, field, message)

const std::string kExamplePath = std::string(CDNLAB_SOURCE_DIR) + "/scenarios/federation.yaml";

std::vector<std::string> V(std::initializer_list<const char*> items) { return {items.begin(), items.end()}; }

// --- what loads ---

TEST(FederationLoader, LoadsAFederationOnlyScenario) {
  const Scenario s = LoadScenarioText(kFed, "fed.yaml");
  EXPECT_FALSE(s.HasRouting());
  EXPECT_TRUE(s.pops.empty());
  EXPECT_TRUE(s.policies.empty());
  const FederationSpec& f = s.federation;
  ASSERT_TRUE(f.present);
  ASSERT_EQ(f.participants.size(), 5u);
  EXPECT_EQ(f.participants[3].secret, "cp1-secret-0123456789");
  ASSERT_EQ(f.platforms.size(), 3u);
  const auto& up = f.platforms[0];
  EXPECT_EQ(up.gateway_at, "r1");
  EXPECT_EQ(up.gateway_access_delay_ms, 0.5) << "default";
  EXPECT_EQ(up.supports, V({"preposition", "invalidate", "purge"})) << "default: all three";
  EXPECT_TRUE(up.supports_ccid);
  ASSERT_EQ(up.servers.size(), 3u);
  EXPECT_EQ(up.servers[0].tier, "parent");
  EXPECT_EQ(up.servers[1].parent, "up-p1");
  EXPECT_EQ(up.servers[1].access_delay_ms, 0.5);
  EXPECT_EQ(up.servers[2].access_delay_ms, 2);
  EXPECT_EQ(f.platforms[1].supports, V({"invalidate", "purge"}));
  EXPECT_FALSE(f.platforms[1].supports_ccid);
  EXPECT_EQ(f.platforms[2].gateway_access_delay_ms, 3);
  ASSERT_EQ(f.providers.size(), 2u);
  EXPECT_EQ(f.providers[1].platform, "up");
  ASSERT_EQ(f.configurations.size(), 2u);
  const auto& web = f.configurations[0];
  EXPECT_EQ(web.hosts, V({"www.cp1.example", "img.cp1.example"})) << "host names are lower-cased";
  EXPECT_EQ(web.metadata_url, "https://meta.example/web");
  ASSERT_EQ(web.deployments.size(), 2u);
  EXPECT_EQ(web.deployments[0].delegated_by, "");
  EXPECT_EQ(web.deployments[1].delegated_by, "up");
  EXPECT_EQ(web.deployments[1].servers, V({"down-e1"}));
  ASSERT_EQ(web.objects.size(), 2u);
  EXPECT_EQ(web.objects[0].ccid, "c1");
  EXPECT_TRUE(web.objects[0].cached);
  EXPECT_FALSE(web.objects[1].cached);
  EXPECT_EQ(f.configurations[1].metadata_url, "");
  // Commands and faults come sorted by time (stable).
  ASSERT_EQ(f.commands.size(), 3u);
  EXPECT_EQ(f.commands[0].id, "k2");
  EXPECT_EQ(f.commands[0].type, "invalidate");
  ASSERT_EQ(f.commands[0].content_patterns.size(), 1u);
  EXPECT_TRUE(f.commands[0].content_patterns[0].case_sensitive);
  EXPECT_FALSE(f.commands[0].content_patterns[0].match_query_string);
  EXPECT_EQ(f.commands[1].id, "k1");
  EXPECT_EQ(f.commands[1].content_urls, V({"https://www.cp1.example/a.html"}));
  EXPECT_EQ(f.commands[2].cancel, "k1");
  EXPECT_EQ(f.commands[2].type, "");
  ASSERT_EQ(f.faults.size(), 3u);
  EXPECT_EQ(f.faults[0].type, FederationFaultType::kGatewayUnreachable);
  EXPECT_EQ(f.faults[0].platform, "down");
  EXPECT_EQ(f.faults[0].duration_s, 5);
  EXPECT_EQ(f.faults[1].type, FederationFaultType::kMessageLoss);
  EXPECT_EQ(f.faults[1].to_server, "up-e1");
  EXPECT_EQ(f.faults[1].count, 2);
  EXPECT_EQ(f.faults[2].type, FederationFaultType::kServerDown);
  EXPECT_EQ(f.faults[2].server, "down-e1");
  EXPECT_EQ(f.retry.initial_ms, 100);
  EXPECT_EQ(f.retry.max_ms, 800);
  EXPECT_EQ(f.retry.multiplier, 2) << "default";
  EXPECT_EQ(f.retry.max_attempts, 12) << "default";
}

TEST(FederationLoader, AFederationOnlyScenarioBuildsARouterTopology) {
  const Scenario s = LoadScenarioText(kFed, "fed.yaml");
  const TopologyGraph g = BuildTopology(s);
  EXPECT_EQ(g.NodeCount(), 2u) << "routers only: no DNS node without routing";
  EXPECT_EQ(g.LinkCount(), 1u);
  EXPECT_FALSE(g.FindNode("dns").has_value());
  EXPECT_DOUBLE_EQ(g.Link(*g.FindLink("r1", "r2")).delay_ms, 30);
  EXPECT_FALSE(NodeLocation(s, "dns").has_value());
}

TEST(FederationLoader, ASingleRouterNeedsNoLinks) {
  std::string text = Replace(kFed, "  - {id: r2, lat: 40, lon: -74}\nlinks:\n  - {a: r1, b: r2, delay_ms: 30}\n", "");
  // Everything that hung off r2 now hangs off r1.
  for (int i = 0; i < 5; ++i) text = Replace(text, "r2", "r1");
  const Scenario s = LoadScenarioText(text, "one.yaml");
  EXPECT_TRUE(s.links.empty());
  EXPECT_EQ(BuildTopology(s).NodeCount(), 1u);
}

TEST(FederationLoader, CommandsAndFaultsAreOptional) {
  std::string text = kFed;
  text.erase(text.find("  commands:\n"), text.find("  retry:") - text.find("  commands:\n"));
  const Scenario s = LoadScenarioText(text, "quiet.yaml");
  EXPECT_TRUE(s.federation.commands.empty());
  EXPECT_TRUE(s.federation.faults.empty());
}

// A tiny routing scenario (as in scenario_loader_test.cpp) with a federation beside it.
const char* kRouting = R"(name: tiny
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
dns: {id: dns, lat: 50, lon: 8, zone: example.net, hostname: cdn.example.net, ttl_s: 30}
links:
  - {a: p1, b: r1}
  - {a: g1, b: r1}
  - {a: res1, b: r1}
  - {a: dns, b: r1}
policies:
  - {name: geo}
federation:
  participants:
    - {id: only, secret: only-secret-0123456789}
    - {id: cp, secret: cp-secret-0123456789}
  platforms:
    - {id: only, gateway_at: p1, servers: [{id: s1, tier: edge, at: dns}]}
  providers: [{id: cp, platform: only}]
  configurations:
    - {id: c, provider: cp, hosts: [x.example], deployments: [{platform: only, servers: [s1]}]}
)";

TEST(FederationLoader, RoutingAndFederationTogether) {
  const Scenario s = LoadScenarioText(kRouting, "both.yaml");
  EXPECT_TRUE(s.HasRouting());
  EXPECT_TRUE(s.federation.present);
  EXPECT_EQ(BuildTopology(s).NodeCount(), 5u) << "the DNS node is back with routing";
  // Federation nodes hang off any topology node, a PoP or the DNS node included.
  EXPECT_EQ(s.federation.platforms[0].servers[0].at, "dns");
}

TEST(FederationLoader, RoutingSectionsComeAllOrNone) {
  const std::string m = ErrorOf(Replace(kRouting, "dns: {id: dns, lat: 50, lon: 8, zone: example.net, "
                                                  "hostname: cdn.example.net, ttl_s: 30}\n", ""));
  EXPECT_MENTIONS(m, "bad.yaml:1:1: field 'dns': missing required key 'dns': a scenario with 'federation' may leave "
                     "out all of pops, client_groups, resolvers, dns and policies, but not only some ('pops' is "
                     "present)");
  // Only PoPs: the four others are reported, each once.
  std::string pops_only = kFed;
  pops_only = Replace(pops_only, "links:\n", "pops:\n  - {id: p1, lat: 50, lon: 8, servers: 1, capacity_rps: 1}\nlinks:\n");
  const std::string m2 = ErrorOf(pops_only);
  for (const char* key : {"client_groups", "resolvers", "dns", "policies"}) {
    EXPECT_MENTIONS(m2, std::string("bad.yaml:1:1: field '") + key + "': missing required key '" + key + "': ");
  }
  EXPECT_EQ(std::count(m2.begin(), m2.end(), '\n'), 3) << m2;
}

TEST(FederationLoader, WithoutFederationRoutingStaysRequired) {
  std::string text = kRouting;
  text.erase(text.find("federation:"));
  EXPECT_NO_THROW(LoadScenarioText(text, "routing.yaml"));
  EXPECT_MENTIONS(ErrorOf(Replace(text, "policies:\n  - {name: geo}\n", "")),
                  "bad.yaml:1:1: field 'policies': missing required key 'policies' (a list)");
  EXPECT_MENTIONS(ErrorOf(Replace(text, "links:\n  - {a: p1, b: r1}\n  - {a: g1, b: r1}\n  - {a: res1, b: r1}\n"
                                        "  - {a: dns, b: r1}\n", "")),
                  "bad.yaml:1:1: field 'links': missing required key 'links' (a list)");
}

// --- bad input: one kind per expectation, each at its exact position ---

TEST(FederationLoader, UnknownKeys) {
  EXPECT_ISSUE("      supports_ccid: false\n", "      supports_ccid: false\n      colour: red\n", "colour",
               "federation.platforms[1].colour",
               "unknown key 'colour'; expected one of: gateway_access_delay_ms, gateway_at, id, servers, supports, "
               "supports_ccid");
  EXPECT_ISSUE("  retry: {", "  retry: {initial: 5, ", "initial:", "federation.retry.initial",
               "unknown key 'initial'; expected one of: give_up_after_s, initial_ms, jitter, max_attempts, max_ms, "
               "multiplier, poll_interval_s");
  EXPECT_ISSUE("  faults:\n", "  fault:\n  faults:\n", "fault:", "federation.fault",
               "unknown key 'fault'; expected one of: commands, configurations, faults, participants, platforms, "
               "providers, retry");
}

TEST(FederationLoader, MissingRequiredKeys) {
  EXPECT_ISSUE("      gateway_at: r2\n      supports", "      supports", "id: down\n", "federation.platforms[1].gateway_at",
               "missing required key 'gateway_at' (a string)");
  EXPECT_ISSUE("{id: side-e1, tier: edge, at: r2}", "{id: side-e1, at: r2}", "{id: side-e1",
               "federation.platforms[2].servers[0].tier", "missing required key 'tier' (a string)");
  EXPECT_ISSUE("  providers:\n    - {id: cp1, platform: up}\n    - {id: cp2, platform: up}\n", "", "participants:",
               "federation.providers", "missing required key 'providers' (a list)");
}

TEST(FederationLoader, SecretsAreLongEnoughAndNeverEchoed) {
  const std::string broken = Replace(kFed, "cp2-secret-0123456789", "hunter2");
  const std::string m = ErrorOf(broken);
  EXPECT_MENTIONS(m, "bad.yaml:" + PositionOf(broken, "hunter2") +
                         ": field 'federation.participants[4].secret': expected a secret of at least 16 characters "
                         "(it seeds the participant's Ed25519 key pair), got 7 characters");
  EXPECT_EQ(m.find("hunter2"), std::string::npos) << m;
}

TEST(FederationLoader, EveryPlatformAndProviderIsAParticipant) {
  EXPECT_ISSUE("    - {id: down, secret: down-secret-0123456789}\n", "", "id: ^down\n", "federation.platforms[1].id",
               "platform 'down' has no entry in federation.participants (every platform and content provider needs "
               "a secret to sign its messages with)");
  EXPECT_ISSUE("    - {id: cp2, secret: cp2-secret-0123456789}\n", "", "cp2, platform", "federation.providers[1].id",
               "content provider 'cp2' has no entry in federation.participants");
  EXPECT_ISSUE("{id: side, secret: side-secret-0123456789}", "{id: up, secret: side-secret-0123456789}",
               "{id: ^up, secret: side", "federation.participants[2].id",
               "participant 'up' is already listed as federation.participants[0]");
}

TEST(FederationLoader, SupportedTypes) {
  EXPECT_ISSUE("[invalidate, purge]", "[invalidate, flush]", "flush", "federation.platforms[1].supports[1]",
               "unknown trigger type 'flush'; expected one of: invalidate, preposition, purge, statistics");
  EXPECT_ISSUE("[invalidate, purge]", "[purge, invalidate, purge]", "invalidate, ^purge]",
               "federation.platforms[1].supports[2]", "'purge' is listed twice");
  EXPECT_ISSUE("[invalidate, purge]", "[]", "[]", "federation.platforms[1].supports", "expected at least one entry");
  // cdnlab's statistics trigger is listed like the RFC's types, and only where a platform opts in.
  const Scenario s =
      LoadScenarioText(Replace(kFed, "[invalidate, purge]", "[invalidate, purge, statistics]"), "fed.yaml");
  EXPECT_EQ(s.federation.platforms[1].supports, V({"invalidate", "purge", "statistics"}));
  EXPECT_EQ(s.federation.platforms[0].supports, V({"preposition", "invalidate", "purge"})) << "not by default";
}

TEST(FederationLoader, ServerTierAndParent) {
  EXPECT_ISSUE("{id: down-e1, tier: edge", "{id: down-e1, tier: leaf", "leaf", "federation.platforms[1].servers[0].tier",
               "unknown tier 'leaf'; expected one of: edge, parent");
  EXPECT_ISSUE("parent: up-p1", "parent: up-e2", "up-e2, at", "federation.platforms[0].servers[1].parent",
               "server 'up-e2' has tier edge; a parent must have tier parent");
  EXPECT_ISSUE("{id: down-e1, tier: edge, at: r2}", "{id: down-e1, tier: edge, parent: up-p1, at: r2}",
               "up-p1, at: r2", "federation.platforms[1].servers[0].parent",
               "server 'up-p1' belongs to platform 'up', not 'down'; a parent is on the same platform");
  EXPECT_ISSUE("parent: up-p1", "parent: up-p9", "up-p9", "federation.platforms[0].servers[1].parent",
               "no server with id 'up-p9'");
  // Parents may have parents, so the chain can loop.
  EXPECT_ISSUE("{id: up-p1, tier: parent, at: r1}", "{id: up-p1, tier: parent, parent: up-p2, at: r1}\n"
               "        - {id: up-p2, tier: parent, parent: up-p1, at: r1}", "up-p2, at: r1}",
               "federation.platforms[0].servers[0].parent", "the parent chain loops: up-p1 -> up-p2 -> up-p1");
}

TEST(FederationLoader, AttachmentNodesAreTopologyNodes) {
  EXPECT_ISSUE("gateway_at: r2\n      supports", "gateway_at: r9\n      supports", "r9",
               "federation.platforms[1].gateway_at",
               "no network node with id 'r9'; expected a router or another node of the topology");
  EXPECT_ISSUE("{id: down-e1, tier: edge, at: r2}", "{id: down-e1, tier: edge, at: up-p1}", "at: ^up-p1",
               "federation.platforms[1].servers[0].at", "no network node with id 'up-p1'");
}

TEST(FederationLoader, IdsAreUnique) {
  EXPECT_ISSUE("{id: up-e2,", "{id: r2,", "r2, tier", "federation.platforms[0].servers[2].id",
               "id 'r2' is already used by routers[1].id");
  EXPECT_ISSUE("{id: side-e1,", "{id: up-gw,", "up-gw", "federation.platforms[2].servers[0].id",
               "id 'up-gw' is already used by the gateway of platform 'up' (federation.platforms[0].id)");
  EXPECT_ISSUE("    - id: api\n", "    - id: up-e1\n", "id: ^up-e1\n", "federation.configurations[1].id",
               "id 'up-e1' is already used by federation.platforms[0].servers[1].id");
  // A gateway id that a router already has.
  EXPECT_ISSUE("  - {id: r2, lat: 40, lon: -74}\n", "  - {id: r2, lat: 40, lon: -74}\n  - {id: side-gw, lat: 1, lon: 1}\n",
               "id: ^side\n", "federation.platforms[2].id",
               "the platform's gateway node id 'side-gw' is already used by routers[2].id");
}

TEST(FederationLoader, ProviderAndConfigurationReferences) {
  EXPECT_ISSUE("{id: cp2, platform: up}", "{id: cp2, platform: nowhere}", "nowhere", "federation.providers[1].platform",
               "no platform with id 'nowhere'");
  EXPECT_ISSUE("provider: cp2", "provider: cp9", "cp9", "federation.configurations[1].provider",
               "no content provider with id 'cp9'");
}

TEST(FederationLoader, HostsAndMetadataUrls) {
  EXPECT_ISSUE("hosts: [api.cp2.example]", "hosts: [IMG.cp1.example]", "IMG", "federation.configurations[1].hosts[0]",
               "host 'img.cp1.example' already belongs to configuration 'web'");
  EXPECT_ISSUE("hosts: [api.cp2.example]", "hosts: [api_cp2.example]", "api_cp2",
               "federation.configurations[1].hosts[0]",
               "expected a host name like www.example.com (letters, digits, '-' and '.'), got 'api_cp2.example'");
  EXPECT_ISSUE("hosts: [api.cp2.example]", "hosts: [api.cp2.example, API.cp2.example]", "API",
               "federation.configurations[1].hosts[1]", "host 'api.cp2.example' is listed twice");
  EXPECT_ISSUE("hosts: [api.cp2.example]\n", "hosts: [api.cp2.example]\n      metadata_url: https://meta.example/web\n",
               "https://meta.example/web\n      deployments:\n        - {platform: up, servers: [up-e2]}",
               "federation.configurations[1].metadata_url",
               "metadata URL 'https://meta.example/web' already names configuration 'web'");
  EXPECT_ISSUE("metadata_url: https://meta.example/web", "metadata_url: meta.example/web", "meta.example/web",
               "federation.configurations[0].metadata_url",
               "expected an absolute URL with a host, like https://www.example.com/a.jpg, got 'meta.example/web'");
  EXPECT_ISSUE("https://img.cp1.example/b.jpg", "https://img.cp2.example/b.jpg", "\"https://img.cp2",
               "federation.configurations[0].objects[1].url",
               "host 'img.cp2.example' is not one of the configuration's hosts (www.cp1.example, img.cp1.example)");
}

TEST(FederationLoader, DeploymentsBelongToTheirPlatform) {
  EXPECT_ISSUE("servers: [down-e1]", "servers: [up-e2]", "up-e2]}\n      objects",
               "federation.configurations[0].deployments[1].servers[0]",
               "server 'up-e2' belongs to platform 'up', not 'down'");
  EXPECT_ISSUE("servers: [down-e1]", "servers: [down-e9]", "down-e9", "federation.configurations[0].deployments[1].servers[0]",
               "no server with id 'down-e9'");
  EXPECT_ISSUE("servers: [down-e1]", "servers: [down-e1, down-e1]", "down-e1, ^down-e1",
               "federation.configurations[0].deployments[1].servers[1]", "server 'down-e1' is listed twice");
  EXPECT_ISSUE("{platform: up, servers: [up-e2]}", "{platform: up, servers: [up-e2]}\n        - {platform: up, servers: []}",
               "up, servers: []", "federation.configurations[1].deployments[1].platform",
               "platform 'up' already has a deployment of configuration 'api' (deployments[0])");
  EXPECT_ISSUE("servers: [down-e1]", "servers: []", "[]}", "federation.configurations[0].deployments[1].servers",
               "no servers, and platform 'down' delegates configuration 'web' to no other platform: this deployment "
               "would carry nothing");
}

TEST(FederationLoader, OneContractDeploymentPerConfiguration) {
  // A second deployment without delegated_by, on a platform that is not the provider's.
  EXPECT_ISSUE("{platform: down, delegated_by: up, servers: [down-e1]}", "{platform: down, servers: [down-e1]}",
               "down, servers", "federation.configurations[0].deployments[1].platform",
               "'down' is not the platform provider 'cp1' contracts with ('up'), so this deployment must name the "
               "platform that delegated the configuration to it in delegated_by");
  // None at all.
  EXPECT_ISSUE("{platform: up, servers: [up-e2]}", "{platform: up, delegated_by: down, servers: [up-e2]}",
               "- {platform: up, delegated_by: down", "federation.configurations[1].deployments",
               "no deployment without delegated_by: the configuration must be deployed on the provider's own platform "
               "'up', from which the others are delegated");
  EXPECT_ISSUE("{platform: up, servers: [up-e2]}", "{platform: up, delegated_by: down, servers: [up-e2]}",
               "delegated_by: ^down, servers: [up-e2]", "federation.configurations[1].deployments[0].delegated_by",
               "'up' is the platform provider 'cp2' contracts with; its deployment is the provider's own and has no "
               "delegated_by");
}

TEST(FederationLoader, DelegationsResolveAndDoNotLoop) {
  EXPECT_ISSUE("delegated_by: up", "delegated_by: nowhere", "nowhere", "federation.configurations[0].deployments[1].delegated_by",
               "no platform with id 'nowhere'");
  EXPECT_ISSUE("delegated_by: up", "delegated_by: side", "side, servers",
               "federation.configurations[0].deployments[1].delegated_by",
               "platform 'side' has no deployment of configuration 'web' to delegate");
  EXPECT_ISSUE("delegated_by: up", "delegated_by: down", "delegated_by: ^down",
               "federation.configurations[0].deployments[1].delegated_by", "a platform cannot delegate to itself");
  EXPECT_ISSUE("{platform: down, delegated_by: up, servers: [down-e1]}",
               "{platform: down, delegated_by: side, servers: [down-e1]}\n"
               "        - {platform: side, delegated_by: down, servers: [side-e1]}",
               "side, servers: [down-e1]", "federation.configurations[0].deployments[1].delegated_by",
               "delegation loop: down -> side -> down (each delegated by the next); the chain must lead up to the "
               "provider's platform");
}

TEST(FederationLoader, CommandReferences) {
  EXPECT_ISSUE("{id: k1, at_s: 30, by: cp1", "{id: k1, at_s: 30, by: nobody", "nobody", "federation.commands[0].by",
               "no participant with id 'nobody' (participants are listed under federation.participants)");
  EXPECT_ISSUE("by: cp1, platform: up, type: purge", "by: cp1, platform: mars, type: purge", "mars",
               "federation.commands[0].platform", "no platform with id 'mars'");
  EXPECT_ISSUE("{id: k2,", "{id: k1,", "k1, at_s: 10", "federation.commands[1].id",
               "command id 'k1' is already used by federation.commands[0]");
  EXPECT_ISSUE("at_s: 30, by", "at_s: 300, by", "300", "federation.commands[0].at_s",
               "expected a time within the run (<= duration_s 100), got 300");
}

TEST(FederationLoader, CommandsByType) {
  EXPECT_ISSUE("type: purge, content_urls", "type: flush, content_urls", "flush", "federation.commands[0].type",
               "unknown command type 'flush'; expected one of: invalidate, preposition, purge, statistics (or "
               "'cancel: <command id>' to cancel a command)");
  EXPECT_ISSUE("type: invalidate, content_patterns: [{pattern: \"https://*.cp1.example/*\", case_sensitive: true}]}",
               "type: statistics}", "{id: k2", "federation.commands[1]",
               "a statistics must name what it applies to: at least one of content_urls, content_patterns, "
               "content_ccids, metadata_urls, metadata_patterns");
  EXPECT_ISSUE(", content_urls: [\"https://www.cp1.example/a.html\"]}", "}", "{id: k1", "federation.commands[0]",
               "a purge must name what it applies to: at least one of content_urls, content_patterns, content_ccids, "
               "metadata_urls, metadata_patterns");
  EXPECT_ISSUE("cancel: k1}", "cancel: k1, type: purge}", "type: purge}", "federation.commands[2].type",
               "unknown key 'type'; expected one of: at_s, by, cancel, id, platform");
  EXPECT_ISSUE("type: purge, content_urls", "type: purge, cancel_of: k2, content_urls", "cancel_of",
               "federation.commands[0].cancel_of",
               "unknown key 'cancel_of'; expected one of: at_s, by, cdn_path, content_ccids, content_patterns, "
               "content_urls, id, metadata_patterns, metadata_urls, platform, type");
  EXPECT_ISSUE("content_urls: [\"https://www.cp1.example/a.html\"]", "content_urls: [\"/a.html\"]", "\"/a.html",
               "federation.commands[0].content_urls[0]",
               "expected an absolute URL with a host, like https://www.example.com/a.jpg, got '/a.html'");
  EXPECT_ISSUE("{pattern: \"https://*.cp1.example/*\"", "{pattern: \"https://x/\\\\\"", "\"https://x/",
               "federation.commands[1].content_patterns[0].pattern",
               "'https://x/\\' ends in a lone '\\' with nothing to escape");
  EXPECT_ISSUE("case_sensitive: true}", "case_sensitive: yes}", "yes}", "federation.commands[1].content_patterns[0].case_sensitive",
               "expected true or false, got 'yes'");
}

TEST(FederationLoader, StatisticsCommandsSelectLikeAnyOther) {
  // Patterns, collections and metadata all select what a statistics command counts.
  const Scenario s = LoadScenarioText(
      Replace(kFed, "type: invalidate, content_patterns", "type: statistics, content_ccids: [c1], "
              "metadata_urls: [\"https://meta.example/web\"], content_patterns"),
      "fed.yaml");
  const auto& commands = s.federation.commands;
  const auto k2 = std::find_if(commands.begin(), commands.end(), [](const auto& c) { return c.id == "k2"; });
  ASSERT_NE(k2, commands.end());
  const FederationCommandSpec& c = *k2;
  EXPECT_EQ(c.type, "statistics");
  EXPECT_EQ(c.content_ccids, V({"c1"}));
  EXPECT_EQ(c.metadata_urls, V({"https://meta.example/web"}));
  ASSERT_EQ(c.content_patterns.size(), 1u);
  EXPECT_TRUE(c.content_patterns[0].case_sensitive);
}

TEST(FederationLoader, Cancels) {
  EXPECT_ISSUE("cancel: k1}", "cancel: k9}", "k9", "federation.commands[2].cancel", "no command with id 'k9'");
  EXPECT_ISSUE("{id: k3, at_s: 40", "{id: k3, at_s: 30", "30, by: cp1, platform: up, cancel",
               "federation.commands[2].at_s", "a cancel must come after the command it cancels ('k1' at 30 s), got 30");
  EXPECT_ISSUE("cancel: k1}", "cancel: k3}", "k3}", "federation.commands[2].cancel", "a command cannot cancel itself");
  EXPECT_ISSUE("cancel: k1}", "cancel: k1}\n    - {id: k4, at_s: 50, by: cp1, platform: up, cancel: k3}", "k3}",
               "federation.commands[3].cancel", "command 'k3' is itself a cancel; name the command to cancel");
}

TEST(FederationLoader, Faults) {
  EXPECT_ISSUE("server: down-e1", "server: down-e9", "down-e9", "federation.faults[0].server",
               "no federation server with id 'down-e9'");
  EXPECT_ISSUE("platform: down, duration_s: 5", "platform: dawn, duration_s: 5", "dawn", "federation.faults[1].platform",
               "no platform with id 'dawn'");
  EXPECT_ISSUE("duration_s: 10}", "duration_s: 0}", "duration_s: ^0}", "federation.faults[0].duration_s",
               "expected seconds in [1e-9, 1e9], got 0");
  EXPECT_ISSUE("type: server_down, server: down-e1", "type: server_down, platform: down, server: down-e1",
               "platform: down, server", "federation.faults[0].platform",
               "unknown key 'platform'; expected one of: at_s, duration_s, server, type");
  EXPECT_ISSUE("to_server: up-e1, count: 2", "platform: up, to_server: up-e1, count: 2", "up-e1, count",
               "federation.faults[2].to_server",
               "a message_loss names either platform (messages to its gateway) or to_server (messages to that server), "
               "not both");
  EXPECT_ISSUE("to_server: up-e1, count: 2", "count: 2", "{at_s: 20, type: message_loss", "federation.faults[2]",
               "a message_loss must name platform (messages to its gateway) or to_server (messages to that server)");
  EXPECT_ISSUE("count: 2", "count: 0", "count: ^0", "federation.faults[2].count",
               "expected an integer in [1, 1000000], got '0'");
  EXPECT_ISSUE("type: gateway_unreachable", "type: gateway_down", "gateway_down", "federation.faults[1].type",
               "unknown fault type 'gateway_down'; expected one of: gateway_unreachable, message_loss, server_down");
  EXPECT_ISSUE("{at_s: 50, type: server_down, server: down-e1, duration_s: 10}",
               "{at_s: 50, type: server_down, server: down-e1, duration_s: 10}\n"
               "    - {at_s: 55, type: server_down, server: down-e1, duration_s: 1}",
               "55", "federation.faults[1].at_s",
               "server 'down-e1' is already down from 50 s to 60 s (federation.faults[0]); outages of one server must "
               "not overlap");
  EXPECT_ISSUE("at_s: 50, type", "at_s: 101, type", "101", "federation.faults[0].at_s",
               "expected a time within the run (<= duration_s 100), got 101");
}

TEST(FederationLoader, Retry) {
  EXPECT_ISSUE("max_ms: 800", "max_ms: 50", "50}", "federation.retry.max_ms",
               "the backoff cap max_ms (50 ms) must be at least initial_ms (100 ms)");
  EXPECT_ISSUE("max_ms: 800", "max_ms: 800, jitter: 1", "jitter: ^1", "federation.retry.jitter",
               "expected a fraction in [0, 1), got 1");
  EXPECT_ISSUE("max_ms: 800", "max_ms: 800, multiplier: 0.5", "0.5", "federation.retry.multiplier",
               "expected a multiplier in [1, 1000], got 0.5");
}

TEST(FederationLoader, GatewaysReachEachOtherAndTheirServers) {
  // r3 is linked to nothing: the side gateway behind it cannot be reached.
  std::string text = Replace(kFed, "  - {id: r2, lat: 40, lon: -74}\n",
                             "  - {id: r2, lat: 40, lon: -74}\n  - {id: r3, lat: 1, lon: 1}\n");
  EXPECT_ISSUE_IN(text, "gateway_at: r2\n      gateway_access_delay_ms", "gateway_at: r3\n      gateway_access_delay_ms",
                  "r3\n", "federation.platforms[2].gateway_at",
                  "'r3' has no path to 'r1', where the gateway of platform 'up' is; add a link");
  EXPECT_ISSUE_IN(text, "{id: side-e1, tier: edge, at: r2}", "{id: side-e1, tier: edge, at: r3}", "r3}",
                  "federation.platforms[2].servers[0].at",
                  "'r3' has no path to 'r2', where the gateway of platform 'side' is; add a link");
}

TEST(FederationLoader, ReportsSeveralProblemsAtOnce) {
  std::string text = Replace(kFed, "{id: down-e1, tier: edge", "{id: down-e1, tier: leaf");
  text = Replace(text, "max_ms: 800", "max_ms: many");
  text = Replace(text, "type: purge, content_urls", "type: flush, content_urls");
  try {
    LoadScenarioText(text, "bad.yaml");
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.Issues().size(), 3u) << e.what();
  }
}

// --- realnet addresses for the federation ---

const char* kFedRealnet = R"(realnet:
  federation_nodes:
    up-gw: 127.0.4.1:7200
    down-gw: 127.0.4.2:7200
    side-gw: 127.0.4.3:7200
    up-p1: 127.0.4.10:7201
    up-e1: 127.0.4.11:7201
    up-e2: 127.0.4.12:7201
    down-e1: 127.0.4.20:7201
    side-e1: 127.0.4.30:7201
  federation_http: {up: 127.0.4.1:8080, down: 127.0.4.2:8080}
)";

TEST(FederationLoader, RealnetAddressesForAFederationOnlyScenario) {
  const Scenario s = LoadScenarioText(std::string(kFed) + kFedRealnet, "rn.yaml");
  ASSERT_TRUE(s.realnet.present);
  ASSERT_EQ(s.realnet.federation_nodes.size(), 8u);
  EXPECT_EQ(s.realnet.federation_nodes[0].first, "up-gw");
  EXPECT_EQ(s.realnet.federation_nodes[0].second.ToString(), "127.0.4.1:7200");
  ASSERT_EQ(s.realnet.federation_http.size(), 2u);
  EXPECT_EQ(s.realnet.federation_http[1].first, "down");
  EXPECT_EQ(s.realnet.federation_http[1].second.ToString(), "127.0.4.2:8080");
  EXPECT_TRUE(s.realnet.servers.empty()) << "no controller, DNS, servers or groups needed without routing";
}

TEST(FederationLoader, BadRealnetAddresses) {
  const std::string base = std::string(kFed) + kFedRealnet;
  EXPECT_ISSUE_IN(base, "up-e2: 127.0.4.12:7201", "up-e3: 127.0.4.12:7201", "up-e3", "realnet.federation_nodes.up-e3",
                  "no federation node 'up-e3'; expected a gateway ('<platform>-gw', like 'up-gw') or a server id");
  EXPECT_ISSUE_IN(base, "up-e2: 127.0.4.12:7201", "up-e3: 127.0.4.12:7201", "federation_nodes:\n    ^up-gw",
                  "realnet.federation_nodes", "no address for federation node 'up-e2'");
  EXPECT_ISSUE_IN(base, "up-e2: 127.0.4.12:7201", "up-e2: 127.0.4.11:7201", "up-e2:", "realnet.federation_nodes.up-e2",
                  "127.0.4.11:7201 is already used by 'up-e1'");
  EXPECT_ISSUE_IN(base, "up-e2: 127.0.4.12:7201", "up-e2: 127.0.4.12", "127.0.4.12", "realnet.federation_nodes.up-e2",
                  "expected IPV4:PORT like 127.0.0.1:7100, got '127.0.4.12'");
  EXPECT_ISSUE_IN(base, "down: 127.0.4.2:8080", "dawn: 127.0.4.2:8080", "dawn", "realnet.federation_http.dawn",
                  "no platform with id 'dawn'");
  EXPECT_ISSUE_IN(base, "realnet:\n", "realnet:\n  controller: 127.0.3.1:17100\n", "127.0.3.1:17100",
                  "realnet.controller",
                  "'controller' places request routing, but this scenario has no routing sections (pops, "
                  "client_groups, resolvers, dns, policies)");
  // Federation addresses in a scenario without a federation.
  std::string routing = kRouting;
  routing.erase(routing.find("federation:"));
  routing += "realnet:\n  controller: 127.0.3.1:17100\n  dns: 127.0.3.1:17153\n  servers: {p1: [127.0.2.1, 127.0.2.2]}\n"
             "  groups: {g1: 127.0.1.1}\n  federation_http: {up: 127.0.4.1:8080}\n";
  EXPECT_MENTIONS(ErrorOf(routing), "bad.yaml:" + PositionOf(routing, "{up: 127") +
                                        ": field 'realnet.federation_http': the scenario has no 'federation' section");
}

// --- scenarios/federation.yaml, and what the models get from it ---

TEST(FederationExample, Loads) {
  const Scenario s = LoadScenarioFile(kExamplePath);
  EXPECT_EQ(s.name, "federation-3cdn");
  EXPECT_FALSE(s.HasRouting());
  const FederationSpec& f = s.federation;
  ASSERT_TRUE(f.present);
  EXPECT_EQ(f.platforms.size(), 3u);
  EXPECT_EQ(f.providers.size(), 2u);
  EXPECT_EQ(f.configurations.size(), 4u);
  EXPECT_GE(f.commands.size(), 8u);
  EXPECT_LE(f.commands.size(), 12u);
  EXPECT_TRUE(std::is_sorted(f.commands.begin(), f.commands.end(),
                             [](const auto& a, const auto& b) { return a.at_s < b.at_s; }));
  // Every kind of command and fault is exercised.
  std::set<std::string> kinds;
  for (const auto& c : f.commands) {
    kinds.insert(c.cancel.empty() ? c.type : "cancel");
    if (!c.content_urls.empty()) kinds.insert("content_urls");
    if (!c.content_patterns.empty()) kinds.insert("content_patterns");
    if (!c.content_ccids.empty()) kinds.insert("content_ccids");
    if (!c.metadata_urls.empty()) kinds.insert("metadata_urls");
  }
  for (const char* kind : {"purge", "invalidate", "preposition", "statistics", "cancel", "content_urls",
                           "content_patterns", "content_ccids", "metadata_urls"}) {
    EXPECT_EQ(kinds.count(kind), 1u) << kind;
  }
  std::set<FederationFaultType> faults;
  for (const auto& e : f.faults) faults.insert(e.type);
  EXPECT_EQ(faults.size(), 3u);
  // The network: three continents of routers, no DNS node.
  const TopologyGraph g = BuildTopology(s);
  EXPECT_EQ(g.NodeCount(), s.routers.size());
  EXPECT_TRUE(g.Connected());
}

TEST(FederationExample, CatalogTargetsExactlyTheCarryingServers) {
  const Scenario s = LoadScenarioFile(kExamplePath);
  const FederationCatalog catalog = BuildFederationCatalog(s);
  ASSERT_NE(catalog.Platform("cdn-a"), nullptr);
  EXPECT_EQ(catalog.Platform("cdn-a")->gateway, "cdn-a-gw");
  EXPECT_EQ(GatewayNodeId("cdn-b"), "cdn-b-gw");
  EXPECT_EQ(catalog.Servers().size(), 12u);
  EXPECT_EQ(catalog.Server("a-edge-lon")->parent, "a-parent-fra");
  EXPECT_EQ(catalog.Server("b-parent-sjc")->tier, ServerTier::kParent);
  // Parents first, then edges, each by id; a-edge-fra does not carry news-web.
  EXPECT_EQ(catalog.ServersCarrying("news-web", "cdn-a"), V({"a-parent-fra", "a-edge-lon", "a-edge-par"}));
  EXPECT_EQ(catalog.ServersCarrying("news-web", "cdn-b"), V({"b-parent-nyc", "b-edge-chi", "b-edge-nyc"}));
  EXPECT_EQ(catalog.ServersCarrying("news-web", "cdn-c"), V({"c-parent-sin", "c-edge-sin"}));
  EXPECT_EQ(catalog.ServersCarrying("video-vod", "cdn-c"), V({"c-parent-sin", "c-edge-tyo"}));
  EXPECT_EQ(catalog.ServersCarrying("news-api", "cdn-b"), V({})) << "news-api is cdn-a's alone";
  // The cascade a -> b -> c for news-web; a delegates video-vod to both directly.
  EXPECT_EQ(catalog.DownstreamPlatforms("news-web", "cdn-a"), V({"cdn-b"}));
  EXPECT_EQ(catalog.DownstreamPlatforms("news-web", "cdn-b"), V({"cdn-c"}));
  EXPECT_EQ(catalog.DownstreamPlatforms("news-web", "cdn-c"), V({}));
  EXPECT_EQ(catalog.DownstreamPlatforms("video-vod", "cdn-a"), V({"cdn-b", "cdn-c"}));
  EXPECT_EQ(catalog.DownstreamPlatforms("video-vod", "cdn-b"), V({}));
  EXPECT_EQ(catalog.DownstreamPlatforms("video-live", "cdn-a"), V({"cdn-b"}));
  EXPECT_EQ(catalog.DownstreamPlatforms("news-api", "cdn-a"), V({}));
  EXPECT_EQ(catalog.ServersReachedFrom("news-web", "cdn-a").size(), 8u);
  EXPECT_EQ(catalog.ServersReachedFrom("video-vod", "cdn-a").size(), 7u);
  EXPECT_EQ(catalog.DeploymentOf("news-web", "cdn-c")->delegated_by, "cdn-b");
  EXPECT_EQ(catalog.DeploymentOf("video-vod", "cdn-c")->delegated_by, "cdn-a");
  // Configurations: ccids from the objects, hosts, metadata URLs.
  EXPECT_EQ(catalog.Configuration("video-vod")->ccids, V({"movie-m1", "movie-m2", "movie-m3"}));
  EXPECT_EQ(catalog.Configuration("news-web")->ccids, V({"news-front", "news-articles"}));
  EXPECT_EQ(catalog.ConfigurationsOfHost("IMG.news.example"), V({"news-web"}));
  EXPECT_EQ(catalog.ConfigurationOfMetadataUrl("https://cdni.cdn-a.example/metadata/news-api"),
            std::optional<std::string>("news-api"));
  EXPECT_EQ(catalog.Provider("cp-video")->platform, "cdn-a");
  EXPECT_EQ(catalog.Platform("cdn-c")->supported_types.size(), 4u) << "the RFC's three and statistics";
}

// The comments in federation.yaml say what each command and fault is for; the models agree.
TEST(FederationExample, CommandsAndFaultsHitWhatTheFileSays) {
  const Scenario s = LoadScenarioFile(kExamplePath);
  const FederationCatalog catalog = BuildFederationCatalog(s);
  const auto& commands = s.federation.commands;
  auto find = [&](const std::string& id) -> const FederationCommandSpec& {
    auto it = std::find_if(commands.begin(), commands.end(), [&](const auto& c) { return c.id == id; });
    EXPECT_NE(it, commands.end()) << id;
    return *it;
  };
  auto patterns = [](const std::vector<FederationPatternSpec>& specs) {
    std::vector<PatternMatch> out;
    for (const auto& p : specs) out.push_back(PatternMatch{p.pattern, p.case_sensitive, p.match_query_string});
    return out;
  };
  auto trigger = [&](const FederationCommandSpec& c) {
    TriggerCommand t;
    t.trigger.type = *ParseTriggerType(c.type);
    t.trigger.content_urls = c.content_urls;
    t.trigger.content_ccids = c.content_ccids;
    t.trigger.content_patterns = patterns(c.content_patterns);
    t.trigger.metadata_urls = c.metadata_urls;
    t.trigger.metadata_patterns = patterns(c.metadata_patterns);
    t.cdn_path = c.cdn_path;
    return t;
  };
  auto admit = [&](const std::string& id) {
    const auto& c = find(id);
    return AdmitTrigger(catalog, c.platform, c.by, trigger(c));
  };
  EXPECT_EQ(admit("purge-election").configurations, V({"news-web"}));
  EXPECT_EQ(admit("purge-movie-m1").configurations, V({"video-vod"}));
  EXPECT_EQ(admit("invalidate-api-metadata").configurations, V({"news-api"}));
  const AdmissionResult unauthorized = admit("unauthorized-purge");
  EXPECT_TRUE(unauthorized.configurations.empty());
  ASSERT_EQ(unauthorized.errors.size(), 1u);
  EXPECT_EQ(unauthorized.errors[0].code, TriggerErrorCode::kEperm);
  // The looping command reaches cdn-b with cdn-a appended to its path: refused there.
  TriggerCommand looping = trigger(find("looping-invalidate"));
  looping.cdn_path.push_back("cdn-a");
  EXPECT_TRUE(AdmitTrigger(catalog, "cdn-a", "cp-news", trigger(find("looping-invalidate"))).errors.empty());
  const AdmissionResult at_b = AdmitTrigger(catalog, "cdn-b", "cdn-a", looping);
  EXPECT_TRUE(at_b.rejected);
  ASSERT_FALSE(at_b.errors.empty());
  EXPECT_EQ(at_b.errors[0].code, TriggerErrorCode::kEreject);
  // The patterns pick the two photos (either case) and the sports page with its query only.
  const auto& news = s.federation.configurations[0];
  std::vector<std::string> matched;
  for (const auto& o : news.objects) {
    for (const auto& p : patterns(find("invalidate-photos-and-sports").content_patterns)) {
      if (p.Matches(o.url)) {
        matched.push_back(o.url);
        break;
      }
    }
  }
  EXPECT_EQ(matched, V({"https://www.news.example/articles/2026/Sports.html?page=2",
                        "https://img.news.example/photos/a1.JPG", "https://img.news.example/photos/a2.jpg"}));
  // Prepositions: m3 only at the origin, m9 nowhere (econtent).
  const auto& vod = s.federation.configurations[2];
  auto object = [&](const std::string& url) {
    return std::find_if(vod.objects.begin(), vod.objects.end(), [&](const auto& o) { return o.url == url; });
  };
  ASSERT_NE(object("https://vod.video.example/movies/m3/master.m3u8"), vod.objects.end());
  EXPECT_FALSE(object("https://vod.video.example/movies/m3/master.m3u8")->cached);
  EXPECT_EQ(object("https://vod.video.example/movies/m9/master.m3u8"), vod.objects.end());
  // The outages span a command that needs what is out.
  const auto& faults = s.federation.faults;
  auto spans = [](const FederationFaultSpec& f, double at_s) { return f.at_s < at_s && at_s < f.at_s + f.duration_s; };
  ASSERT_EQ(faults.size(), 4u);
  EXPECT_EQ(faults[1].server, "c-edge-tyo");
  EXPECT_TRUE(spans(faults[1], find("purge-movie-m1").at_s));
  EXPECT_EQ(catalog.ServersCarrying("video-vod", "cdn-c"), V({"c-parent-sin", "c-edge-tyo"}));
  EXPECT_EQ(faults[2].platform, "cdn-b");
  EXPECT_TRUE(spans(faults[2], find("invalidate-live-playlist").at_s));
  EXPECT_EQ(catalog.DownstreamPlatforms("video-live", "cdn-a"), V({"cdn-b"}));
  EXPECT_EQ(find("cancel-purge-articles").cancel, "purge-articles");
  // The statistics command covers news-web's cascade, and every platform of it opts in.
  EXPECT_EQ(find("statistics-news-web").type, "statistics");
  EXPECT_EQ(catalog.ServersReachedFrom("news-web", "cdn-a").size(), 8u);
  for (const auto& p : catalog.Platforms()) {
    EXPECT_EQ(p.supported_types.count(TriggerType::kStatistics), 1u) << p.id;
  }
}

TEST(FederationExample, SupportedTypesComeFromTheScenario) {
  const Scenario s = LoadScenarioText(kFed, "fed.yaml");
  const FederationCatalog catalog = BuildFederationCatalog(s);
  const auto* down = catalog.Platform("down");
  ASSERT_NE(down, nullptr);
  EXPECT_EQ(down->supported_types, (std::set<TriggerType>{TriggerType::kInvalidate, TriggerType::kPurge}));
  EXPECT_FALSE(down->supports_content_ccid);
  EXPECT_EQ(down->gateway, "down-gw");
  EXPECT_EQ(catalog.Platform("up")->supported_types.count(TriggerType::kStatistics), 0u) << "an opt-in";
  const Scenario opted = LoadScenarioText(Replace(kFed, "[invalidate, purge]", "[statistics, purge]"), "fed.yaml");
  EXPECT_EQ(BuildFederationCatalog(opted).Platform("down")->supported_types,
            (std::set<TriggerType>{TriggerType::kPurge, TriggerType::kStatistics}));
  EXPECT_EQ(catalog.ServersCarrying("web", "up"), V({"up-p1", "up-e1"}));
  EXPECT_EQ(catalog.Configuration("web")->hosts, V({"www.cp1.example", "img.cp1.example"}));
}

TEST(FederationExample, IdentityKnowsEveryParticipant) {
  const Scenario s = LoadScenarioFile(kExamplePath);
  const FederationIdentity identity = BuildFederationIdentity(s);
  for (const auto& p : s.federation.participants) {
    EXPECT_TRUE(identity.Knows(p.id)) << p.id;
    EXPECT_TRUE(identity.CanSignAs(p.id)) << p.id;
  }
  const auto signature = identity.Sign("cp-news", "purge");
  ASSERT_TRUE(signature.has_value());
  EXPECT_TRUE(identity.Verify("cp-news", "purge", *signature));
  EXPECT_FALSE(identity.Verify("cp-video", "purge", *signature));
}

}  // namespace
}  // namespace cdnlab
