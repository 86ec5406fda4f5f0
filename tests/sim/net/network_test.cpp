// SimNetwork's IPv6 side: a dual-stack scenario's ns-3 network carries IPv6 on the same paths as
// IPv4 (static routes along the least-metric paths, recomputed when a link changes), from the
// first packet on (no duplicate address detection holding addresses back); an IPv4-only
// scenario gets no IPv6 interface at all.
#include <map>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <ns3/ipv6.h>
#include <ns3/simulator.h>

#include "scenarios/core/topology_from_scenario.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/net/network.h"
#include "sim/net/ns3_datagram_transport.h"

namespace cdnlab {
namespace {

// pop-a - r1 -(10 ms)- r2 -(10 ms)- r3 - g (2 ms), and a 30 ms r1 - r3 detour. Server to g:
// 0.01 (LAN) + 1 + 10 + 10 + 2 = 23.01 ms one way via r2; 33.01 ms via the detour.
std::string Triangle(bool dual_stack) {
  return std::string(R"(name: net-unit
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
  - {id: g, prefix: 10.1.0.0/24, )") +
         (dual_stack ? "prefix6: \"3fff:1::/48\", " : "") + R"(lat: 0, lon: 2, population: 100, resolver: res}
  - {id: h, prefix: 10.2.0.0/24, lat: 0, lon: 1, population: 100, resolver: res}
dns: {id: dns, lat: 0, lon: 0, zone: example.net, hostname: cdn.example.net, ttl_s: 10}
links:
  - {a: pop-a, b: r1, delay_ms: 1}
  - {a: r1, b: r2, delay_ms: 10}
  - {a: r2, b: r3, delay_ms: 10}
  - {a: r1, b: r3, delay_ms: 30}
  - {a: g, b: r3, delay_ms: 2}
  - {a: h, b: r2, delay_ms: 2}
  - {a: res, b: r1, delay_ms: 1}
  - {a: dns, b: r1, delay_ms: 1}
evaluation: {warmup_s: 10}
policies:
  - {name: geo}
)";
}

constexpr std::uint16_t kEchoPort = 7;
constexpr std::uint16_t kClientPort = 9;

// Round trips of one small datagram each from `client` to `server`, the first sent at t = 0,
// one per entry of `send_at_s`; an absent entry was lost.
std::vector<std::optional<double>> EchoRttsMs(Ns3DatagramTransport& transport, const IpAddress& client,
                                              const IpAddress& server, const std::vector<double>& send_at_s) {
  auto rtts = std::make_shared<std::vector<std::optional<double>>>(send_at_s.size());
  auto sent = std::make_shared<std::map<std::uint8_t, double>>();
  const Endpoint echo{server, kEchoPort};
  const Endpoint local{client, kClientPort};
  transport.Bind(echo, [&transport, echo](const Endpoint& from, const Bytes& p) { transport.Send(echo, from, p); });
  transport.Bind(local, [rtts, sent](const Endpoint&, const Bytes& p) {
    (*rtts)[p.at(0)] = (ns3::Simulator::Now().GetSeconds() - sent->at(p.at(0))) * 1000;
  });
  for (std::size_t i = 0; i < send_at_s.size(); ++i) {
    ns3::Simulator::Schedule(ns3::Seconds(send_at_s[i]), [&transport, local, echo, sent, i] {
      (*sent)[static_cast<std::uint8_t>(i)] = ns3::Simulator::Now().GetSeconds();
      transport.Send(local, echo, Bytes{static_cast<std::uint8_t>(i), 0, 0, 0});
    });
  }
  ns3::Simulator::Stop(ns3::Seconds(send_at_s.back() + 1));
  ns3::Simulator::Run();
  transport.Unbind(echo);
  transport.Unbind(local);
  return *rtts;
}

TEST(SimNetworkIpv6, Ipv6RoundTripEqualsIpv4FromTheFirstPacketAndAfterARouteChange) {
  const Scenario s = LoadScenarioText(Triangle(true), "dual.yaml");
  const TopologyGraph graph = BuildTopology(s);
  {
    SimNetwork network(s, graph);
    ASSERT_TRUE(network.DualStack());
    Ns3DatagramTransport transport(network);
    const ClientGroupInfo& g = network.Catalog().groups[0];
    ASSERT_TRUE(g.Representative6());
    ASSERT_EQ(network.Catalog().pops[0].servers6.size(), 2u);
    const Ipv6Address server6 = network.Catalog().pops[0].servers6[1];
    const Ipv4Address server4 = network.Catalog().pops[0].servers[1];
    EXPECT_EQ(network.NodeOf(server6), network.NodeOf(server4));
    EXPECT_EQ(network.NodeOf(*g.Representative6()), network.NodeOf(g.representative));

    // IPv6 first, so its first datagram leaves at t = 0, when the addresses are brand new.
    const auto v6 = EchoRttsMs(transport, *g.Representative6(), server6, {0, 0.5});
    const auto v4 = EchoRttsMs(transport, g.representative, server4, {0, 0.5});
    for (std::size_t i = 0; i < v4.size(); ++i) {
      ASSERT_TRUE(v6[i]) << "IPv6 datagram " << i << " lost";
      ASSERT_TRUE(v4[i]) << "IPv4 datagram " << i << " lost";
      EXPECT_NEAR(*v4[i], 46.02, 0.1);
      // Same path; only IPv6's 20 more header bytes take longer to serialize.
      EXPECT_NEAR(*v6[i], *v4[i], 0.01) << "datagram " << i;
    }

    // r1-r2 slows down: the detour via r1-r3 (33.01 ms one way) is now shorter, in both families.
    LinkParams slow = graph.Link(*graph.FindLink("r1", "r2"));
    slow.delay_ms = 50;
    network.SetLinkParams(*graph.FindLink("r1", "r2"), slow);
    network.RecomputeRoutes();
    const auto v4_after = EchoRttsMs(transport, g.representative, server4, {2});
    const auto v6_after = EchoRttsMs(transport, *g.Representative6(), server6, {2});
    ASSERT_TRUE(v4_after[0] && v6_after[0]);
    EXPECT_NEAR(*v4_after[0], 66.02, 0.1);
    EXPECT_NEAR(*v6_after[0], *v4_after[0], 0.01);
  }
  ns3::Simulator::Destroy();
}

TEST(SimNetworkIpv6, ResolversAndServersGetIpv6AddressesInTheCatalog) {
  const Scenario s = LoadScenarioText(Triangle(true), "dual.yaml");
  const TopologyGraph graph = BuildTopology(s);
  {
    SimNetwork network(s, graph);
    const RoutingCatalog& c = network.Catalog();
    ASSERT_TRUE(c.resolvers[0].address6);
    EXPECT_EQ(network.NodeOf(*c.resolvers[0].address6), network.NodeOf(c.resolvers[0].address));
    EXPECT_EQ(c.pops[0].servers6[0].ToString(), "3fff:cd0::1");
    EXPECT_EQ(c.PopOfServer(IpAddress(c.pops[0].servers6[1])), PopIndex{0});
    EXPECT_EQ(c.groups[0].Representative6()->ToString(), "3fff:1::1");
    EXPECT_FALSE(c.groups[1].Representative6());
  }
  ns3::Simulator::Destroy();
}

TEST(SimNetworkIpv6, RefusesGroupPrefixesNs3WouldNotForward) {
  std::string yaml = Triangle(true);
  yaml.replace(yaml.find("3fff:1::/48"), 11, "2001:db8:1::/48");
  const Scenario s = LoadScenarioText(yaml, "doc.yaml");
  const TopologyGraph graph = BuildTopology(s);
  try {
    SimNetwork network(s, graph);
    ADD_FAILURE() << "2001:db8::/32 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("prefix6 2001:db8:1::/48 is in 2001:db8::/32"), std::string::npos) << e.what();
  }
  ns3::Simulator::Destroy();
}

TEST(SimNetworkIpv6, AnIpv4OnlyScenarioGetsNoIpv6Interface) {
  const Scenario s = LoadScenarioText(Triangle(false), "v4.yaml");
  const TopologyGraph graph = BuildTopology(s);
  {
    SimNetwork network(s, graph);
    EXPECT_FALSE(network.DualStack());
    EXPECT_TRUE(network.Catalog().pops[0].servers6.empty());
    EXPECT_FALSE(network.Catalog().resolvers[0].address6);
    for (std::uint32_t n = 0; n < network.AllNodes().GetN(); ++n) {
      // Only the loopback interface every installed IPv6 stack has.
      EXPECT_EQ(network.AllNodes().Get(n)->GetObject<ns3::Ipv6>()->GetNInterfaces(), 1u) << "node " << n;
    }
  }
  ns3::Simulator::Destroy();
}

}  // namespace
}  // namespace cdnlab
