// The streaming simulation's transport: exchanges over ns-3 TCP between hosts of a streaming
// network (sizes on the wire, meanings beside them, persistent pooled connections, failures
// by timeout and by a stopped server), the content fetcher and service on top, and the
// network itself (a host per streaming node, jumbo frames, access links).
#include "sim/streaming/tcp_rpc.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <ns3/point-to-point-net-device.h>
#include <ns3/simulator.h>

#include "scenarios/loader/scenario_loader.h"
#include "scenarios/streaming/from_scenario.h"
#include "sim/net/ns3_clock.h"
#include "sim/streaming/content_fetcher.h"
#include "sim/streaming/segment_uploader.h"
#include "sim/streaming/network.h"

namespace cdnlab {
namespace {

// r1 -- 10 ms -- r2; the ingest and the load balancer at r1, the edge at r2 (access 2 ms),
// a viewer group of 10 x 5 Mbit/s at r2, a publisher at r2.
const char* kNet = R"(name: net
seed: 1
duration_s: 30
routers:
  - {id: r1, lat: 50, lon: 8}
  - {id: r2, lat: 51, lon: 0}
links:
  - {a: r1, b: r2, delay_ms: 10, bandwidth_mbps: 1000}
streaming:
  load_balancer_at: r1
  ingests:
    - {id: in-a, at: r1}
  edges:
    - {id: edge-1, at: r2, access_delay_ms: 2}
  publishers:
    - {stream: news, at: r2}
  viewers:
    - {id: v1, edge: edge-1, stream: news, at: r2, count: 10, bandwidth_mbps: 5}
)";

class StreamingTransportTest : public ::testing::Test {
 protected:
  void TearDown() override { ns3::Simulator::Destroy(); }
  void RunFor(double seconds) {
    ns3::Simulator::Stop(ns3::Seconds(seconds));
    ns3::Simulator::Run();
  }
  Scenario scenario_ = LoadScenarioText(kNet, "net");
};

TEST_F(StreamingTransportTest, EveryStreamingNodeIsAHostWithItsOwnAccessLink) {
  StreamingSimNetwork network(scenario_);
  const auto& hosts = network.Hosts();
  EXPECT_EQ(hosts.Hosts(), (std::vector<std::string>{"streaming-lb", "in-a", "edge-1", "publisher-news", "v1"}));
  std::set<std::uint32_t> addresses;
  for (const auto& h : hosts.Hosts()) EXPECT_TRUE(addresses.insert(hosts.AddressOf(h).value).second) << h;
  const auto& g = hosts.Graph();
  EXPECT_DOUBLE_EQ(g.Link(hosts.AccessLink("edge-1")).delay_ms, 2);
  EXPECT_DOUBLE_EQ(g.Link(hosts.AccessLink("edge-1")).bandwidth_mbps, StreamingSimNetwork::kServerAccessMbps);
  EXPECT_DOUBLE_EQ(g.Link(hosts.AccessLink("v1")).bandwidth_mbps, 50) << "10 viewers x 5 Mbit/s share the group's link";
  EXPECT_DOUBLE_EQ(g.Link(hosts.AccessLink("v1")).delay_ms, 5) << "the group's default access delay";
  // One-way latencies follow the graph: edge-1 (2) + r2-r1 (10) + in-a (0.5).
  EXPECT_NEAR(ToMillis(hosts.Latency("edge-1", "in-a")), 12.5, 1e-9);
  // Jumbo frames everywhere.
  auto node = hosts.NodeOf("edge-1");
  for (std::uint32_t d = 0; d < node->GetNDevices(); ++d) {
    EXPECT_EQ(node->GetDevice(d)->GetMtu(), StreamingSimNetwork::kMtu);
  }
}

TEST_F(StreamingTransportTest, AnExchangeMovesItsBytesAndItsMeaningAndReusesTheConnection) {
  StreamingSimNetwork network(scenario_);
  Ns3Clock clock;
  StreamingRpcFabric fabric(StreamingSimNetwork::TcpSettings());
  std::vector<std::string> seen;
  StreamingRpcServer server(fabric, network.Hosts().NodeOf("in-a"), 9000,
                            [&](const RpcMessage& request, StreamingRpcServer::Respond respond) {
                              seen.push_back(std::any_cast<std::string>(request.payload) + "/" +
                                             std::to_string(request.bytes));
                              respond(RpcMessage{750000, std::string("answer")});
                            });
  server.Start();
  StreamingRpcClient client(fabric, network.Hosts().NodeOf("edge-1"), network.AddressOf("edge-1"), clock);
  std::vector<double> done_at_ms;
  std::vector<std::string> answers;
  std::function<void(int)> ask = [&](int n) {
    client.Call(network.At("in-a", 9000), RpcMessage{200, std::string("q") + std::to_string(n)}, FromSeconds(5),
                [&, n](std::optional<RpcMessage> response) {
                  ASSERT_TRUE(response.has_value());
                  EXPECT_EQ(response->bytes, 750000u);
                  answers.push_back(std::any_cast<std::string>(response->payload));
                  done_at_ms.push_back(ToMillis(clock.Now()));
                  if (n < 3) ask(n + 1);
                });
  };
  bool inside = true;
  client.Call(network.At("in-a", 9000), RpcMessage{200, std::string("q0")}, FromSeconds(5),
              [&](std::optional<RpcMessage> response) {
                EXPECT_FALSE(inside) << "never called from inside Call";
                ASSERT_TRUE(response.has_value());
                done_at_ms.push_back(ToMillis(clock.Now()));
                ask(1);
              });
  inside = false;
  RunFor(10);
  EXPECT_EQ(seen, (std::vector<std::string>{"q0/200", "q1/200", "q2/200", "q3/200"}));
  EXPECT_EQ(answers, (std::vector<std::string>{"answer", "answer", "answer"}));
  ASSERT_EQ(done_at_ms.size(), 4u);
  // RTT 25 ms: handshake + request + 750 kB over 1 Gbit/s (6 ms) and slow start: > 2 RTT.
  EXPECT_GT(done_at_ms[0], 50 + 6);
  // The later exchanges reuse the open connection: no handshake, a grown window.
  for (int i = 1; i < 4; ++i) EXPECT_LT(done_at_ms[i] - done_at_ms[i - 1], done_at_ms[0]) << i;
  EXPECT_EQ(client.ConnectionsOpened(), 1u);
  EXPECT_EQ(server.RequestsServed(), 4u);
}

TEST_F(StreamingTransportTest, AnUnreachableOrStoppedServerFailsTheExchange) {
  StreamingSimNetwork network(scenario_);
  Ns3Clock clock;
  StreamingRpcFabric fabric(StreamingSimNetwork::TcpSettings());
  StreamingRpcServer server(fabric, network.Hosts().NodeOf("in-a"), 9000,
                            [&](const RpcMessage&, StreamingRpcServer::Respond respond) {
                              respond(RpcMessage{100, std::string("ok")});
                            });
  server.Start();
  StreamingRpcClient client(fabric, network.Hosts().NodeOf("edge-1"), network.AddressOf("edge-1"), clock);
  std::vector<std::pair<double, bool>> results;
  auto call = [&] {
    client.Call(network.At("in-a", 9000), RpcMessage{100, std::string("q")}, FromSeconds(2),
                [&](std::optional<RpcMessage> r) { results.push_back({ToSeconds(clock.Now()), r.has_value()}); });
  };
  call();  // fine
  clock.ScheduleAfter(FromSeconds(1), [&] {
    network.Hosts().SetReachable("in-a", false);
    call();  // times out after 2 s
  });
  clock.ScheduleAfter(FromSeconds(4), [&] {
    network.Hosts().SetReachable("in-a", true);
    server.Stop();
    call();  // nobody listens: refused by the RST answering the SYN, a round trip later
  });
  RunFor(8);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0].second);
  EXPECT_FALSE(results[1].second);
  EXPECT_NEAR(results[1].first, 3.0, 1e-6) << "the timeout";
  EXPECT_FALSE(results[2].second);
  EXPECT_GT(results[2].first, 4.0);
  EXPECT_LT(results[2].first, 4.1) << "refused, not timed out";
  EXPECT_EQ(client.OpenConnections(), 0u) << "failed connections are dropped from the pool";
}

TEST_F(StreamingTransportTest, TheContentFetcherAndServiceCarryContentResponses) {
  StreamingSimNetwork network(scenario_);
  Ns3Clock clock;
  StreamingRpcFabric fabric(StreamingSimNetwork::TcpSettings());
  StreamingContentService service(fabric, network.Hosts().NodeOf("edge-1"), StreamingSimNetwork::kContentPort,
                                  [](const ContentKey& key, ContentFetcher::Done done) {
                                    ContentResponse r;
                                    r.found = !key.playlist && key.sequence == 7;
                                    r.bytes = r.found ? 375000 : 0;
                                    r.served_by = "edge-1";
                                    done(r);
                                  });
  service.Start();
  StreamingRpcClient client(fabric, network.Hosts().NodeOf("v1"), network.AddressOf("v1"), clock);
  Ns3ContentFetcher fetcher(client, FromSeconds(4));
  std::map<std::string, ContentResponse> got;
  const Endpoint edge = network.At("edge-1", StreamingSimNetwork::kContentPort);
  auto fetch = [&](const Endpoint& to, const ContentKey& key) {
    fetcher.Fetch("viewer", to, key, [&, key](const ContentResponse& r) { got[key.ToString()] = r; });
  };
  fetch(edge, ContentKey{"news", false, 7});
  fetch(edge, ContentKey{"news", false, 8});
  fetch(network.At("in-a", StreamingSimNetwork::kContentPort), ContentKey{"news", true, 0});  // nobody serves there
  RunFor(6);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_TRUE(got["news/seg-7.ts"].found);
  EXPECT_EQ(got["news/seg-7.ts"].bytes, 375000u);
  EXPECT_EQ(got["news/seg-7.ts"].served_by, "edge-1");
  EXPECT_FALSE(got["news/seg-8.ts"].found);
  EXPECT_EQ(got["news/seg-8.ts"].served_by, "edge-1");
  EXPECT_FALSE(got["news/playlist.m3u8"].found);
  EXPECT_EQ(got["news/playlist.m3u8"].served_by, "") << "a failed exchange is an empty not-found";
  EXPECT_EQ(service.Requests(), 2u);
  EXPECT_EQ(service.SegmentRequests(), 2u);
  EXPECT_EQ(fetcher.Failures(), 1u);
}

TEST_F(StreamingTransportTest, UploadsGoThroughTheFrontToTheIngestTheBalancerPicks) {
  StreamingSimNetwork network(scenario_);
  Ns3Clock clock;
  StreamingRpcFabric fabric(StreamingSimNetwork::TcpSettings());
  IngestBalancer balancer(IngestBalancing::kLeastLoad);
  std::vector<std::string> accepted;
  StreamingRpcServer ingest(fabric, network.Hosts().NodeOf("in-a"), StreamingSimNetwork::kUploadPort,
                            [&](const RpcMessage& request, StreamingRpcServer::Respond respond) {
                              const auto& up = std::any_cast<const SegmentUpload&>(request.payload);
                              accepted.push_back(up.stream + "#" + std::to_string(up.segment.sequence) + "/" +
                                                 std::to_string(request.bytes));
                              respond(RpcMessage{kUploadAckBytes, SegmentUploadAck{true, "in-a"}});
                            });
  ingest.Start();
  const std::string& lb = network.LoadBalancer();
  IngestFront front(fabric, network.Hosts().NodeOf(lb), network.AddressOf(lb), StreamingSimNetwork::kUploadPort, clock,
                    balancer,
                    [&](const std::string& id) -> std::optional<Endpoint> {
                      if (id != "in-a") return std::nullopt;
                      return network.At("in-a", StreamingSimNetwork::kUploadPort);
                    },
                    FromSeconds(1));
  front.Start();
  StreamingRpcClient client(fabric, network.Hosts().NodeOf("publisher-news"), network.AddressOf("publisher-news"), clock);
  Ns3SegmentUploader uploader(client, network.At(lb, StreamingSimNetwork::kUploadPort), FromSeconds(2));
  std::vector<std::pair<bool, std::string>> results;
  auto upload = [&](std::uint64_t sequence) {
    uploader.Upload("news", SegmentInfo{sequence, FromSeconds(2), 750000}, false,
                    [&](bool ok, const std::string& ingest) { results.push_back({ok, ingest}); });
  };
  upload(0);  // no member yet: refused by the front
  clock.ScheduleAfter(FromSeconds(1), [&] {
    balancer.AddMember("in-a");
    upload(1);
  });
  clock.ScheduleAfter(FromSeconds(3), [&] {
    network.Hosts().SetReachable("in-a", false);  // dead, but still healthy to the balancer
    upload(2);
  });
  RunFor(8);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0], (std::pair<bool, std::string>{false, ""}));
  EXPECT_EQ(results[1], (std::pair<bool, std::string>{true, "in-a"}));
  EXPECT_EQ(results[2], (std::pair<bool, std::string>{false, "in-a"})) << "the forward timed out";
  EXPECT_EQ(accepted, (std::vector<std::string>{"news#1/" + std::to_string(kUploadHeaderBytes + 750000)}));
  EXPECT_EQ(balancer.IngestOf("news"), std::optional<std::string>("in-a"));
}

}  // namespace
}  // namespace cdnlab
