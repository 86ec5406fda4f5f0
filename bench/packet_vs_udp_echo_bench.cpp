// Packet fidelity's speed against plain ns-3: a routing policy on a synthetic scenario in packet
// mode (ns-3 nodes, links, UDP/TCP sockets), then, in the same process, a plain ns-3 UDP echo
// scenario of the same size: the same nodes and links (delays, bandwidths), an echo server on
// every PoP and an echo client on every client group, for the same simulated time. Reports
// events per wall second and per CPU second of both and their ratios (CPU seconds hold on a
// shared machine, where wall seconds depend on what else runs). Prints one JSON object.
// Usage: cdnlab_packet_vs_udp_echo_bench [groups=200] [pops=10] [requests=20000] [policy=probe]
//                                        [duration_s=120]
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <ns3/applications-module.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>

#include "analysis/metrics_recorder.h"
#include "bench/run_measures.h"
#include "scenarios/loader/scenario_loader.h"
#include "scenarios/routing/synthetic_scenario.h"
#include "scenarios/core/topology_from_scenario.h"
#include "sim/routing/experiment.h"

namespace {

using namespace cdnlab;
using bench::Since;
using bench::WallClock;

// CPU seconds this process has used: unlike wall time, not inflated by other programs.
double ProcessCpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct EchoRun {
  double wall_s = 0;
  double cpu_s = 0;
  std::uint64_t events = 0;
  std::size_t nodes = 0;
  std::size_t links = 0;
};

// Plain ns-3, as its own examples build it: helpers, global routing, UdpEcho applications.
EchoRun RunUdpEcho(const Scenario& scenario, double interval_s) {
  const TopologyGraph graph = BuildTopology(scenario);
  ns3::NodeContainer nodes;
  nodes.Create(static_cast<std::uint32_t>(graph.NodeCount()));
  ns3::InternetStackHelper internet;
  internet.Install(nodes);
  ns3::Ipv4AddressHelper addresses("10.0.0.0", "255.255.255.252");
  std::vector<ns3::Ipv4Address> first_address(graph.NodeCount());
  std::vector<bool> has_address(graph.NodeCount(), false);
  for (TopologyGraph::LinkId l = 0; l < graph.LinkCount(); ++l) {
    const auto [a, b] = graph.LinkEnds(l);
    const LinkParams& params = graph.Link(l);
    ns3::PointToPointHelper p2p;
    p2p.SetDeviceAttribute("DataRate", ns3::DataRateValue(ns3::DataRate(params.bandwidth_mbps * 1e6)));
    p2p.SetChannelAttribute("Delay", ns3::TimeValue(ns3::MilliSeconds(params.delay_ms)));
    const ns3::NetDeviceContainer devices = p2p.Install(nodes.Get(a), nodes.Get(b));
    const ns3::Ipv4InterfaceContainer interfaces = addresses.Assign(devices);
    addresses.NewNetwork();
    for (std::uint32_t side = 0; side < 2; ++side) {
      const auto n = side == 0 ? a : b;
      if (!has_address[n]) first_address[n] = interfaces.GetAddress(side), has_address[n] = true;
    }
  }
  ns3::Ipv4GlobalRoutingHelper::PopulateRoutingTables();
  std::vector<TopologyGraph::NodeId> pops, groups;
  for (TopologyGraph::NodeId n = 0; n < graph.NodeCount(); ++n) {
    if (graph.Kind(n) == NodeKind::kPop) pops.push_back(n);
    if (graph.Kind(n) == NodeKind::kClientGroup) groups.push_back(n);
  }
  const ns3::Time stop = ns3::Seconds(scenario.duration_s);
  for (const auto p : pops) {
    ns3::UdpEchoServerHelper server(9);
    server.Install(nodes.Get(p)).Stop(stop);
  }
  for (std::size_t i = 0; i < groups.size(); ++i) {
    ns3::UdpEchoClientHelper client(first_address[pops[i % pops.size()]], 9);
    client.SetAttribute("MaxPackets", ns3::UintegerValue(1u << 30));
    client.SetAttribute("Interval", ns3::TimeValue(ns3::Seconds(interval_s)));
    client.SetAttribute("PacketSize", ns3::UintegerValue(64));
    ns3::ApplicationContainer app = client.Install(nodes.Get(groups[i]));
    app.Start(ns3::Seconds(interval_s * static_cast<double>(i) / static_cast<double>(groups.size())));
    app.Stop(stop);
  }
  EchoRun r;
  r.nodes = graph.NodeCount();
  r.links = graph.LinkCount();
  ns3::Simulator::Stop(stop);
  const auto started = WallClock::now();
  const double cpu_started = ProcessCpuSeconds();
  ns3::Simulator::Run();
  r.cpu_s = ProcessCpuSeconds() - cpu_started;
  r.wall_s = Since(started);
  r.events = ns3::Simulator::GetEventCount();
  ns3::Simulator::Destroy();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  SyntheticScenarioSpec spec;
  spec.groups = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 200;
  spec.pops = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10;
  spec.requests = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 20000;
  spec.policies = {argc > 4 ? argv[4] : "probe"};
  spec.duration_s = argc > 5 ? std::atof(argv[5]) : 120;
  spec.fidelity = "packet";
  spec.sample_interval_s = 1;
  spec.recompute_interval_s = 5;
  if (spec.groups == 0 || spec.pops == 0 || spec.requests == 0 || !(spec.duration_s > 40)) {
    std::cerr << "usage: cdnlab_packet_vs_udp_echo_bench [groups>0] [pops>0] [requests>0] [policy] [duration_s>40]\n";
    return 2;
  }
  const Scenario scenario = LoadScenarioText(SyntheticScenarioYaml(spec), "<synthetic>");
  MetricsRecorder metrics;
  const auto started = WallClock::now();
  const double cpu_started = ProcessCpuSeconds();
  const RoutingRunResult result = RunRoutingExperiment(scenario, scenario.policies.front(), metrics);
  const double cdnlab_cpu_s = ProcessCpuSeconds() - cpu_started;
  const double cdnlab_s = Since(started);
  // One 64-byte echo per group per second, staggered: the same nodes, links and simulated time
  // carry a steady packet load, and events per wall second are compared.
  const double interval_s = 1.0;
  const EchoRun echo = RunUdpEcho(scenario, interval_s);

  const double cdnlab_eps = static_cast<double>(result.simulator_events) / cdnlab_s;
  const double echo_eps = static_cast<double>(echo.events) / echo.wall_s;
  nlohmann::ordered_json out;
  out["bench"] = "packet_vs_udp_echo";
  out["groups"] = spec.groups;
  out["pops"] = spec.pops;
  out["nodes"] = echo.nodes;
  out["links"] = echo.links;
  out["policy"] = spec.policies.front();
  out["simulated_s"] = spec.duration_s;
  out["cdnlab_run_s"] = cdnlab_s;
  out["cdnlab_events"] = result.simulator_events;
  out["cdnlab_downloads_completed"] = result.downloads_completed;
  out["cdnlab_events_per_s"] = cdnlab_eps;
  out["udp_echo_interval_s"] = interval_s;
  out["udp_echo_run_s"] = echo.wall_s;
  out["udp_echo_events"] = echo.events;
  out["udp_echo_events_per_s"] = echo_eps;
  out["ratio_cdnlab_to_udp_echo_events_per_s"] = cdnlab_eps / echo_eps;
  // cdnlab's CPU seconds include building and tearing down its world (not in the echo's);
  // the echo's count its event loop only, as its wall seconds do.
  const double cdnlab_eps_cpu = static_cast<double>(result.simulator_events) / cdnlab_cpu_s;
  const double echo_eps_cpu = static_cast<double>(echo.events) / echo.cpu_s;
  out["cdnlab_cpu_s"] = cdnlab_cpu_s;
  out["cdnlab_events_per_cpu_s"] = cdnlab_eps_cpu;
  out["udp_echo_cpu_s"] = echo.cpu_s;
  out["udp_echo_events_per_cpu_s"] = echo_eps_cpu;
  out["ratio_cdnlab_to_udp_echo_events_per_cpu_s"] = cdnlab_eps_cpu / echo_eps_cpu;
  std::cout << out.dump(2) << '\n';
  return 0;
}
