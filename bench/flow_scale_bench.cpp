// Flow fidelity at scale: one routing policy on a synthetic scenario (default 100,000 client
// groups, 200 PoPs, 10 million requests), timed against a bare ns-3 scheduler loop that runs
// the same number of events in the same process; plus peak memory per client group from a
// second, 10x smaller run in a child process. Prints one JSON object.
// Usage: cdnlab_flow_scale_bench [groups=100000] [pops=200] [requests=10000000] [policies=geo]
//                                [duration_s=600]
// `policies` is one policy or a comma-separated list (e.g. geo,probe,rum,hybrid): each runs in
// turn on the same scenario and gets its own bare loop of its own event count, and the JSON
// then holds one object per policy under "runs" (one policy keeps the flat object).
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <ns3/simulator.h>

#include "analysis/metrics_recorder.h"
#include "bench/bare_scheduler_loop.h"
#include "bench/run_measures.h"
#include "scenarios/loader/scenario_loader.h"
#include "scenarios/routing/synthetic_scenario.h"
#include "sim/routing/experiment.h"

namespace {

using namespace cdnlab;
using bench::PeakRssMb;
using bench::Since;
using bench::WallClock;

struct FlowRun {
  double load_s = 0;
  double run_s = 0;
  std::uint64_t events = 0;
  std::uint64_t downloads_started = 0;
  std::uint64_t downloads_completed = 0;
  std::uint64_t mapping_versions = 0;
  double peak_rss_mb = 0;
};

FlowRun RunFlow(std::size_t groups, std::size_t pops, std::uint64_t requests, const std::string& policy,
                double duration_s) {
  SyntheticScenarioSpec spec;
  spec.groups = groups;
  spec.pops = pops;
  spec.requests = requests;
  spec.policies = {policy};
  spec.duration_s = duration_s;
  spec.fidelity = "flow";
  FlowRun r;
  const auto loading = WallClock::now();
  const Scenario scenario = LoadScenarioText(SyntheticScenarioYaml(spec), "<synthetic>");
  r.load_s = Since(loading);
  MetricsRecorder metrics;
  const auto running = WallClock::now();
  const RoutingRunResult result = RunRoutingExperiment(scenario, scenario.policies.front(), metrics);
  r.run_s = Since(running);
  r.events = result.simulator_events;
  r.downloads_started = result.downloads_started;
  r.downloads_completed = result.downloads_completed;
  r.mapping_versions = result.mapping_versions_pushed;
  r.peak_rss_mb = PeakRssMb();
  return r;
}

// Peak RSS of a smaller run, measured in a child so the parent's own peak does not hide it.
double ChildPeakRssMb(std::size_t groups, std::size_t pops, std::uint64_t requests, const std::string& policy,
                      double duration_s) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const FlowRun r = RunFlow(groups, pops, requests, policy, duration_s);
    const std::string text = std::to_string(r.peak_rss_mb);
    [[maybe_unused]] const ssize_t n = write(fds[1], text.data(), text.size());
    _exit(0);
  }
  close(fds[1]);
  char buffer[64] = {};
  [[maybe_unused]] const ssize_t n = read(fds[0], buffer, sizeof(buffer) - 1);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? std::atof(buffer) : -1;
}

std::vector<std::string> SplitPolicies(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    if (comma > start) out.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// One policy: its small run (memory), its full run, and a bare loop of the same event count.
nlohmann::ordered_json MeasurePolicy(std::size_t groups, std::size_t pops, std::uint64_t requests,
                                     const std::string& policy, double duration_s) {
  // The small run first (in a child, before this process grows), at a tenth of the groups and
  // requests: memory per group is the slope between the two runs.
  const double small_rss_mb = ChildPeakRssMb(groups / 10, pops, requests / 10, policy, duration_s);
  const FlowRun run = RunFlow(groups, pops, requests, policy, duration_s);
  bench::BareSchedulerLoop bare(run.events, groups);
  const double bare_s = bare.Run();

  nlohmann::ordered_json out;
  out["bench"] = "flow_scale";
  out["groups"] = groups;
  out["pops"] = pops;
  out["policy"] = policy;
  out["simulated_s"] = duration_s;
  out["scenario_load_s"] = run.load_s;
  out["run_s"] = run.run_s;
  out["requests_started"] = run.downloads_started;
  out["requests_completed"] = run.downloads_completed;
  out["mapping_versions"] = run.mapping_versions;
  out["events"] = run.events;
  out["events_per_request"] = static_cast<double>(run.events) / static_cast<double>(std::max<std::uint64_t>(1, run.downloads_started));
  out["requests_per_s"] = static_cast<double>(run.downloads_completed) / run.run_s;
  out["events_per_s"] = static_cast<double>(run.events) / run.run_s;
  out["bare_scheduler_events"] = bare.Executed();
  out["bare_scheduler_s"] = bare_s;
  out["bare_scheduler_events_per_s"] = static_cast<double>(bare.Executed()) / bare_s;
  out["ratio_run_to_bare_scheduler"] = run.run_s / bare_s;
  out["peak_rss_mb"] = run.peak_rss_mb;
  out["peak_rss_mb_at_tenth_groups"] = small_rss_mb;
  out["peak_rss_kb_per_group"] =
      small_rss_mb > 0 ? (run.peak_rss_mb - small_rss_mb) * 1024.0 / static_cast<double>(groups - groups / 10) : -1;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t groups = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100000;
  const std::size_t pops = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 200;
  const std::uint64_t requests = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 10000000;
  const std::vector<std::string> policies = SplitPolicies(argc > 4 ? argv[4] : "geo");
  const double duration_s = argc > 5 ? std::atof(argv[5]) : 600;
  if (groups < 10 || pops == 0 || requests == 0 || !(duration_s > 40) || policies.empty()) {
    std::cerr << "usage: cdnlab_flow_scale_bench [groups>=10] [pops>0] [requests>0] [policy[,policy...]] "
                 "[duration_s>40]\n";
    return 2;
  }
  if (policies.size() == 1) {
    std::cout << MeasurePolicy(groups, pops, requests, policies.front(), duration_s).dump(2) << '\n';
    return 0;
  }
  nlohmann::ordered_json out;
  out["bench"] = "flow_scale";
  out["runs"] = nlohmann::ordered_json::array();
  for (const std::string& policy : policies) out["runs"].push_back(MeasurePolicy(groups, pops, requests, policy, duration_s));
  std::cout << out.dump(2) << '\n';
  return 0;
}
