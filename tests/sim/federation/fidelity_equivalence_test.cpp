// Flow fidelity for federation (issue 16): scenarios/federation.yaml reaches the same outcomes
// as on ns-3 packets, a flow run repeats exactly, and a flow datagram takes the delay of the
// path packet mode routes it on.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <ns3/simulator.h>

#include "analysis/federation_summary.h"
#include "analysis/metrics_recorder.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/federation/experiment.h"
#include "sim/federation/flow_network.h"
#include "sim/federation/runtime.h"
#include "sim/flow/datagram_transport.h"

namespace cdnlab {
namespace {

Scenario FederationYaml(Fidelity fidelity) {
  Scenario s = LoadScenarioFile(std::string(CDNLAB_SOURCE_DIR) + "/scenarios/federation.yaml");
  s.fidelity = fidelity;
  return s;
}

FederationRunResult RunYaml(Fidelity fidelity) {
  MetricsRecorder metrics;
  return RunFederationExperiment(FederationYaml(fidelity), metrics);
}

std::set<std::string> ErrorCodes(const FederationCommandResult& c) {
  std::set<std::string> out;
  for (const auto& e : c.errors) out.insert(e.error + ":" + std::to_string(e.servers.size()));
  return out;
}

// Completion times may differ by what flow fidelity leaves out: store-and-forward at every hop
// (flow serializes once, at the bottleneck) and queueing behind earlier datagrams on a
// gateway's access link when it fans a command out. At 1 Gbit/s a message of a few kB takes
// tens of microseconds per hop, so 2 ms covers many hops and a full fan-out; a difference in
// retries (a retry is 250 ms or more) would exceed it by far.
constexpr double kCompletionToleranceMs = 2.0;

TEST(FederationFidelity, FlowReachesThePacketOutcomesOnFederationYaml) {
  const FederationRunResult packet = RunYaml(Fidelity::kPacket);
  const FederationRunResult flow = RunYaml(Fidelity::kFlow);
  ASSERT_EQ(packet.commands.size(), flow.commands.size());
  ASSERT_EQ(packet.commands.size(), 12u);
  std::size_t compared_times = 0;
  double largest_difference_ms = 0;
  for (std::size_t i = 0; i < packet.commands.size(); ++i) {
    const auto& p = packet.commands[i];
    const auto& f = flow.commands[i];
    SCOPED_TRACE(p.id);
    EXPECT_EQ(p.status, f.status);
    EXPECT_EQ(p.final, f.final);
    EXPECT_EQ(p.targeted_servers, f.targeted_servers);
    EXPECT_EQ(p.acknowledged_servers, f.acknowledged_servers);
    EXPECT_EQ(p.applied_servers, f.applied_servers);
    EXPECT_EQ(p.configurations, f.configurations);
    EXPECT_EQ(ErrorCodes(p), ErrorCodes(f));
    EXPECT_TRUE(p.wrongly_targeted_servers.empty());
    EXPECT_TRUE(f.wrongly_targeted_servers.empty());
    EXPECT_EQ(p.chain_status_ids.size(), f.chain_status_ids.size());
    EXPECT_EQ(p.bound_ms, f.bound_ms);  // both from the graph's shortest delays
    ASSERT_EQ(p.completion_ms.has_value(), f.completion_ms.has_value());
    if (p.completion_ms) {
      EXPECT_NEAR(*p.completion_ms, *f.completion_ms, kCompletionToleranceMs);
      largest_difference_ms = std::max(largest_difference_ms, std::abs(*p.completion_ms - *f.completion_ms));
      ++compared_times;
    }
    if (p.statistics) {
      ASSERT_TRUE(f.statistics);
      EXPECT_EQ(p.statistics->servers, f.statistics->servers);
      EXPECT_EQ(p.statistics->objects, f.statistics->objects);
      EXPECT_EQ(p.statistics->stale, f.statistics->stale);
    }
  }
  EXPECT_GE(compared_times, 9u);  // every finishing command of the scenario
  std::cout << "largest completion difference flow vs packet: " << largest_difference_ms << " ms over "
            << compared_times << " commands\n";
  // The same faults at the same times, and the same lost messages and retries.
  ASSERT_EQ(packet.faults.size(), flow.faults.size());
  for (std::size_t i = 0; i < packet.faults.size(); ++i) {
    EXPECT_EQ(packet.faults[i].node, flow.faults[i].node);
    EXPECT_EQ(packet.faults[i].event, flow.faults[i].event);
    EXPECT_DOUBLE_EQ(packet.faults[i].at_s, flow.faults[i].at_s);
  }
  EXPECT_EQ(packet.datagrams_lost_to_faults, flow.datagrams_lost_to_faults);
  EXPECT_GT(flow.datagrams_lost_to_faults, 0u);
  EXPECT_EQ(packet.retries_by_kind, flow.retries_by_kind);
  EXPECT_EQ(packet.messages_sent_by_kind, flow.messages_sent_by_kind);
  EXPECT_EQ(packet.messages_received_by_kind, flow.messages_received_by_kind);
}

TEST(FederationFidelity, FlowRunsRepeatExactly) {
  const std::string first = FederationSummaryJson(RunYaml(Fidelity::kFlow)).dump();
  const std::string second = FederationSummaryJson(RunYaml(Fidelity::kFlow)).dump();
  EXPECT_EQ(first, second);
  Scenario other = FederationYaml(Fidelity::kFlow);
  other.seed = 8;  // the gateways' retry jitter follows the seed
  MetricsRecorder metrics;
  EXPECT_NE(first, FederationSummaryJson(RunFederationExperiment(other, metrics)).dump());
}

TEST(FederationFidelity, BothFidelitiesGiveEveryNodeTheSameAddress) {
  const Scenario s = FederationYaml(Fidelity::kPacket);
  const FederationFlowNetwork flow(s);
  const auto packet = MakePacketFederationRuntime(s);
  for (const auto& p : s.federation.platforms) {
    std::vector<std::string> nodes{p.id + "-gw"};
    for (const auto& server : p.servers) nodes.push_back(server.id);
    for (const auto& node : nodes) {
      EXPECT_EQ(flow.EndpointOf(node), packet->EndpointOf(node)) << node;
      EXPECT_EQ(flow.Directory().ParticipantOf(node), packet->Directory().ParticipantOf(node)) << node;
    }
  }
  EXPECT_THROW(flow.EndpointOf("no-such-node"), std::invalid_argument);
  ns3::Simulator::Destroy();
}

// cdn-c's gateway (Singapore, 1 ms access) to c-edge-tyo (Tokyo, 2 ms access): 1 + 36 + 2 ms
// by the graph, plus one serialization of payload and IPv4/UDP headers at 1 Gbit/s.
TEST(FederationFidelity, AFlowDatagramTakesThePathDelayPlusSerialization) {
  const Scenario s = FederationYaml(Fidelity::kFlow);
  FederationFlowNetwork network(s);
  FlowDatagramTransport transport(network.Flows(), 1, 1);
  const Endpoint gateway = network.EndpointOf("cdn-c-gw");
  const Endpoint server = network.EndpointOf("c-edge-tyo");
  std::vector<double> arrivals_ms;
  transport.Bind(gateway, [](const Endpoint&, const Bytes&) {});
  transport.Bind(server, [&](const Endpoint& from, const Bytes& payload) {
    EXPECT_EQ(from, gateway);
    EXPECT_EQ(payload.size(), 972u);
    arrivals_ms.push_back(ns3::Simulator::Now().GetSeconds() * 1000);
  });
  const double expected_ms = ToMillis(network.Latency("cdn-c-gw", "c-edge-tyo")) + 8.0 * (972 + 28) / 1e9 * 1000;
  EXPECT_NEAR(ToMillis(network.Latency("cdn-c-gw", "c-edge-tyo")), 39.0, 1e-9);
  ns3::Simulator::Schedule(ns3::Seconds(1), [&] { transport.Send(gateway, server, Bytes(972, 7)); });
  // Down at 2 s: a datagram sent then is lost; one in flight when it goes down is lost too.
  ns3::Simulator::Schedule(ns3::Seconds(2), [&] {
    network.SetReachable("c-edge-tyo", false);
    transport.Send(gateway, server, Bytes(972, 7));
  });
  ns3::Simulator::Schedule(ns3::Seconds(3), [&] { transport.Send(gateway, server, Bytes(972, 7)); });
  ns3::Simulator::Schedule(ns3::Seconds(3.01), [&] { network.SetReachable("c-edge-tyo", false); });  // nests
  ns3::Simulator::Schedule(ns3::Seconds(3.02), [&] { network.SetReachable("c-edge-tyo", true); });
  ns3::Simulator::Schedule(ns3::Seconds(4), [&] { transport.Send(gateway, server, Bytes(972, 7)); });
  ns3::Simulator::Schedule(ns3::Seconds(5), [&] { network.SetReachable("c-edge-tyo", true); });
  ns3::Simulator::Schedule(ns3::Seconds(6), [&] { transport.Send(gateway, server, Bytes(972, 7)); });
  ns3::Simulator::Run();
  ns3::Simulator::Destroy();
  ASSERT_EQ(arrivals_ms.size(), 2u);
  EXPECT_NEAR(arrivals_ms[0], 1000 + expected_ms, 1e-6);
  EXPECT_NEAR(arrivals_ms[1], 6000 + expected_ms, 1e-6);
  EXPECT_EQ(transport.Dropped(), 3u);
  EXPECT_TRUE(network.Reachable("c-edge-tyo"));
}

}  // namespace
}  // namespace cdnlab
