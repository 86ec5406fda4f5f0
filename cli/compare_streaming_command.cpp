#include "cli/compare_streaming_command.h"

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/streaming_csv_writer.h"
#include "analysis/streaming_runtime_comparison.h"
#include "analysis/streaming_summary.h"
#include "cli/streaming_loopback_run.h"
#include "cli/user_errors.h"
#include "models/ports/metrics_sink.h"
#include "scenarios/loader/scenario_loader.h"
#include "scenarios/streaming/from_scenario.h"
#include "sim/streaming/experiment.h"

namespace cdnlab::cli {
namespace {

// Issue 17: simulation and real processes agree on stall, skip and recovery time within 0.5 s.
constexpr double kDefaultToleranceS = 0.5;
// Exit status when the real side could not run (a service did not start, a port was taken);
// 1 is kept for "the runtimes disagree".
constexpr int kExitRealSideFailed = 2;

struct Options {
  std::string file;
  std::string out_dir = "cdnlab-compare-streaming";
  double tolerance_s = kDefaultToleranceS;
  std::size_t max_viewers = 8;
  int port_base = 30500;
  double ready_timeout_s = 20;
  std::string ingest_fail = "kill";
};

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string SelfBinary() { return std::filesystem::canonical("/proc/self/exe").string(); }

void Run(const Options& o) {
  const Scenario scenario = LoadScenarioFile(o.file);
  if (!scenario.streaming.present) {
    throw CLI::ValidationError("FILE", "compare-streaming needs a scenario with a 'streaming' section");
  }
  // The real side's players are plain HLS players (LivePlayer over HTTP); comparing them with the
  // simulation's low-latency players would compare two different protocols.
  if (StreamingLowLatency(scenario.streaming)) {
    throw CLI::ValidationError(
        "FILE", fmt::format("{}: streaming.parts_per_segment is {}: compare-streaming compares plain HLS only "
                            "(LL-HLS runs in `cdnlab run` and in the realnet services)",
                            o.file, scenario.streaming.parts_per_segment));
  }
  std::filesystem::create_directories(o.out_dir);
  std::cerr << fmt::format("cdnlab compare-streaming: simulating {} ({} s) in ns-3 ...\n", scenario.name,
                           scenario.duration_s);
  NullMetricsSink metrics;
  const StreamingRunResult sim = RunStreamingExperiment(scenario, metrics);

  LoopbackStreamingOptions real_options;
  real_options.cdnlab_binary = SelfBinary();
  real_options.out_dir = o.out_dir + "/real";
  real_options.port_base = static_cast<std::uint16_t>(o.port_base);
  real_options.max_viewers = o.max_viewers;
  real_options.ready_timeout_s = o.ready_timeout_s;
  real_options.fail_signal = o.ingest_fail == "freeze" ? SIGSTOP : SIGKILL;
  std::cerr << fmt::format(
      "cdnlab compare-streaming: the same on real processes on loopback for {} s of wall-clock time (ports {}.., "
      "at most {} viewers, logs in {}/logs) ...\n",
      scenario.duration_s, o.port_base, o.max_viewers, real_options.out_dir);
  StreamingRunResult real;
  try {
    real = RunStreamingOnLoopback(scenario, real_options);
  } catch (const std::exception& e) {
    std::cerr << "cdnlab compare-streaming: real processes: " << e.what() << '\n';
    throw CLI::RuntimeError(kExitRealSideFailed);
  }

  const StreamingRuntimeComparison comparison = CompareStreamingRuntimes(sim, real, o.tolerance_s);
  std::vector<std::string> ids;
  for (const auto& v : real.viewers) ids.push_back(v.viewer);
  const StreamingRunResult sim_matched = OnlyViewers(sim, ids);

  nlohmann::ordered_json summary;
  summary["scenario"] = scenario.name;
  summary["seed"] = scenario.seed;
  summary["duration_s"] = scenario.duration_s;
  summary["comparison"] = StreamingRuntimeComparisonJson(comparison);
  summary["sim"] = StreamingSummaryJson(sim_matched);
  summary["real"] = StreamingSummaryJson(real);
  WriteFile(o.out_dir + "/summary.json", summary.dump(2) + "\n");
  WriteFile(o.out_dir + "/comparison.csv", StreamingRuntimeComparisonCsv(comparison));
  WriteStreamingViewersCsv(o.out_dir + "/sim-viewers.csv", sim_matched);
  WriteStreamingViewersCsv(o.out_dir + "/real-viewers.csv", real);

  std::cout << FormatStreamingRuntimeComparison(comparison);
  std::cout << fmt::format("{0}/summary.json, {0}/comparison.csv, {0}/sim-viewers.csv, {0}/real-viewers.csv\n",
                           o.out_dir);
  if (!comparison.agrees) throw CLI::RuntimeError(1);
}

}  // namespace

void AddCompareStreamingCommand(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "compare-streaming",
      "Run a scenario's live streaming in ns-3 and on real processes on loopback; exit 1 when stall, skip, recovery "
      "or startup time differ beyond --tolerance-s");
  cmd->add_option("file", o->file, "Scenario YAML with a streaming section (fast, short links: loopback has no delay)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--out", o->out_dir, "Output directory")->capture_default_str();
  cmd->add_option("--tolerance-s", o->tolerance_s, "Largest difference allowed for a time measure (seconds)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--max-viewers", o->max_viewers,
                  "Viewers played on the real side (taken in turn from each group); the simulation's same viewers "
                  "are compared")
      ->check(CLI::Range(1, 200))
      ->capture_default_str();
  cmd->add_option("--port-base", o->port_base,
                  "First loopback port of the real services (3 per ingest, 2 per cache, 2 for the balancer)")
      ->check(CLI::Range(1024, 65000))
      ->capture_default_str();
  cmd->add_option("--ingest-fail", o->ingest_fail,
                  "How the real side fails an ingest: kill (SIGKILL, a process crash: connections are refused at once) "
                  "or freeze (SIGSTOP: nothing answers until timeouts, like the simulation's failed host)")
      ->check(CLI::IsMember({"kill", "freeze"}))
      ->capture_default_str();
  cmd->add_option("--ready-timeout-s", o->ready_timeout_s, "How long the real services may take to start")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->callback([o] { ExitOnScenarioError([&] { Run(*o); }); });
}

}  // namespace cdnlab::cli
