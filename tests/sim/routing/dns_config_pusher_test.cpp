// The DNS configuration path on ns-3 sockets: the controller host's pusher and the DNS
// node's config port. Datagrams are dropped on purpose (a deterministic pattern) to show
// chunk reassembly across retransmissions, version ordering, and bounded retries.
#include <set>
#include <stdexcept>

#include <gtest/gtest.h>
#include <ns3/simulator.h>

#include "analysis/metrics_recorder.h"
#include "models/routing/authoritative_answerer.h"
#include "models/routing/mapping_table.h"
#include "scenarios/loader/scenario_loader.h"
#include "scenarios/core/topology_from_scenario.h"
#include "sim/routing/authoritative_dns_server.h"
#include "sim/routing/dns_config_pusher.h"
#include "sim/net/ns3_clock.h"
#include "sim/net/ns3_datagram_transport.h"
#include "sim/routing/dns_message.h"
#include "sim/net/metric_names.h"
#include "sim/net/network.h"

namespace cdnlab {
namespace {

const char* kScenario = R"(name: push-test
seed: 3
duration_s: 60
routers:
  - {id: r1, lat: 40.71, lon: -74.01}
pops:
  - {id: pop-a, lat: 40.71, lon: -74.01, servers: 1, capacity_rps: 100}
  - {id: pop-b, lat: 41.88, lon: -87.63, servers: 1, capacity_rps: 100}
resolvers:
  - {id: res, lat: 40.71, lon: -74.01}
client_groups:
  - {id: g1, prefix: 10.1.0.0/24, lat: 42.36, lon: -71.06, population: 100, resolver: res}
dns: {id: dns, lat: 40.71, lon: -74.01, zone: example.net, hostname: cdn.example.net, ttl_s: 5}
links:
  - {a: pop-a, b: r1, delay_ms: 1}
  - {a: pop-b, b: r1, delay_ms: 10}
  - {a: g1, b: r1, delay_ms: 2}
  - {a: res, b: r1, delay_ms: 1}
  - {a: dns, b: r1, delay_ms: 1}
policies:
  - {name: geo}
)";

// Forwards to the ns-3 transport but loses the datagrams whose send index is in `drop`
// (or every one, with drop_all): loss with no randomness, so each case is exact.
class DroppingTransport final : public DatagramTransport {
 public:
  explicit DroppingTransport(DatagramTransport& inner) : inner_(inner) {}
  void Bind(const Endpoint& local, ReceiveHandler handler) override { inner_.Bind(local, std::move(handler)); }
  void Unbind(const Endpoint& local) override { inner_.Unbind(local); }
  void Send(const Endpoint& from, const Endpoint& to, Bytes payload) override {
    const std::uint64_t index = sent_++;
    if (drop_all || drop.count(index) != 0) return;
    inner_.Send(from, to, std::move(payload));
  }
  std::set<std::uint64_t> drop;
  bool drop_all = false;

 private:
  DatagramTransport& inner_;
  std::uint64_t sent_ = 0;
};

// A mapping with `rows` /24 rows, large enough to need several 1200-byte chunks.
std::vector<MappingEntry> Rows(int rows, PopIndex first) {
  std::vector<MappingEntry> out;
  for (int i = 0; i < rows; ++i) {
    const Ipv4Address network{(10u << 24) | (100u << 16) | (static_cast<std::uint32_t>(i) << 8)};
    out.push_back({Ipv4Prefix{network, 24}, {first, static_cast<PopIndex>(1 - first)}});
  }
  return out;
}

class DnsConfigPush : public ::testing::Test {
 protected:
  DnsConfigPush()
      : scenario_(LoadScenarioText(kScenario, "push-test.yaml")),
        graph_(BuildTopology(scenario_)),
        network_(scenario_, graph_),
        ns3_transport_(network_),
        transport_(ns3_transport_),
        answerer_(network_.Catalog(), AuthoritativeConfig{}) {}
  ~DnsConfigPush() override { ns3::Simulator::Destroy(); }

  // Pushes three versions at once (the pusher must queue them in order), runs the
  // simulation for `seconds`, and returns what the controller's table ended as.
  MappingTable PushThreeVersions(DnsConfigPusher& pusher, AuthoritativeDnsServer& server, double seconds) {
    server.Start();
    pusher.Start();
    MappingTable controller;
    std::vector<MappingEntry> rows = Rows(300, 0);
    const MappingDiff v1 = controller.Replace(rows);
    for (int i = 0; i < 300; i += 7) rows[static_cast<std::size_t>(i)].ranked_pops = {1, 0};
    const MappingDiff v2 = controller.Replace(rows);
    rows.resize(150);
    const MappingDiff v3 = controller.Replace(rows);
    EXPECT_GT(SplitDiff(v1).size(), 2u) << "the first version must need several chunks";
    pusher.Apply(v1);
    pusher.Apply(v2);
    pusher.Apply(v3);
    ns3::Simulator::Stop(ns3::Seconds(seconds));
    ns3::Simulator::Run();
    return controller;
  }

  Endpoint PusherEndpoint() const { return {network_.ControllerAddress(), 5301}; }
  Endpoint DnsConfigEndpoint() const { return {network_.DnsAddress(), AuthoritativeDnsServer::kConfigPort}; }

  Scenario scenario_;
  TopologyGraph graph_;
  SimNetwork network_;
  Ns3Clock clock_;
  Ns3DatagramTransport ns3_transport_;
  DroppingTransport transport_;
  AuthoritativeAnswerer answerer_;
  MetricsRecorder metrics_;
};

TEST_F(DnsConfigPush, LostChunksAndAcksAreRetransmittedUntilTheReplicaMatches) {
  // Lose about half the datagrams, chunks and acks alike. The pattern is a hash of the send
  // index, not "every other one": a strictly periodic pattern can lock onto the pusher's
  // chunk/ack rhythm and lose every ack, which no real link does.
  for (std::uint64_t i = 0; i < 400; ++i) {
    if ((i * 0x9E3779B97F4A7C15ull) >> 63) transport_.drop.insert(i);
  }
  AuthoritativeDnsServer server(network_.DnsAddress(), answerer_, transport_, clock_, metrics_);
  DnsConfigPusher pusher(PusherEndpoint(), DnsConfigEndpoint(), transport_, clock_);
  const MappingTable controller = PushThreeVersions(pusher, server, 20);

  EXPECT_EQ(answerer_.Table().Version(), 3u);
  EXPECT_EQ(answerer_.Table().Entries(), controller.Entries());
  EXPECT_EQ(pusher.VersionsAcknowledged(), 3u);
  EXPECT_EQ(pusher.Queued(), 0u);
  EXPECT_GT(pusher.Retransmissions(), 0u);
  EXPECT_EQ(pusher.VersionsAbandoned(), 0u);
  std::vector<double> applied;
  for (const auto* s : metrics_.SamplesNamed(sim_metric::kDnsReplicaVersion)) applied.push_back(s->value);
  EXPECT_EQ(applied, (std::vector<double>{1, 2, 3})) << "each version applied once, in order";
}

TEST_F(DnsConfigPush, NothingLostMeansNoRetransmission) {
  AuthoritativeDnsServer server(network_.DnsAddress(), answerer_, transport_, clock_, metrics_);
  DnsConfigPusher pusher(PusherEndpoint(), DnsConfigEndpoint(), transport_, clock_);
  const MappingTable controller = PushThreeVersions(pusher, server, 5);
  EXPECT_EQ(answerer_.Table().Entries(), controller.Entries());
  EXPECT_EQ(pusher.Retransmissions(), 0u);
}

TEST_F(DnsConfigPush, AnUnreachableDnsNodeIsGivenUpOnAfterBoundedRetries) {
  transport_.drop_all = true;
  AuthoritativeDnsServer server(network_.DnsAddress(), answerer_, transport_, clock_, metrics_);
  DnsConfigPusher pusher(PusherEndpoint(), DnsConfigEndpoint(), transport_, clock_, std::chrono::milliseconds(200),
                         /*max_attempts=*/5);
  PushThreeVersions(pusher, server, 20);
  EXPECT_EQ(answerer_.Table().Version(), 0u);
  EXPECT_EQ(pusher.Retransmissions(), 4u);
  EXPECT_EQ(pusher.VersionsAbandoned(), 3u);
  EXPECT_EQ(pusher.Queued(), 0u);
}

TEST_F(DnsConfigPush, SendingFromAnUnboundEndpointIsAProgrammingError) {
  EXPECT_THROW(ns3_transport_.Send(PusherEndpoint(), DnsConfigEndpoint(), Bytes{1, 2, 3}), std::logic_error);
  EXPECT_THROW(ns3_transport_.Bind({Ipv4Address{(192u << 24) | 1u}, 9}, [](const Endpoint&, const Bytes&) {}),
               std::invalid_argument)
      << "no simulated host owns 192.0.0.1";
}

}  // namespace
}  // namespace cdnlab
