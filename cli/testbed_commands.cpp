#include "cli/testbed_commands.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/metrics_recorder.h"
#include "analysis/summary_json.h"
#include "analysis/weighted_percentile.h"
#include "scenarios/core/scenario_error.h"
#include "scenarios/loader/scenario_loader.h"
#include "emulation/testbed.h"
#include "sim/routing/experiment.h"
#include "cli/user_errors.h"

namespace cdnlab::cli {
namespace {

struct Options {
  std::string file;
  std::string out_dir = "cdnlab-testbed";
};

std::string SelfBinary() {
  return std::filesystem::canonical("/proc/self/exe").string();
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TestbedResult Testbed(const Scenario& scenario, const Options& o, const std::string& out_dir) {
  TestbedOptions t;
  t.cdnlab_binary = SelfBinary();
  t.scenario_text = ReadText(o.file);
  t.out_dir = out_dir;
  std::cerr << fmt::format("cdnlab testbed: {} for {} s of wall-clock time (namespaces, taps, ns-3 real time) ...\n",
                           scenario.name, scenario.duration_s);
  return RunTestbed(scenario, t);
}

void RunTestbedCommand(const Options& o) {
  const Scenario scenario = LoadScenarioFile(o.file);
  const TestbedResult r = Testbed(scenario, o, o.out_dir);
  std::cout << fmt::format("{:<16} {:<12} {}\n", "group", "PoP", "measured RTT to it (ms)");
  for (const auto& g : r.groups) {
    const auto it = g.measured_rtt_ms.find(g.pop);
    std::cout << fmt::format("{:<16} {:<12} {}\n", g.group, g.pop.empty() ? "-" : g.pop,
                             it == g.measured_rtt_ms.end() ? "-" : fmt::format("{:.2f}", it->second));
  }
  std::cout << fmt::format("{} probe reports reached the controller; state in {}\n", r.reports_accepted, r.state_file);
}

void RunCompareCommand(const Options& o) {
  const Scenario scenario = LoadScenarioFile(o.file);
  const PolicySpec* measured = nullptr;
  for (const auto& p : scenario.policies) {
    if (measured == nullptr && p.kind == PolicyKind::kProbe) measured = &p;  // `probe`, formerly `measured`
  }
  if (measured == nullptr) {
    throw CLI::ValidationError("FILE", "compare-runtimes needs the scenario to list the 'probe' (or 'measured') policy");
  }
  std::filesystem::create_directories(o.out_dir);
  std::cerr << fmt::format("cdnlab compare-runtimes: simulating {} ...\n", scenario.name);
  MetricsRecorder metrics;
  const RoutingRunResult sim = RunRoutingExperiment(scenario, *measured, metrics);
  const TestbedResult real = Testbed(scenario, o, o.out_dir + "/testbed");

  std::map<std::string, const TestbedGroupState*> real_by_group;
  for (const auto& g : real.groups) real_by_group[g.group] = &g;
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  std::vector<WeightedValue> errors;
  std::size_t same = 0;
  std::cout << fmt::format("{:<16} {:<10} {:<10} {:>12} {:>12}\n", "group", "sim PoP", "real PoP", "sim RTT ms", "real RTT ms");
  for (const auto& s : sim.final_groups) {
    const TestbedGroupState* r = real_by_group.count(s.group) ? real_by_group[s.group] : nullptr;
    const std::string real_pop = r ? r->pop : "";
    same += !s.pop.empty() && s.pop == real_pop;
    // The RTT each runtime measured to the PoP the simulation chose.
    const auto sim_rtt = s.measured_rtt_ms.count(s.pop) ? std::optional<double>(s.measured_rtt_ms.at(s.pop)) : std::nullopt;
    const auto real_rtt = r && r->measured_rtt_ms.count(s.pop) ? std::optional<double>(r->measured_rtt_ms.at(s.pop))
                                                              : std::nullopt;
    if (sim_rtt && real_rtt) errors.push_back({std::fabs(*sim_rtt - *real_rtt), 1});
    const auto num = [](std::optional<double> v) { return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr); };
    groups.push_back({{"group", s.group}, {"sim_pop", s.pop}, {"real_pop", real_pop}, {"sim_rtt_ms", num(sim_rtt)},
                      {"real_rtt_ms", num(real_rtt)}});
    std::cout << fmt::format("{:<16} {:<10} {:<10} {:>12} {:>12}\n", s.group, s.pop, real_pop.empty() ? "-" : real_pop,
                             sim_rtt ? fmt::format("{:.2f}", *sim_rtt) : "-", real_rtt ? fmt::format("{:.2f}", *real_rtt) : "-");
  }
  const double ratio = sim.final_groups.empty() ? 0.0 : static_cast<double>(same) / sim.final_groups.size();
  nlohmann::ordered_json summary;
  summary["scenario"] = {{"name", scenario.name}, {"source", scenario.source}, {"seed", scenario.seed}};
  summary["agreement"] = {{"same_choice_ratio", ratio},
                          {"rtt_error_ms", {{"p50", WeightedPercentile(errors, 0.5)},
                                            {"max", WeightedPercentile(errors, 1.0)},
                                            {"groups_compared", errors.size()}}}};
  summary["groups"] = groups;
  summary["testbed_reports_accepted"] = real.reports_accepted;
  WriteJsonFile(o.out_dir + "/summary.json", summary);
  std::cout << fmt::format("same choice for {} of {} groups; RTT error p50 {:.2f} ms, max {:.2f} ms; {}/summary.json\n",
                           same, sim.final_groups.size(), WeightedPercentile(errors, 0.5), WeightedPercentile(errors, 1.0),
                           o.out_dir);
}

void AddCommand(CLI::App& app, const std::string& name, const std::string& help, void (*run)(const Options&)) {
  auto options = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(name, help);
  cmd->add_option("file", options->file, "Scenario YAML (one server per PoP; no realnet section)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", options->out_dir, "Output directory")->capture_default_str();
  cmd->callback([options, run] {
    ExitOnScenarioError([&] { run(*options); });
  });
}

}  // namespace

void AddTestbedCommands(CLI::App& app) {
  AddCommand(app, "testbed", "Run a scenario with real processes in network namespaces over ns-3 real-time links",
             RunTestbedCommand);
  AddCommand(app, "compare-runtimes", "Run a scenario in simulation and in the testbed and report their agreement",
             RunCompareCommand);
}

}  // namespace cdnlab::cli
