// The ns-3 network of a federation: a host per gateway and server with its own address and
// access link, latencies from the graph that the simulated packets really take, and the two
// ways faults cut traffic (an access link that drops everything; lost next datagrams).
#include "sim/federation/network.h"

#include <map>
#include <vector>

#include <gtest/gtest.h>
#include <ns3/simulator.h>

#include "scenarios/loader/scenario_loader.h"
#include "sim/federation/faulty_transport.h"
#include "sim/net/ns3_clock.h"
#include "sim/net/ns3_datagram_transport.h"

namespace cdnlab {
namespace {

// r1 -- 10 ms -- r2 -- 20 ms -- r3; cdn-x's gateway at r1 (access 0.5 ms), server s1 at r1
// (0.5 ms), s2 at r3 (2 ms); cdn-y's gateway at r3 (1 ms), its server t1 at r2 (0.5 ms).
const char* kScenario = R"(name: fed-net
seed: 1
duration_s: 10
routers:
  - {id: r1, lat: 50, lon: 8}
  - {id: r2, lat: 48, lon: 2}
  - {id: r3, lat: 40, lon: -74}
links:
  - {a: r1, b: r2, delay_ms: 10}
  - {a: r2, b: r3, delay_ms: 20}
federation:
  participants:
    - {id: cdn-x, secret: cdn-x-secret-0123456789}
    - {id: cdn-y, secret: cdn-y-secret-0123456789}
    - {id: cp, secret: cp-secret-0123456789}
  platforms:
    - id: cdn-x
      gateway_at: r1
      servers:
        - {id: s1, tier: parent, at: r1}
        - {id: s2, tier: edge, parent: s1, at: r3, access_delay_ms: 2}
    - id: cdn-y
      gateway_at: r3
      gateway_access_delay_ms: 1
      servers:
        - {id: t1, tier: edge, at: r2}
  providers:
    - {id: cp, platform: cdn-x}
  configurations:
    - id: site
      provider: cp
      hosts: [www.site.example]
      deployments:
        - {platform: cdn-x, servers: [s1, s2]}
        - {platform: cdn-y, delegated_by: cdn-x, servers: [t1]}
)";

class FederationSimNetworkTest : public ::testing::Test {
 protected:
  void TearDown() override { ns3::Simulator::Destroy(); }
  Scenario scenario_ = LoadScenarioText(kScenario, "fed-net");
};

TEST_F(FederationSimNetworkTest, EveryFederationNodeHasItsOwnAddressPortAndPlatform) {
  FederationSimNetwork network(scenario_);
  EXPECT_EQ(network.Nodes(), (std::vector<std::string>{"cdn-x-gw", "s1", "s2", "cdn-y-gw", "t1"}));
  const Ipv4Prefix pool{Ipv4Address{(100u << 24) | (64u << 16)}, 10};
  std::map<Endpoint, std::string> seen;
  for (const auto& node : network.Nodes()) {
    const auto e = network.Directory().EndpointOf(node);
    ASSERT_TRUE(e) << node;
    EXPECT_TRUE(e->address.IsV4() && pool.Contains(e->address.V4())) << node << " " << e->ToString();
    EXPECT_EQ(e->port, FederationSimNetwork::kPort);
    EXPECT_TRUE(seen.emplace(*e, node).second) << node << " shares " << e->ToString();
    EXPECT_EQ(network.Directory().NodeAt(*e), node);
  }
  EXPECT_EQ(network.Directory().ParticipantOf("cdn-x-gw"), "cdn-x");
  EXPECT_EQ(network.Directory().ParticipantOf("s2"), "cdn-x");
  EXPECT_EQ(network.Directory().ParticipantOf("cdn-y-gw"), "cdn-y");
  EXPECT_EQ(network.Directory().ParticipantOf("t1"), "cdn-y");
}

TEST_F(FederationSimNetworkTest, LatencyIsTheShortestPathWithAccessLinks) {
  FederationSimNetwork network(scenario_);
  EXPECT_DOUBLE_EQ(ToMillis(network.Latency("cdn-x-gw", "s1")), 1.0);
  EXPECT_DOUBLE_EQ(ToMillis(network.Latency("cdn-x-gw", "s2")), 0.5 + 10 + 20 + 2);
  EXPECT_DOUBLE_EQ(ToMillis(network.Latency("s2", "cdn-x-gw")), 0.5 + 10 + 20 + 2);
  EXPECT_DOUBLE_EQ(ToMillis(network.Latency("cdn-y-gw", "t1")), 1 + 20 + 0.5);
  EXPECT_DOUBLE_EQ(ToMillis(network.LatencyFunction()("cdn-x-gw", "cdn-y-gw")), 0.5 + 30 + 1);
  EXPECT_THROW(network.Latency("cdn-x-gw", "nowhere"), std::invalid_argument);
}

// Sends one datagram from `from` to `to` at `at_s` and returns when it arrived (-1: never).
struct Probe {
  std::string from;
  std::string to;
  double at_s;
  double arrived_s = -1;
};

void RunProbes(FederationSimNetwork& network, DatagramTransport& transport, std::vector<Probe>& probes,
               Ns3Clock& clock) {
  for (const auto& node : network.Nodes()) {
    transport.Bind(network.EndpointOf(node), [&](const Endpoint&, const Bytes& payload) {
      const std::size_t index = payload.at(0);
      probes.at(index).arrived_s = ToSeconds(clock.Now());
    });
  }
  for (std::size_t i = 0; i < probes.size(); ++i) {
    clock.ScheduleAfter(FromSeconds(probes[i].at_s), [&, i] {
      transport.Send(network.EndpointOf(probes[i].from), network.EndpointOf(probes[i].to),
                     Bytes{static_cast<std::uint8_t>(i), 1, 2, 3});
    });
  }
  ns3::Simulator::Stop(ns3::Seconds(10));
  ns3::Simulator::Run();
  for (const auto& node : network.Nodes()) transport.Unbind(network.EndpointOf(node));
}

TEST_F(FederationSimNetworkTest, PacketsTakeTheGraphLatencyAndAnUnreachableNodeGetsNothing) {
  Ns3Clock clock;
  FederationSimNetwork network(scenario_);
  Ns3DatagramTransport transport(network.Network());
  std::vector<Probe> probes{{"cdn-x-gw", "s2", 1.0}, {"s2", "cdn-x-gw", 2.5}, {"cdn-x-gw", "s2", 3.5},
                            {"cdn-x-gw", "t1", 4.0}, {"cdn-x-gw", "s2", 6.0}};
  // s2 is cut off from 2 s to 5 s: nothing in or out, the rest of the network unaffected.
  clock.ScheduleAfter(FromSeconds(2), [&] { network.SetReachable("s2", false); });
  clock.ScheduleAfter(FromSeconds(5), [&] { network.SetReachable("s2", true); });
  RunProbes(network, transport, probes, clock);
  const double one_way = (0.5 + 10 + 20 + 2) / 1000;
  EXPECT_NEAR(probes[0].arrived_s, 1.0 + one_way, 0.001);
  EXPECT_EQ(probes[1].arrived_s, -1);
  EXPECT_EQ(probes[2].arrived_s, -1);
  EXPECT_NEAR(probes[3].arrived_s, 4.0 + (0.5 + 10 + 0.5) / 1000, 0.001);
  EXPECT_NEAR(probes[4].arrived_s, 6.0 + one_way, 0.001);
  EXPECT_TRUE(network.Reachable("s2"));
}

TEST_F(FederationSimNetworkTest, UnreachableCallsNest) {
  FederationSimNetwork network(scenario_);
  network.SetReachable("t1", false);
  network.SetReachable("t1", false);
  network.SetReachable("t1", true);
  EXPECT_FALSE(network.Reachable("t1"));
  network.SetReachable("t1", true);
  EXPECT_TRUE(network.Reachable("t1"));
}

TEST_F(FederationSimNetworkTest, FaultyTransportDropsExactlyTheNextDatagramsToADestination) {
  Ns3Clock clock;
  FederationSimNetwork network(scenario_);
  Ns3DatagramTransport ns3_transport(network.Network());
  FaultyDatagramTransport transport(ns3_transport);
  std::vector<Probe> probes{{"cdn-x-gw", "s1", 1.0}, {"cdn-y-gw", "s1", 1.1}, {"cdn-x-gw", "t1", 1.2},
                            {"cdn-x-gw", "s1", 1.3}, {"cdn-x-gw", "s1", 1.4}};
  clock.ScheduleAfter(FromSeconds(0.5), [&] { transport.DropNext(network.EndpointOf("s1"), 2); });
  RunProbes(network, transport, probes, clock);
  EXPECT_EQ(probes[0].arrived_s, -1);  // the next two to s1, from anyone
  EXPECT_EQ(probes[1].arrived_s, -1);
  EXPECT_GT(probes[2].arrived_s, 0);   // other destinations unaffected
  EXPECT_GT(probes[3].arrived_s, 0);
  EXPECT_GT(probes[4].arrived_s, 0);
  EXPECT_EQ(transport.Dropped(network.EndpointOf("s1")), 2u);
  EXPECT_EQ(transport.PendingDrops(network.EndpointOf("s1")), 0u);
  EXPECT_EQ(transport.DroppedTotal(), 2u);
}

}  // namespace
}  // namespace cdnlab
