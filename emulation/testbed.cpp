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
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
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
#include "scenarios/routing/download_arrivals_config.h"
#include "sim/net/ns3_clock.h"
#include "sim/net/network.h"
#include "sim/net/timeline_player.h"
#include "sim/routing/caching_resolver.h"
#include "sim/routing/object_server.h"

namespace cdnlab {
namespace {

constexpr std::uint16_t kControllerPort = 7100;
constexpr std::uint16_t kDnsPort = 53;
// The simulation's object servers listen on this port too (ObjectServer::kPort).
constexpr std::uint16_t kObjectPort = ObjectServer::kPort;
// What `cdnlab realnet rum-object-server --bytes` accepts.
constexpr std::uint64_t kMaxObjectBytes = 10 * 1024 * 1024;

// 100.127.0.0/16 is the top of the simulator's infrastructure pool: one /30 per real host.
Ipv4Prefix HostSubnet(std::size_t i) {
  return Ipv4Prefix{Ipv4Address{(100u << 24) | (127u << 16) | static_cast<std::uint32_t>(4 * i)}, 30};
}

// One tap of a real host: its link to the simulated host it hangs off, on a /30 of its own.
struct TapLink {
  Ipv4Address behind;
  Ipv4Prefix subnet;
  std::unique_ptr<TapDevice> tap;
  Ipv4Address Address() const { return subnet.Host(2); }
};

// One real host: a namespace and the role it plays. The DNS/controller host and a client
// group have one link; a PoP has one per server, each behind that server's simulated host.
struct RealHost {
  std::string role;  // "dns", "pop", "group"
  std::string id;
  std::vector<TapLink> links;  // destroyed after the namespace (declared before it)
  std::unique_ptr<NetworkNamespace> ns;
  Ipv4Address Address() const { return links.front().Address(); }
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

// Refuses to start without a client program the testbed's users need, naming its package.
void RequireTool(const std::string& tool, const std::string& package) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (!dir.empty() && access((dir + "/" + tool).c_str(), X_OK) == 0) return;
  }
  throw std::runtime_error(fmt::format("the testbed's clients download with kdig and curl: {} is not on PATH "
                                       "(Debian package {})", tool, package));
}

// Waits (up to 20 s) until a started service's log has the line saying it is serving.
void WaitForLogLine(const std::string& log, const std::string& line) {
  for (int i = 0; i < 200 && !g_interrupted; ++i) {
    std::ifstream in(log);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find(line) != std::string::npos) return;
    usleep(100 * 1000);
  }
  if (!g_interrupted) throw std::runtime_error("a testbed service did not start in 20 s: see " + log);
}

// The scenario text plus the realnet section that places each part on its real host.
std::string DerivedScenario(const TestbedOptions& o, const std::vector<RealHost>& hosts) {
  std::string text = o.scenario_text;
  const RealHost& dns = hosts.front();
  text += fmt::format("\n# Added by `cdnlab testbed`: where each part runs.\nrealnet:\n  controller: {}:{}\n  dns: {}:{}\n",
                      dns.Address().ToString(), kControllerPort, dns.Address().ToString(), kDnsPort);
  text += "  servers:\n";
  for (const auto& h : hosts) {
    if (h.role != "pop") continue;
    std::string addresses;
    for (const auto& link : h.links) addresses += (addresses.empty() ? "" : ", ") + link.Address().ToString();
    text += fmt::format("    {}: [{}]\n", h.id, addresses);
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
  const bool downloads = scenario.workload.downloads_per_group_per_min > 0;
  if (downloads && (scenario.workload.object_bytes < 1 || scenario.workload.object_bytes > kMaxObjectBytes)) {
    throw std::invalid_argument(fmt::format("{}: workload.object_bytes is {}; the testbed's object servers serve 1 to {} bytes",
                                            scenario.source, scenario.workload.object_bytes, kMaxObjectBytes));
  }
  if (downloads) {
    RequireTool("kdig", "knot-dnsutils");
    RequireTool("curl", "curl");
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
    const auto add_host = [&](const std::string& role, const std::string& id, const std::vector<Ipv4Address>& behind) {
      RealHost h{role, id, {}, nullptr};
      for (const auto& b : behind) h.links.push_back({b, {}, nullptr});
      hosts.push_back(std::move(h));
    };
    add_host("dns", scenario.dns.id, {network.DnsAddress()});
    for (const auto& p : catalog.pops) add_host("pop", p.id, p.servers);
    for (const auto& g : catalog.groups) add_host("group", g.id, {g.representative});
    const std::string tag = std::to_string(getpid());
    std::size_t next_subnet = 0;
    for (auto& h : hosts) {
      h.ns = std::make_unique<NetworkNamespace>(fmt::format("cdnlab-{}-{}", tag, h.id));
      for (std::size_t s = 0; s < h.links.size(); ++s) {
        TapLink& link = h.links[s];
        link.subnet = HostSubnet(next_subnet);
        // Taps are created in the root namespace, attached to ns-3, then moved and brought up.
        link.tap = std::make_unique<TapDevice>(fmt::format("cdl{}t{}", getpid() % 100000, next_subnet));
        ++next_subnet;
        network.AttachRealHost(link.behind, link.tap->Fd(), link.subnet);
        h.ns->AdoptLink(link.tap->Name());
        const std::string cidr = link.Address().ToString() + "/30";
        const std::string gateway = link.subnet.Host(1).ToString();
        if (s == 0) {
          h.ns->ConfigureLink(link.tap->Name(), {cidr}, gateway);
        } else {
          // A PoP's further servers: each address answers and probes through its own tap.
          h.ns->ConfigureSourceRoutedLink(link.tap->Name(), cidr, gateway, static_cast<int>(100 + s));
        }
      }
    }
    network.RecomputeRoutes();

    const std::string derived = options.out_dir + "/testbed-scenario.yaml";
    std::ofstream(derived, std::ios::trunc) << DerivedScenario(options, hosts);
    result.state_file = options.out_dir + "/testbed-state.json";
    std::filesystem::remove(result.state_file);
    const std::string run_for = fmt::format("{}", scenario.duration_s);
    std::vector<std::string> pop_ids;
    std::map<std::string, std::string> pop_of_server;
    for (const auto& h : hosts) {
      if (h.role != "pop") continue;
      pop_ids.push_back(h.id);
      for (const auto& link : h.links) {
        result.pop_servers[h.id].push_back(link.Address().ToString());
        pop_of_server[link.Address().ToString()] = h.id;
      }
    }
    const std::string pop_keys = MakePopKeys(options, pop_ids);
    pid_t controller = -1;
    std::vector<RealClientGroup> clients;
    std::vector<std::pair<std::string, std::string>> started_lines;  // log file, the line saying it serves
    for (auto& h : hosts) {
      const std::string log = options.out_dir + "/" + h.role + "-" + h.id + ".log";
      if (h.role == "dns") {
        controller = h.ns->Spawn({options.cdnlab_binary, "realnet", "controller", derived, "--policy", options.policy,
                                  "--for", run_for, "--state-out", result.state_file, "--pop-keys", pop_keys},
                                 log);
        started_lines.emplace_back(log, "cdnlab realnet controller: policy");
      } else if (h.role == "group") {
        h.ns->Spawn({options.cdnlab_binary, "realnet", "responder", derived, "--group", h.id, "--for", run_for}, log);
        started_lines.emplace_back(log, "cdnlab realnet responder: group");
        clients.push_back({h.id, h.ns.get(), std::nullopt});
      }
    }
    // Probing starts once every responder and the controller listen, as everything starts at
    // t=0 in simulation: a first probe train sent to a responder still starting would count
    // as lost, and the loss penalty would keep that PoP off the group's row for many rounds.
    for (const auto& [log, line] : started_lines) WaitForLogLine(log, line);
    for (auto& h : hosts) {
      if (h.role != "pop") continue;
      h.ns->Spawn({options.cdnlab_binary, "realnet", "probe-agent", derived, "--pop", h.id, "--key-file",
                   options.out_dir + "/keys/" + h.id + ".key", "--for", run_for},
                  options.out_dir + "/pop-" + h.id + ".log");
      for (std::size_t s = 0; downloads && s < h.links.size(); ++s) {
        h.ns->Spawn({options.cdnlab_binary, "realnet", "rum-object-server", "--listen",
                     fmt::format("{}:{}", h.links[s].Address().ToString(), kObjectPort), "--bytes",
                     std::to_string(scenario.workload.object_bytes), "--for", run_for, "--plain-http"},
                    fmt::format("{}/object-server-{}-{}.log", options.out_dir, h.id, s));
      }
    }
    // Each group asks with the client subnet its resolver sends in simulation (the same prefix
    // of its simulated host), so the DNS picks the same PoP row and the same server slot.
    for (GroupIndex g = 0; g < catalog.groups.size(); ++g) {
      const ClientGroupInfo& group = catalog.groups[g];
      if (catalog.resolvers.at(group.resolver).sends_client_subnet) {
        clients[g].client_subnet = IpPrefix::Of(group.representative, CachingResolver::kClientSubnetLength);
      }
    }

    // The same timeline as in simulation, applied to the emulated links in real time.
    Ns3Clock clock;
    GroundTruth truth(catalog.groups.size(), catalog.pops.size());
    MetricsRecorder metrics;
    TimelinePlayer timeline(scenario, graph, network, truth, clock, clock, metrics);
    RealClientWorkloadConfig client_config;
    client_config.dns = Endpoint{hosts.front().Address(), kDnsPort};
    client_config.hostname = scenario.dns.hostname;
    client_config.object_port = kObjectPort;
    client_config.object_bytes = scenario.workload.object_bytes;
    client_config.run_end_s = scenario.duration_s;
    client_config.out_dir = options.out_dir + "/downloads";
    RealClientWorkload workload(clients, client_config, DownloadArrivalsConfigFor(scenario), scenario.seed, clock, clock);
    timeline.Start();
    if (downloads) workload.Start();
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
    workload.Stop();
    // Normally the controller is about to finish its --for run and write its state; after
    // Ctrl-C nobody waits: the namespaces terminate their processes on the way out.
    if (controller > 0 && !g_interrupted) waitpid(controller, nullptr, 0);
    // Every download had until the scenario's end (curl's time limit), two seconds ago.
    result.downloads = workload.Results(pop_of_server);
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
