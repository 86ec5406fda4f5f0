// The federation on ns-3: scenarios/federation.yaml (three CDNs, a cascade, server outage,
// unreachable gateway, lost messages, an unauthorized command, a cancel, a loop) and small
// inline scenarios whose numbers can be worked out by hand.
#include "sim/federation/experiment.h"

#include <algorithm>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "analysis/federation_summary.h"
#include "analysis/metrics_recorder.h"
#include "models/federation/metric_names.h"
#include "scenarios/loader/scenario_loader.h"

namespace cdnlab {
namespace {

Scenario FederationYaml() { return LoadScenarioFile(std::string(CDNLAB_SOURCE_DIR) + "/scenarios/federation.yaml"); }

const FederationCommandResult& Command(const FederationRunResult& run, const std::string& id) {
  for (const auto& c : run.commands) {
    if (c.id == id) return c;
  }
  throw std::logic_error("no command " + id);
}

bool HasError(const FederationCommandResult& c, const std::string& code) {
  return std::any_of(c.errors.begin(), c.errors.end(), [&](const FederationErrorResult& e) { return e.error == code; });
}

double FinishedAtS(const FederationCommandResult& c) { return c.issued_at_s + c.completion_ms.value_or(1e12) / 1000; }

// One run of federation.yaml per test process (ctest runs each test on its own).
const FederationRunResult& YamlRun() {
  static const FederationRunResult run = [] {
    MetricsRecorder metrics;
    return RunFederationExperiment(FederationYaml(), metrics);
  }();
  return run;
}

// The commands of federation.yaml that run to the end, with the status each should reach.
const std::map<std::string, std::string> kFinishing = {
    {"purge-election", "complete"},
    {"invalidate-photos-and-sports", "complete"},
    {"purge-movie-m1", "complete"},
    {"preposition-premiere", "processed"},  // m9 is not at the origin: econtent
    {"invalidate-api-metadata", "complete"},
    {"invalidate-live-playlist", "complete"},
    {"preposition-breaking", "complete"},
    {"looping-invalidate", "processed"},    // cdn-b refuses its part: ereject
    {"statistics-news-web", "complete"},    // cdnlab's extension: counts, changes nothing
};

TEST(FederationExperiment, EveryFinishingCommandReachesExactlyItsServersAndNoOthers) {
  const auto& run = YamlRun();
  for (const auto& [id, status] : kFinishing) {
    const auto& c = Command(run, id);
    EXPECT_EQ(c.status, status) << id;
    EXPECT_FALSE(c.targeted_servers.empty()) << id;
    EXPECT_EQ(c.targeted_servers, c.acknowledged_servers) << id;
    EXPECT_TRUE(c.wrongly_targeted_servers.empty()) << id << ": " << ::testing::PrintToString(c.wrongly_targeted_servers);
    EXPECT_EQ(c.applied_servers, c.acknowledged_servers) << id;
    ASSERT_TRUE(c.completion_ms && c.bound_ms) << id;
    EXPECT_GT(*c.bound_ms, 0) << id;
    // The bound follows what each platform admitted, so even the looping command (cdn-b
    // refuses its part at once) cannot beat it.
    EXPECT_GE(*c.completion_ms, *c.bound_ms) << id;
  }
  EXPECT_EQ(SummarizeFederation(run).wrongly_targeted_total, 0u);
}

TEST(FederationExperiment, TheCascadeReachesAllThreePlatforms) {
  const auto& c = Command(YamlRun(), "purge-election");
  // news-web: a -> b -> c, 8 servers; the status ids of all three gateways form its chain.
  EXPECT_EQ(c.targeted_servers,
            (std::vector<std::string>{"a-edge-lon", "a-edge-par", "a-parent-fra", "b-edge-chi", "b-edge-nyc",
                                      "b-parent-nyc", "c-edge-sin", "c-parent-sin"}));
  ASSERT_EQ(c.chain_status_ids.size(), 3u);
  EXPECT_EQ(c.chain_status_ids[0].rfind("cdn-a-t", 0), 0u);
  EXPECT_EQ(c.chain_status_ids[1].rfind("cdn-b-t", 0), 0u);
  EXPECT_EQ(c.chain_status_ids[2].rfind("cdn-c-t", 0), 0u);
}

TEST(FederationExperiment, PurgeDuringServerOutageCompletesAfterTheServerReturnsWithRetries) {
  const auto& run = YamlRun();
  const auto& c = Command(run, "purge-movie-m1");  // c-edge-tyo is down from 20 s to 40 s
  EXPECT_EQ(c.status, "complete");
  EXPECT_NE(std::find(c.acknowledged_servers.begin(), c.acknowledged_servers.end(), "c-edge-tyo"),
            c.acknowledged_servers.end());
  EXPECT_GE(FinishedAtS(c), 40.0);
  EXPECT_LT(FinishedAtS(c), 40.0 + 5.0);  // the next retransmission after the return (backoff cap 4 s)
  ASSERT_TRUE(run.retries_by_kind.count("apply"));
  EXPECT_GT(run.retries_by_kind.at("apply"), 0);
}

TEST(FederationExperiment, CommandsAcrossTheUnreachableGatewayCompleteAfterItIsBack) {
  const auto& run = YamlRun();  // cdn-b's gateway is unreachable from 60 s to 75 s
  for (const char* id : {"invalidate-live-playlist", "preposition-breaking"}) {
    const auto& c = Command(run, id);
    EXPECT_EQ(c.status, "complete") << id;
    EXPECT_GE(FinishedAtS(c), 75.0) << id;
    EXPECT_LT(FinishedAtS(c), 75.0 + 6.0) << id;
  }
}

TEST(FederationExperiment, UnauthorizedCommandFailsWithEpermAndNothingIsApplied) {
  const auto& c = Command(YamlRun(), "unauthorized-purge");
  EXPECT_EQ(c.status, "failed");
  EXPECT_TRUE(HasError(c, "eperm"));
  EXPECT_TRUE(c.applied_servers.empty());
  EXPECT_TRUE(c.targeted_servers.empty());
  EXPECT_FALSE(c.bound_ms.has_value());  // nothing admitted: no configuration to bound
}

TEST(FederationExperiment, CancelStopsTheCommandAndTheLoopIsRejectedDownstream) {
  const auto& run = YamlRun();
  EXPECT_EQ(Command(run, "cancel-purge-articles").status, "accepted");
  EXPECT_EQ(Command(run, "cancel-purge-articles").status_id, Command(run, "purge-articles").status_id);
  EXPECT_EQ(Command(run, "purge-articles").status, "cancelled");
  EXPECT_TRUE(Command(run, "purge-articles").wrongly_targeted_servers.empty());
  EXPECT_TRUE(HasError(Command(run, "looping-invalidate"), "ereject"));
}

TEST(FederationExperiment, StatisticsBringEveryNewsServersNumbersBackToTheIssuer) {
  const auto& run = YamlRun();
  const auto& c = Command(run, "statistics-news-web");
  EXPECT_EQ(c.type, "statistics");
  ASSERT_TRUE(c.statistics.has_value());
  EXPECT_EQ(c.statistics->servers, 8u);
  EXPECT_EQ(c.targeted_servers.size(), 8u);
  // news-web's metadata is named: every cached object counts. Of its 5 cached objects,
  // election.html is purged everywhere; breaking/live.html is prepositioned everywhere; the
  // photos and Sports.html are stale everywhere (invalidate-photos-and-sports). Then:
  //   cdn-a (3 servers): purge-articles removed Sports.html before its cancel, and
  //     looping-invalidate made index.html stale (it ran on cdn-a only): 4 objects, 3 stale;
  //   cdn-b (3): Sports.html purged too, index.html fresh (it refused the loop): 4, 2;
  //   cdn-c (2): purge-articles never ran there (cancelled first): 5, 3.
  EXPECT_EQ(c.statistics->objects, 3u * 4 + 3u * 4 + 2u * 5);
  EXPECT_EQ(c.statistics->stale, 3u * 3 + 3u * 2 + 2u * 3);
  // The other commands carry no statistics.
  EXPECT_FALSE(Command(run, "purge-election").statistics.has_value());
  const nlohmann::json summary = FederationSummaryJson(run);
  const auto& commands = summary["commands"];
  const auto it = std::find_if(commands.begin(), commands.end(),
                               [](const nlohmann::json& j) { return j["id"] == "statistics-news-web"; });
  ASSERT_NE(it, commands.end());
  EXPECT_EQ((*it)["statistics"], (nlohmann::json{{"servers", 8}, {"objects", 34}, {"stale", 21}}));
}

TEST(FederationExperiment, FaultsAreRecordedWithTheirTimesAndMessageLossDropsExactly) {
  const auto& run = YamlRun();
  std::vector<std::string> seen;
  for (const auto& f : run.faults) seen.push_back(f.type + "/" + f.node + "/" + f.event + "@" + std::to_string(int(f.at_s)));
  EXPECT_EQ(seen, (std::vector<std::string>{"message_loss/a-edge-lon/armed@9", "server_down/c-edge-tyo/start@20",
                                            "server_down/c-edge-tyo/end@40", "gateway_unreachable/cdn-b-gw/start@60",
                                            "gateway_unreachable/cdn-b-gw/end@75", "message_loss/cdn-c-gw/armed@84"}));
  EXPECT_EQ(run.datagrams_lost_to_faults, 2u);
  EXPECT_GT(run.messages_sent_by_kind.at("apply"), 0);
  EXPECT_GT(run.messages_sent_by_kind.at("submit"), 0);
  EXPECT_EQ(run.send_failures, 0);
}

TEST(FederationExperiment, SameSeedGivesIdenticalSummaryAndAnotherSeedChangesIt) {
  Scenario s = FederationYaml();
  MetricsRecorder m1, m2, m3;
  const std::string a = FederationSummaryJson(RunFederationExperiment(s, m1)).dump();
  const std::string b = FederationSummaryJson(RunFederationExperiment(s, m2)).dump();
  EXPECT_EQ(a, b);
  s.seed = 8;
  const std::string c = FederationSummaryJson(RunFederationExperiment(s, m3)).dump();
  EXPECT_NE(a, c);  // the retry jitter draws differ, and with them the outage-bound times
}

// --- small scenarios worked out by hand ---

// r1 -- 10 ms -- r2. cdn-x (gateway at r1): parent x-p at r1, edge x-e at r2. cdn-y (gateway
// at r2, delegated by cdn-x): edge y-e at r2. Access links 0.5 ms.
//   bound = tier 0 (gw-x <-> x-p, 1 ms each way) 2 ms + tier 1 (gw-x <-> x-e, 11 ms) 22 ms
//         + downstream: gw-x -> gw-y 11 ms + (gw-y <-> y-e, 1 ms) 2 ms + gw-y -> gw-x 11 ms = 48 ms
std::string TwoCdnScenario(const std::string& commands, const std::string& faults = "") {
  return R"(name: two-cdn
seed: 3
duration_s: 60
routers:
  - {id: r1, lat: 50, lon: 8}
  - {id: r2, lat: 48, lon: 2}
links:
  - {a: r1, b: r2, delay_ms: 10}
federation:
  participants:
    - {id: cdn-x, secret: cdn-x-secret-0123456789}
    - {id: cdn-y, secret: cdn-y-secret-0123456789}
    - {id: cp, secret: cp-secret-0123456789}
    - {id: cp-other, secret: cp-other-secret-0123456789}
  platforms:
    - id: cdn-x
      gateway_at: r1
      servers:
        - {id: x-p, tier: parent, at: r1}
        - {id: x-e, tier: edge, parent: x-p, at: r2}
    - id: cdn-y
      gateway_at: r2
      servers:
        - {id: y-e, tier: edge, at: r2}
  providers:
    - {id: cp, platform: cdn-x}
    - {id: cp-other, platform: cdn-x}
  configurations:
    - id: site
      provider: cp
      hosts: [www.site.example]
      deployments:
        - {platform: cdn-x, servers: [x-p, x-e]}
        - {platform: cdn-y, delegated_by: cdn-x, servers: [y-e]}
      objects:
        - {url: "https://www.site.example/a.html"}
        - {url: "https://www.site.example/b.html"}
    - id: other
      provider: cp-other
      hosts: [www.other.example]
      deployments:
        - {platform: cdn-x, servers: [x-p]}
      objects:
        - {url: "https://www.other.example/a.html"}
)" + commands + faults;
}

const char* kOnePurge = R"(  commands:
    - {id: purge-a, at_s: 1, by: cp, platform: cdn-x, type: purge, content_urls: ["https://www.site.example/a.html"]}
)";

TEST(FederationExperimentSmall, CompletionIsTheNetworkBoundPlusTransmissionTime) {
  MetricsRecorder metrics;
  const auto run = RunFederationExperiment(LoadScenarioText(TwoCdnScenario(kOnePurge), "two-cdn"), metrics);
  const auto& c = Command(run, "purge-a");
  EXPECT_EQ(c.status, "complete");
  EXPECT_EQ(c.targeted_servers, (std::vector<std::string>{"x-e", "x-p", "y-e"}));
  EXPECT_EQ(c.acknowledged_servers, c.targeted_servers);
  ASSERT_TRUE(c.bound_ms && c.completion_ms);
  EXPECT_NEAR(*c.bound_ms, 48.0, 1e-6);
  EXPECT_GE(*c.completion_ms, 48.0);
  EXPECT_LT(*c.completion_ms, 48.0 + 2.0);  // only serialization at 1 Gbit/s on top: no loss, no retries
  EXPECT_TRUE(run.retries_by_kind.empty());
  EXPECT_TRUE(run.faults.empty());
  // The origin, then cdn-y's record for it.
  ASSERT_EQ(c.chain_status_ids.size(), 2u);
  EXPECT_EQ(c.chain_status_ids[1].rfind("cdn-y-t", 0), 0u);
}

TEST(FederationExperimentSmall, LostMessageToAServerIsRetransmittedOnceByTheTransport) {
  const std::string faults = R"(  faults:
    - {at_s: 0.5, type: message_loss, to_server: x-e, count: 1}
)";
  MetricsRecorder metrics;
  const auto run = RunFederationExperiment(LoadScenarioText(TwoCdnScenario(kOnePurge, faults), "two-cdn"), metrics);
  const auto& c = Command(run, "purge-a");
  EXPECT_EQ(c.status, "complete");
  EXPECT_EQ(run.datagrams_lost_to_faults, 1u);
  // The reliable channel resends the lost fragment after its first timeout (200 ms), before
  // the gateway's own retry (250 ms) would: no second apply is sent.
  EXPECT_EQ(run.retries_by_kind.count("apply"), 0u);
  EXPECT_GT(*c.completion_ms, 48.0 + 195.0);
  EXPECT_LT(*c.completion_ms, 48.0 + 200.0 + 5.0);
}

TEST(FederationExperimentSmall, ServerDownLongerThanTheRetryBudgetIsReportedAsEcdn) {
  const std::string faults = R"(  faults:
    - {at_s: 0.5, type: server_down, server: y-e, duration_s: 50}
)";
  MetricsRecorder metrics;
  const auto run = RunFederationExperiment(LoadScenarioText(TwoCdnScenario(kOnePurge, faults), "two-cdn"), metrics);
  const auto& c = Command(run, "purge-a");
  EXPECT_EQ(c.status, "processed");
  ASSERT_TRUE(HasError(c, "ecdn"));
  for (const auto& e : c.errors) {
    if (e.error == "ecdn") {
      EXPECT_EQ(e.servers, std::vector<std::string>{"y-e"});
    }
  }
  EXPECT_EQ(c.acknowledged_servers, (std::vector<std::string>{"x-e", "x-p"}));
  EXPECT_TRUE(c.wrongly_targeted_servers.empty());
  EXPECT_FALSE(SummarizeFederation(run).all_targeted_acknowledged);
}

TEST(FederationExperimentSmall, AProviderCannotCommandAnotherProvidersConfiguration) {
  const char* commands = R"(  commands:
    - {id: steal, at_s: 1, by: cp-other, platform: cdn-x, type: purge, content_urls: ["https://www.site.example/a.html"]}
    - {id: own, at_s: 2, by: cp-other, platform: cdn-x, type: purge, content_urls: ["https://www.other.example/a.html"]}
)";
  MetricsRecorder metrics;
  const auto run = RunFederationExperiment(LoadScenarioText(TwoCdnScenario(commands), "two-cdn"), metrics);
  EXPECT_EQ(Command(run, "steal").status, "failed");
  EXPECT_TRUE(HasError(Command(run, "steal"), "eperm"));
  EXPECT_TRUE(Command(run, "steal").applied_servers.empty());
  // Its own configuration runs on x-p alone, never on cdn-y.
  EXPECT_EQ(Command(run, "own").status, "complete");
  EXPECT_EQ(Command(run, "own").applied_servers, std::vector<std::string>{"x-p"});
  EXPECT_NEAR(*Command(run, "own").bound_ms, 2.0, 1e-6);
}

// A routing scenario with a federation beside it: the federation's network is the same
// topology (PoPs, groups, resolvers and the DNS node stay plain nodes), and its hosts may
// hang off any of them.
TEST(FederationExperimentSmall, RunsBesideRequestRoutingOnTheSameTopology) {
  const std::string yaml = R"(name: both
seed: 5
duration_s: 30
routers:
  - {id: r-nyc, lat: 40.71, lon: -74.01}
  - {id: r-lon, lat: 51.51, lon: -0.13}
pops:
  - {id: pop-nyc, lat: 40.71, lon: -74.01, servers: 1, capacity_rps: 100}
  - {id: pop-lon, lat: 51.51, lon: -0.13, servers: 1, capacity_rps: 100}
resolvers:
  - {id: res, lat: 40.7, lon: -74.0}
client_groups:
  - {id: g-boston, prefix: 10.1.0.0/24, lat: 42.36, lon: -71.06, population: 100, resolver: res}
dns: {id: dns, lat: 40.7, lon: -74.0, zone: example.net, hostname: cdn.example.net, ttl_s: 10}
links:
  - {a: r-nyc, b: r-lon, delay_ms: 35}
  - {a: pop-nyc, b: r-nyc, delay_ms: 1}
  - {a: pop-lon, b: r-lon, delay_ms: 1}
  - {a: g-boston, b: r-nyc, delay_ms: 2}
  - {a: res, b: r-nyc, delay_ms: 1}
  - {a: dns, b: r-nyc, delay_ms: 1}
policies:
  - {name: geo}
federation:
  participants:
    - {id: cdn-x, secret: cdn-x-secret-0123456789}
    - {id: cp, secret: cp-secret-0123456789}
  platforms:
    - id: cdn-x
      gateway_at: dns
      servers:
        - {id: x-nyc, tier: parent, at: pop-nyc}
        - {id: x-lon, tier: edge, parent: x-nyc, at: pop-lon}
  providers:
    - {id: cp, platform: cdn-x}
  configurations:
    - id: site
      provider: cp
      hosts: [www.site.example]
      deployments:
        - {platform: cdn-x, servers: [x-nyc, x-lon]}
      objects:
        - {url: "https://www.site.example/a.html"}
  commands:
    - {id: purge-a, at_s: 1, by: cp, platform: cdn-x, type: purge, content_urls: ["https://www.site.example/a.html"]}
)";
  MetricsRecorder metrics;
  const auto run = RunFederationExperiment(LoadScenarioText(yaml, "both"), metrics);
  const auto& c = Command(run, "purge-a");
  EXPECT_EQ(c.status, "complete");
  EXPECT_EQ(c.acknowledged_servers, (std::vector<std::string>{"x-lon", "x-nyc"}));
  // gw -0.5- dns -1- r-nyc -1- pop-nyc -0.5- x-nyc: 3 ms each way; gw to x-lon 0.5+1+35+1+0.5 = 38 ms.
  ASSERT_TRUE(c.bound_ms && c.completion_ms);
  EXPECT_NEAR(*c.bound_ms, 2 * 3.0 + 2 * 38.0, 1e-6);
  EXPECT_GE(*c.completion_ms, *c.bound_ms);
  EXPECT_LT(*c.completion_ms, *c.bound_ms + 2.0);
}

}  // namespace
}  // namespace cdnlab
