#include "emulation/testbed.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <ns3/boolean.h>
#include <ns3/global-value.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <nlohmann/json.hpp>

#include "analysis/metrics_recorder.h"
#include "models/routing/ground_truth.h"
#include "realnet/net/network_namespace.h"
#include "realnet/net/tap_device.h"
#include "scenarios/core/topology_from_scenario.h"
#include "sim/net/ns3_clock.h"
#include "sim/net/network.h"
#include "sim/net/timeline_player.h"

namespace cdnlab {
namespace {

constexpr std::uint16_t kControllerPort = 7100;
constexpr std::uint16_t kDnsPort = 53;

// 100.127.0.0/16 is the top of the simulator's infrastructure pool: one /30 per real host.
Ipv4Prefix HostSubnet(std::size_t i) {
  return Ipv4Prefix{Ipv4Address{(100u << 24) | (127u << 16) | static_cast<std::uint32_t>(4 * i)}, 30};
}

// One real host: a namespace, its tap and the role it plays.
struct RealHost {
  std::string role;  // "dns", "pop", "group"
  std::string id;
  Ipv4Address behind;  // the simulated host it hangs off
  Ipv4Prefix subnet;
  std::unique_ptr<TapDevice> tap;
  std::unique_ptr<NetworkNamespace> ns;
  Ipv4Address Address() const { return subnet.Host(2); }
};

std::atomic<bool> g_interrupted{false};

// Restores the previous SIGINT handler on every path out of RunTestbed.
struct InterruptGuard {
  InterruptGuard() : previous(std::signal(SIGINT, [](int) { g_interrupted = true; })) { g_interrupted = false; }
  ~InterruptGuard() { std::signal(SIGINT, previous); }
  void (*previous)(int);
};

// Namespaces named cdnlab-<pid>-... whose process is gone (killed with SIGKILL, say) are
// removed, so a crashed run never blocks the next one.
void RemoveStaleNamespaces() {
  char buffer[4096];
  FILE* list = popen("ip netns list 2>/dev/null", "r");
  if (list == nullptr) return;
  std::vector<std::string> stale;
  while (fgets(buffer, sizeof buffer, list) != nullptr) {
    unsigned long pid = 0;
    char name[256];
    if (sscanf(buffer, "%255s", name) != 1 || sscanf(name, "cdnlab-%lu-", &pid) != 1) continue;
    if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) stale.push_back(name);
  }
  pclose(list);
  for (const auto& name : stale) {
    try {
      RunChecked({"ip", "netns", "del", name});
    } catch (const std::exception&) {
    }
  }
}

// The scenario text plus the realnet section that places each part on its real host.
std::string DerivedScenario(const TestbedOptions& o, const std::vector<RealHost>& hosts) {
  std::string text = o.scenario_text;
  const RealHost& dns = hosts.front();
  text += fmt::format("\n# Added by `cdnlab testbed`: where each part runs.\nrealnet:\n  controller: {}:{}\n  dns: {}:{}\n",
                      dns.Address().ToString(), kControllerPort, dns.Address().ToString(), kDnsPort);
  text += "  servers:\n";
  for (const auto& h : hosts) {
    if (h.role == "pop") text += fmt::format("    {}: [{}]\n", h.id, h.Address().ToString());
  }
  text += "  groups:\n";
  for (const auto& h : hosts) {
    if (h.role == "group") text += fmt::format("    {}: {}\n", h.id, h.Address().ToString());
  }
  return text;
}

// Runs `cdnlab realnet pop-key` for every PoP (the same command an operator uses): each agent
// gets its secret key file, the controller the public keys file. Returns that file's path.
std::string MakePopKeys(const TestbedOptions& options, const std::vector<std::string>& pops) {
  const std::string dir = options.out_dir + "/keys";
  std::filesystem::remove_all(dir);  // pop-key never overwrites a key: start each run afresh
  std::filesystem::create_directories(dir);
  const std::string public_keys = dir + "/pop-public-keys";
  for (const auto& pop : pops) {
    const std::string secret_file = dir + "/" + pop + ".key";
    std::vector<std::string> args{options.cdnlab_binary, "realnet", "pop-key", "--pop", pop, "--secret-file", secret_file};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, public_keys.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    pid_t pid = -1;
    const int spawned = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    if (spawned != 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      throw std::runtime_error("`" + options.cdnlab_binary + " realnet pop-key` failed for PoP " + pop);
    }
  }
  return public_keys;
}

}  // namespace

TestbedResult RunTestbed(const Scenario& scenario, const TestbedOptions& options) {
  if (geteuid() != 0) throw std::runtime_error("the testbed creates network namespaces and taps: run it as root");
  if (scenario.realnet.present) {
    throw std::invalid_argument(scenario.source + ": remove the realnet section; the testbed assigns real addresses itself");
  }
  for (const auto& p : scenario.pops) {
    if (p.servers != 1) {
      throw std::invalid_argument(fmt::format(
          "{}: PoP '{}' has {} servers; the testbed runs one namespace per PoP and supports 1 server per PoP",
          scenario.source, p.id, p.servers));
    }
  }
  std::filesystem::create_directories(options.out_dir);
  InterruptGuard interrupt_guard;  // from here on Ctrl-C tears everything down cleanly
  RemoveStaleNamespaces();

  // Real time, and real checksums: these packets leave ns-3 for the kernel.
  ns3::GlobalValue::Bind("SimulatorImplementationType", ns3::StringValue("ns3::RealtimeSimulatorImpl"));
  ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(true));

  TestbedResult result;
  {
    TopologyGraph graph = BuildTopology(scenario);
    SimNetwork network(scenario, graph);
    const RoutingCatalog& catalog = network.Catalog();

    std::vector<RealHost> hosts;
    hosts.push_back({"dns", scenario.dns.id, network.DnsAddress(), {}, nullptr, nullptr});
    for (const auto& p : catalog.pops) hosts.push_back({"pop", p.id, p.servers.at(0), {}, nullptr, nullptr});
    for (const auto& g : catalog.groups) hosts.push_back({"group", g.id, g.representative, {}, nullptr, nullptr});
    const std::string tag = std::to_string(getpid());
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      RealHost& h = hosts[i];
      h.subnet = HostSubnet(i);
      // Taps are created in the root namespace, attached to ns-3, then moved and brought up.
      h.tap = std::make_unique<TapDevice>(fmt::format("cdl{}t{}", getpid() % 100000, i));
      h.ns = std::make_unique<NetworkNamespace>(fmt::format("cdnlab-{}-{}", tag, h.id));
      network.AttachRealHost(h.behind, h.tap->Fd(), h.subnet);
      h.ns->AdoptLink(h.tap->Name());
      h.ns->ConfigureLink(h.tap->Name(), {h.Address().ToString() + "/30"}, h.subnet.Host(1).ToString());
    }
    network.RecomputeRoutes();

    const std::string derived = options.out_dir + "/testbed-scenario.yaml";
    std::ofstream(derived, std::ios::trunc) << DerivedScenario(options, hosts);
    result.state_file = options.out_dir + "/testbed-state.json";
    std::filesystem::remove(result.state_file);
    const std::string run_for = fmt::format("{}", scenario.duration_s);
    std::vector<std::string> pop_ids;
    for (const auto& h : hosts) {
      if (h.role == "pop") pop_ids.push_back(h.id);
    }
    const std::string pop_keys = MakePopKeys(options, pop_ids);
    pid_t controller = -1;
    for (auto& h : hosts) {
      const std::string log = options.out_dir + "/" + h.role + "-" + h.id + ".log";
      if (h.role == "dns") {
        controller = h.ns->Spawn({options.cdnlab_binary, "realnet", "controller", derived, "--policy", options.policy,
                                  "--for", run_for, "--state-out", result.state_file, "--pop-keys", pop_keys},
                                 log);
      } else if (h.role == "pop") {
        h.ns->Spawn({options.cdnlab_binary, "realnet", "probe-agent", derived, "--pop", h.id, "--key-file",
                     options.out_dir + "/keys/" + h.id + ".key", "--for", run_for},
                    log);
      } else {
        h.ns->Spawn({options.cdnlab_binary, "realnet", "responder", derived, "--group", h.id, "--for", run_for}, log);
      }
    }

    // The same timeline as in simulation, applied to the emulated links in real time.
    Ns3Clock clock;
    GroundTruth truth(catalog.groups.size(), catalog.pops.size());
    MetricsRecorder metrics;
    TimelinePlayer timeline(scenario, graph, network, truth, clock, clock, metrics);
    timeline.Start();
    // Poll for Ctrl-C from inside the simulation, so teardown runs on this thread.
    std::function<void()> watch = [&] {
      if (g_interrupted) {
        ns3::Simulator::Stop();
        return;
      }
      clock.ScheduleAfter(std::chrono::milliseconds(200), watch);
    };
    watch();
    ns3::Simulator::Stop(ns3::Seconds(scenario.duration_s + 2));
    ns3::Simulator::Run();
    // Normally the controller is about to finish its --for run and write its state; after
    // Ctrl-C nobody waits: the namespaces terminate their processes on the way out.
    if (controller > 0 && !g_interrupted) waitpid(controller, nullptr, 0);
    ns3::Simulator::Destroy();
    // Namespaces (and anything still running in them) and taps go with `hosts`.
    if (g_interrupted) throw std::runtime_error("testbed interrupted; everything was torn down");
  }
  ns3::GlobalValue::Bind("SimulatorImplementationType", ns3::StringValue("ns3::DefaultSimulatorImpl"));

  std::ifstream in(result.state_file);
  if (!in) throw std::runtime_error("the controller wrote no state to " + result.state_file);
  const auto state = nlohmann::json::parse(in);
  result.reports_accepted = state.at("reports_accepted").get<std::uint64_t>();
  for (const auto& g : state.at("groups")) {
    TestbedGroupState s;
    s.group = g.at("group").get<std::string>();
    s.pop = g.at("pop").is_string() ? g.at("pop").get<std::string>() : "";
    for (const auto& [pop, rtt] : g.at("rtt_ms").items()) {
      if (rtt.is_number()) s.measured_rtt_ms[pop] = rtt.get<double>();
    }
    result.groups.push_back(s);
  }
  return result;
}

}  // namespace cdnlab
