// The flow fidelity's pieces on hand-made topologies: path metrics and route changes in
// FlowNetwork, delivery time, loss and determinism in FlowDatagramTransport, TCP-like timing
// and failures in FlowObjectFetcher; and the address plan both fidelities share.
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <ns3/simulator.h>

#include "scenarios/loader/scenario_loader.h"
#include "scenarios/core/topology_from_scenario.h"
#include "sim/flow/datagram_transport.h"
#include "sim/flow/network.h"
#include "sim/flow/object_fetcher.h"
#include "sim/net/ns3_clock.h"
#include "sim/net/network.h"

namespace cdnlab {
namespace {

// pop-a - r1 -(10 ms, 100 Mbit, 1%)- r2 -(10 ms, 2%)- r3 - g, and a 30 ms / 50 Mbit r1 - r3
// detour. Server to g: 0.01 (LAN) + 1 + 10 + 10 + 2 = 23.01 ms via r2.
const char* kTriangle = R"(name: flow-unit
seed: 3
duration_s: 60
routers:
  - {id: r1, lat: 0, lon: 0}
  - {id: r2, lat: 0, lon: 1}
  - {id: r3, lat: 0, lon: 2}
pops:
  - {id: pop-a, lat: 0, lon: 0, servers: 2, capacity_rps: 100}
resolvers:
  - {id: res, lat: 0, lon: 0}
client_groups:
  - {id: g, prefix: 10.1.0.0/24, lat: 0, lon: 2, population: 100, resolver: res}
dns: {id: dns, lat: 0, lon: 0, zone: example.net, hostname: cdn.example.net, ttl_s: 10}
links:
  - {a: pop-a, b: r1, delay_ms: 1}
  - {a: r1, b: r2, delay_ms: 10, bandwidth_mbps: 100, loss: 0.01}
  - {a: r2, b: r3, delay_ms: 10, loss: 0.02}
  - {a: r1, b: r3, delay_ms: 30, bandwidth_mbps: 50}
  - {a: g, b: r3, delay_ms: 2, bandwidth_mbps: 500}
  - {a: res, b: r1, delay_ms: 1}
  - {a: dns, b: r1, delay_ms: 1}
evaluation: {warmup_s: 10}
policies:
  - {name: geo}
)";

// Server to g: 0.01 + 5 + 4.99 = 10 ms one way, 100 Mbit, lossless.
const char* kTenMs = R"(name: flow-fetch
seed: 3
duration_s: 60
routers:
  - {id: r1, lat: 0, lon: 0}
pops:
  - {id: pop-a, lat: 0, lon: 0, servers: 1, capacity_rps: 100}
resolvers:
  - {id: res, lat: 0, lon: 0}
client_groups:
  - {id: g, prefix: 10.1.0.0/24, lat: 0, lon: 2, population: 100, resolver: res}
dns: {id: dns, lat: 0, lon: 0, zone: example.net, hostname: cdn.example.net, ttl_s: 10}
links:
  - {a: pop-a, b: r1, delay_ms: 5}
  - {a: g, b: r1, delay_ms: 4.99, bandwidth_mbps: 100}
  - {a: res, b: r1, delay_ms: 1}
  - {a: dns, b: r1, delay_ms: 1}
evaluation: {warmup_s: 10}
policies:
  - {name: geo}
)";

struct Fixture {
  explicit Fixture(const char* yaml) : scenario(LoadScenarioText(yaml, "test.yaml")), graph(BuildTopology(scenario)),
                                       network(scenario, graph) {}
  Ipv4Address Server(std::size_t i = 0) const { return network.Catalog().pops[0].servers[i]; }
  Ipv4Address Group() const { return network.Catalog().groups[0].representative; }
  Scenario scenario;
  TopologyGraph graph;
  FlowNetwork network;
};

class FlowRuntimeTest : public ::testing::Test {
 protected:
  void TearDown() override { ns3::Simulator::Destroy(); }
};

TEST_F(FlowRuntimeTest, PathMetricsFollowTheMinDelayRoute) {
  Fixture f(kTriangle);
  const PathMetrics m = f.network.Path(f.Server(), f.Group());
  ASSERT_TRUE(m.reachable);
  EXPECT_NEAR(m.one_way_delay_ms, 23.01, 1e-4);
  EXPECT_NEAR(m.loss, 1 - 0.99 * 0.98, 1e-6);
  EXPECT_DOUBLE_EQ(m.bottleneck_mbps, 100);
  EXPECT_EQ(m.bottleneck_link, *f.graph.FindLink("r1", "r2"));
  // Symmetric, and read from the server's tree either way round.
  const PathMetrics back = f.network.Path(f.Group(), f.Server());
  EXPECT_NEAR(back.one_way_delay_ms, m.one_way_delay_ms, 1e-6);
  EXPECT_EQ(f.network.CachedTrees(), 1u);
  // Resolver to DNS: both on r1, 1 ms each.
  const PathMetrics dns = f.network.Path(f.network.Catalog().resolvers[0].address, f.network.DnsAddress());
  EXPECT_NEAR(dns.one_way_delay_ms, 2, 1e-6);
  EXPECT_DOUBLE_EQ(dns.loss, 0);
}

TEST_F(FlowRuntimeTest, LinkChangeMovesTheRouteAfterRecompute) {
  Fixture f(kTriangle);
  const auto backbone = *f.graph.FindLink("r1", "r2");
  LinkParams slow = f.graph.Link(backbone);
  slow.delay_ms = 50;
  f.network.SetLinkParams(backbone, slow);
  f.network.RecomputeRoutes();
  const PathMetrics m = f.network.Path(f.Server(), f.Group());
  EXPECT_NEAR(m.one_way_delay_ms, 0.01 + 1 + 30 + 2, 1e-4);  // the r1 - r3 detour
  EXPECT_DOUBLE_EQ(m.loss, 0);
  EXPECT_DOUBLE_EQ(m.bottleneck_mbps, 50);
  EXPECT_EQ(m.bottleneck_link, *f.graph.FindLink("r1", "r3"));
}

// A dual-stack group's IPv6 host is the same host as its IPv4 one: same path, same delay; an
// IPv6 endpoint binds apart from the IPv4 endpoint with the same port.
TEST_F(FlowRuntimeTest, Ipv6HostsTakeTheirIpv4Paths) {
  std::string yaml = kTriangle;
  yaml.replace(yaml.find("prefix: 10.1.0.0/24,"), 20, "prefix: 10.1.0.0/24, prefix6: \"3fff:1::/48\",");
  Fixture f(yaml.c_str());
  const ClientGroupInfo& g = f.network.Catalog().groups[0];
  ASSERT_TRUE(g.Representative6());
  ASSERT_EQ(f.network.Catalog().pops[0].servers6.size(), 2u);
  const IpAddress server6 = f.network.Catalog().pops[0].servers6[0];
  EXPECT_TRUE(f.network.HasHost(server6));
  EXPECT_EQ(f.network.HostAddress(server6), f.Server());
  const PathMetrics v4 = f.network.Path(f.Server(), f.Group());
  const PathMetrics v6 = f.network.Path(server6, *g.Representative6());
  EXPECT_DOUBLE_EQ(v6.one_way_delay_ms, v4.one_way_delay_ms);
  EXPECT_DOUBLE_EQ(v6.loss, v4.loss);
  EXPECT_EQ(v6.bottleneck_link, v4.bottleneck_link);

  FlowDatagramTransport transport(f.network, 1, 1);
  int v4_received = 0;
  int v6_received = 0;
  transport.Bind({f.Group(), 53}, [&](const Endpoint&, const Bytes&) { ++v4_received; });
  transport.Bind({*g.Representative6(), 53}, [&](const Endpoint& from, const Bytes&) {
    ++v6_received;
    EXPECT_EQ(from.address, server6);
  });
  transport.Bind({server6, 7000}, [](const Endpoint&, const Bytes&) {});
  transport.Send({server6, 7000}, {*g.Representative6(), 53}, Bytes(10));
  ns3::Simulator::Run();
  EXPECT_EQ(v6_received, 1);
  EXPECT_EQ(v4_received, 0);
  Ipv6Address unknown = *g.Representative6();
  unknown.bytes[15] = 9;
  EXPECT_FALSE(f.network.HasHost(unknown));
  EXPECT_THROW(f.network.Path(unknown, f.Group()), std::invalid_argument);
  // 100 kB fits slow start's 10 + 20 + 40 segments of 1448 bytes, not of IPv6's 1428: one
  // round trip more, as in packet fidelity.
  const double v4_s = ToSeconds(FlowObjectFetcher::DataTime(100000, 0.02, 1e9));
  const double v6_s = ToSeconds(FlowObjectFetcher::DataTime(100000, 0.02, 1e9, FlowObjectFetcher::kSegmentBytes6));
  EXPECT_NEAR(v6_s - v4_s, 0.02, 0.001);
}

TEST_F(FlowRuntimeTest, DownPopServersDropEverything) {
  Fixture f(kTriangle);
  FlowDatagramTransport transport(f.network, 1, 1);
  int received = 0;
  const Endpoint server{f.Server(), 7000};
  const Endpoint group{f.Group(), 7};
  transport.Bind(server, [&](const Endpoint&, const Bytes&) { ++received; });
  transport.Bind(group, [&](const Endpoint&, const Bytes&) { ++received; });
  EXPECT_FALSE(f.network.HostDown(f.Server()));
  f.network.SetPopServersUp(0, false);
  EXPECT_TRUE(f.network.HostDown(f.Server(1)));
  EXPECT_FALSE(f.network.HostDown(f.Group()));
  transport.Send(group, server, Bytes(10));
  transport.Send(server, group, Bytes(10));
  ns3::Simulator::Run();
  EXPECT_EQ(received, 0);
  EXPECT_EQ(transport.Dropped(), 2u);
  f.network.SetPopServersUp(0, true);
  transport.Send(server, {f.network.DnsAddress(), 53}, Bytes(10));  // nothing bound there: dropped
  transport.Send(server, {f.network.ControllerAddress(), 1}, Bytes(10));
  EXPECT_THROW(transport.Send({f.Server(), 1}, group, Bytes(1)), std::logic_error);  // unbound sender
  EXPECT_THROW(transport.Bind(server, [](const Endpoint&, const Bytes&) {}), std::logic_error);
  EXPECT_THROW(transport.Bind({Ipv4Address{1}, 1}, [](const Endpoint&, const Bytes&) {}), std::invalid_argument);
}

// Sends 300 datagrams over the lossy path; returns the sequence numbers that arrived and
// checks each arrival time.
std::vector<int> DeliveredSequence(std::uint64_t seed) {
  Fixture f(kTriangle);
  FlowDatagramTransport transport(f.network, seed, 101);
  std::vector<int> arrived;
  const Endpoint server{f.Server(), 7000};
  const Endpoint group{f.Group(), 7};
  // 23.01 ms + (100 + 28 bytes) at 100 Mbit.
  const double expected_s = 23.01e-3 + 128 * 8 / 100e6;
  transport.Bind(group, [&](const Endpoint& from, const Bytes& payload) {
    EXPECT_EQ(from, server);
    EXPECT_NEAR(ns3::Simulator::Now().GetSeconds(), expected_s, 2e-6);
    arrived.push_back(payload[0] | (payload[1] << 8));
  });
  transport.Bind(server, [](const Endpoint&, const Bytes&) {});
  for (int i = 0; i < 300; ++i) {
    Bytes payload(100);
    payload[0] = static_cast<std::uint8_t>(i & 0xff);
    payload[1] = static_cast<std::uint8_t>(i >> 8);
    transport.Send(server, group, payload);
  }
  ns3::Simulator::Run();
  EXPECT_EQ(transport.Delivered() + transport.Dropped(), 300u);
  ns3::Simulator::Destroy();
  return arrived;
}

TEST_F(FlowRuntimeTest, TransportLossIsSeededAndDeterministic) {
  const std::vector<int> a = DeliveredSequence(5);
  const std::vector<int> b = DeliveredSequence(5);
  const std::vector<int> c = DeliveredSequence(6);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  // About 3% of 300 lost.
  EXPECT_GE(300 - a.size(), 1u);
  EXPECT_LE(300 - a.size(), 30u);
}

TEST_F(FlowRuntimeTest, FetchTimingFollowsHandshakeSlowStartAndBandwidth) {
  Fixture f(kTenMs);
  ASSERT_NEAR(f.network.Path(f.Group(), f.Server()).one_way_delay_ms, 10, 1e-4);
  Ns3Clock clock;
  FlowObjectFetcher fetcher(f.network, clock, clock);
  std::vector<FetchResult> results;
  fetcher.Fetch(f.Group(), {f.Server(), 80}, 1000000, [&](const FetchResult& r) { results.push_back(r); });
  ns3::Simulator::Run();
  ASSERT_EQ(results.size(), 1u);
  const FetchResult& r = results[0];
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.bytes, 1000000u);
  // 2 RTTs (40 ms) + 5 slow-start rounds (100 ms) + the remaining 551,120 B at 100 Mbit (44 ms).
  // Never faster than 2 RTTs + 1 MB at line rate (120 ms).
  EXPECT_GT(ToSeconds(r.elapsed), 0.120);
  EXPECT_NEAR(ToSeconds(r.elapsed), 0.184, 0.005);
  ASSERT_TRUE(r.request_to_first_byte.has_value());
  EXPECT_NEAR(ToSeconds(*r.request_to_first_byte), 0.020, 0.001);
  EXPECT_EQ(fetcher.InFlight(), 0u);
}

TEST_F(FlowRuntimeTest, ConcurrentFetchesShareTheBottleneck) {
  Fixture f(kTenMs);
  Ns3Clock clock;
  FlowObjectFetcher fetcher(f.network, clock, clock);
  std::vector<double> elapsed;
  for (int i = 0; i < 2; ++i) {
    fetcher.Fetch(f.Group(), {f.Server(), 80}, 5000000,
                  [&](const FetchResult& r) { elapsed.push_back(ToSeconds(r.elapsed)); });
  }
  ns3::Simulator::Run();
  ASSERT_EQ(elapsed.size(), 2u);
  // Alone: ~0.4 s at 100 Mbit; the second shares the link and needs about twice the data time.
  EXPECT_GT(elapsed[1], elapsed[0] * 1.5);
}

TEST_F(FlowRuntimeTest, MathisLimitCapsLossyPaths) {
  PathMetrics p;
  p.reachable = true;
  p.one_way_delay_ms = 10;
  p.bottleneck_mbps = 1000;
  p.loss = 0.01;
  // 1448 B x 8 / 20 ms x 1.22 / 0.1 = 7.07 Mbit/s, far below the 1 Gbit link.
  EXPECT_NEAR(FlowObjectFetcher::RateBps(p, 0), 7.066e6, 0.01e6);
  p.loss = 0;
  EXPECT_DOUBLE_EQ(FlowObjectFetcher::RateBps(p, 3), 250e6);
  // One window: serialization only.
  EXPECT_NEAR(ToSeconds(FlowObjectFetcher::DataTime(14480, 0.02, 100e6)), 14480 * 8 / 100e6, 1e-9);
}

TEST_F(FlowRuntimeTest, DownServerFailsAfterTheTimeoutExactlyOnce) {
  Fixture f(kTenMs);
  Ns3Clock clock;
  FlowObjectFetcher fetcher(f.network, clock, clock, std::chrono::seconds(2));
  f.network.SetPopServersUp(0, false);
  std::vector<FetchResult> results;
  fetcher.Fetch(f.Group(), {f.Server(), 80}, 1000000, [&](const FetchResult& r) { results.push_back(r); });
  ns3::Simulator::Run();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].ok);
  EXPECT_EQ(results[0].elapsed, std::chrono::seconds(2));
  EXPECT_EQ(results[0].error, "timed out after 0 of 1000000 bytes");
  EXPECT_FALSE(results[0].request_to_first_byte.has_value());
}

TEST_F(FlowRuntimeTest, ServerFailingMidDownloadFailsAtTheTimeout) {
  Fixture f(kTenMs);
  Ns3Clock clock;
  FlowObjectFetcher fetcher(f.network, clock, clock, std::chrono::seconds(2));
  std::vector<FetchResult> results;
  fetcher.Fetch(f.Group(), {f.Server(), 80}, 1000000, [&](const FetchResult& r) { results.push_back(r); });
  clock.ScheduleAfter(std::chrono::milliseconds(50), [&] { f.network.SetPopServersUp(0, false); });
  ns3::Simulator::Run();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].ok);
  EXPECT_EQ(results[0].elapsed, std::chrono::seconds(2));
}

// Both fidelities must name every host the same, or their results could not be compared.
TEST_F(FlowRuntimeTest, FlowAndPacketNetworksHaveTheSameCatalog) {
  const Scenario s = LoadScenarioFile(std::string(CDNLAB_SOURCE_DIR) + "/scenarios/regression/routing_small.yaml");
  const TopologyGraph graph = BuildTopology(s);
  FlowNetwork flow(s, graph);
  SimNetwork packet(s, graph);
  const RoutingCatalog& a = flow.Catalog();
  const RoutingCatalog& b = packet.Catalog();
  EXPECT_EQ(flow.DnsAddress(), packet.DnsAddress());
  EXPECT_EQ(flow.ControllerAddress(), packet.ControllerAddress());
  ASSERT_EQ(a.groups.size(), b.groups.size());
  for (std::size_t g = 0; g < a.groups.size(); ++g) {
    EXPECT_EQ(a.groups[g].id, b.groups[g].id);
    EXPECT_EQ(a.groups[g].representative, b.groups[g].representative);
    EXPECT_EQ(a.groups[g].resolver, b.groups[g].resolver);
    EXPECT_EQ(a.groups[g].prefix, b.groups[g].prefix);
    EXPECT_DOUBLE_EQ(a.groups[g].demand_rps, b.groups[g].demand_rps);
  }
  ASSERT_EQ(a.pops.size(), b.pops.size());
  for (std::size_t p = 0; p < a.pops.size(); ++p) {
    EXPECT_EQ(a.pops[p].id, b.pops[p].id);
    EXPECT_EQ(a.pops[p].servers, b.pops[p].servers);
    for (const auto server : a.pops[p].servers) EXPECT_TRUE(flow.HasHost(server));
  }
  ASSERT_EQ(a.resolvers.size(), b.resolvers.size());
  for (std::size_t r = 0; r < a.resolvers.size(); ++r) EXPECT_EQ(a.resolvers[r].address, b.resolvers[r].address);
  // The first group's host is .1 of its own prefix; a server sits in 100.64.0.0/10.
  EXPECT_EQ(a.groups[0].representative.ToString(), "10.1.0.1");
  EXPECT_EQ(a.pops[0].servers[0].value >> 22, ((100u << 24) | (64u << 16)) >> 22);
}

}  // namespace
}  // namespace cdnlab
