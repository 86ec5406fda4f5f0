// Federation at scale: a synthetic federation (default: scenarios/federation_10k.yaml's spec,
// 3 CDNs, 10,002 servers, 100 configurations, 1,000 RFC 8007 commands) run end to end, timed
// against a bare ns-3 scheduler loop that executes the same number of events in the same
// process. Prints one JSON object: commands per second of wall time, the completion/bound
// ratio (p50 over commands, and p50 completion over p50 bound), the correctness counts the
// scale test asserts, and peak memory.
// Usage: cdnlab_federation_scale_bench [servers=10002] [commands=1000] [configurations=100]
//                                      [fidelity=flow] [edges_per_configuration=100]

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <ns3/simulator.h>

#include "analysis/federation_summary.h"
#include "analysis/metrics_recorder.h"
#include "bench/bare_scheduler_loop.h"
#include "bench/run_measures.h"
#include "scenarios/federation/synthetic_scenario.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/federation/experiment.h"

namespace {

using namespace cdnlab;
using bench::PeakRssMb;
using bench::Since;
using bench::WallClock;

double Median(std::vector<double> values) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

int Run(int argc, char** argv);

int main(int argc, char** argv) {
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "cdnlab_federation_scale_bench: " << e.what() << "\n";
    return 1;
  }
}

int Run(int argc, char** argv) {
  SyntheticFederationSpec spec;
  if (argc > 1) spec.servers = std::strtoull(argv[1], nullptr, 10);
  if (argc > 2) spec.commands = std::strtoull(argv[2], nullptr, 10);
  if (argc > 3) spec.configurations = std::strtoull(argv[3], nullptr, 10);
  if (argc > 4) spec.fidelity = argv[4];
  if (argc > 5) spec.edges_per_configuration = std::strtoull(argv[5], nullptr, 10);
  spec.providers = std::min(spec.providers, spec.configurations);
  std::string yaml;
  try {
    yaml = SyntheticFederationYaml(spec);
  } catch (const std::invalid_argument& e) {
    std::cerr << "cdnlab_federation_scale_bench: " << e.what() << "\n"
              << "usage: cdnlab_federation_scale_bench [servers] [commands] [configurations] [packet|flow] "
                 "[edges_per_configuration]\n";
    return 2;
  }

  const auto loading = WallClock::now();
  const Scenario scenario = LoadScenarioText(yaml, "<synthetic federation>");
  const double load_s = Since(loading);
  MetricsRecorder metrics;
  const auto running = WallClock::now();
  const FederationRunResult run = RunFederationExperiment(scenario, metrics);
  const double run_s = Since(running);
  const double peak_rss_mb = PeakRssMb();

  std::vector<double> ratios, completion, bound;
  std::size_t targets = 0, complete = 0;
  for (const auto& c : run.commands) {
    targets += c.targeted_servers.size();
    if (c.status == "complete") ++complete;
    if (c.completion_ms && c.bound_ms && *c.bound_ms > 0) {
      ratios.push_back(*c.completion_ms / *c.bound_ms);
      completion.push_back(*c.completion_ms);
      bound.push_back(*c.bound_ms);
    }
  }
  const FederationAggregate a = SummarizeFederation(run);
  bench::BareSchedulerLoop bare(run.simulator_events, spec.servers);
  const double bare_s = bare.Run();

  std::size_t servers = 0;
  for (const auto& p : scenario.federation.platforms) servers += p.servers.size();
  nlohmann::ordered_json out;
  out["bench"] = "federation_scale";
  out["fidelity"] = spec.fidelity;
  out["cdns"] = scenario.federation.platforms.size();
  out["servers"] = servers;
  out["configurations"] = scenario.federation.configurations.size();
  out["commands"] = run.commands.size();
  out["simulated_s"] = scenario.duration_s;
  out["scenario_load_s"] = load_s;
  out["run_s"] = run_s;
  out["commands_per_s"] = static_cast<double>(run.commands.size()) / run_s;
  out["server_targets"] = targets;
  out["server_targets_per_s"] = static_cast<double>(targets) / run_s;
  out["commands_complete"] = complete;
  out["wrongly_targeted_total"] = a.wrongly_targeted_total;
  out["all_targeted_acknowledged"] = a.all_targeted_acknowledged;
  out["messages_sent"] = a.messages_sent;
  out["retries"] = a.retries;
  out["completion_p50_ms"] = Median(completion);
  out["bound_p50_ms"] = Median(bound);
  out["completion_to_bound_p50"] = Median(ratios);
  out["completion_p50_to_bound_p50"] = bound.empty() ? -1 : Median(completion) / Median(bound);
  out["events"] = run.simulator_events;
  out["events_per_s"] = static_cast<double>(run.simulator_events) / run_s;
  out["bare_scheduler_events"] = bare.Executed();
  out["bare_scheduler_s"] = bare_s;
  out["bare_scheduler_events_per_s"] = static_cast<double>(bare.Executed()) / bare_s;
  out["ratio_run_to_bare_scheduler"] = run_s / bare_s;
  out["peak_rss_mb"] = peak_rss_mb;
  std::cout << out.dump(2) << '\n';
  return 0;
}
