#include "cli/run_command.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "analysis/federation_csv_writer.h"
#include "analysis/federation_summary.h"
#include "analysis/federation_table.h"
#include "analysis/metrics_recorder.h"
#include "analysis/progress_bar.h"
#include "analysis/resolver_mapping_comparison.h"
#include "analysis/routing_csv_writer.h"
#include "analysis/routing_summary.h"
#include "analysis/routing_table.h"
#include "analysis/streaming_csv_writer.h"
#include "analysis/streaming_summary.h"
#include "analysis/streaming_table.h"
#include "analysis/summary_json.h"
#include "scenarios/loader/default_scenario.h"
#include "scenarios/core/fidelity_names.h"
#include "scenarios/routing/policy_section_reader.h"
#include "scenarios/core/scenario_error.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/federation/experiment.h"
#include "sim/routing/experiment.h"
#include "sim/streaming/experiment.h"
#include "cli/user_errors.h"

namespace cdnlab::cli {
namespace {

struct RunOptions {
  std::string file;  // empty: the built-in default scenario
  std::optional<std::uint64_t> seed;
  std::optional<Fidelity> fidelity;  // --fidelity: overrides the file's
  std::string progress = "auto";      // --progress: auto | on | off
  std::string out_dir = "cdnlab-out";
};

std::vector<EventWindow> EventWindows(const Scenario& s) {
  std::vector<EventWindow> windows;
  for (std::size_t i = 0; i < s.timeline.size(); ++i) {
    const auto& e = s.timeline[i];
    const double until = i + 1 < s.timeline.size() ? s.timeline[i + 1].at_s : s.duration_s;
    windows.push_back({e.at_s, until, e.description});
  }
  return windows;
}

// The exact scenario text that was run, kept beside the results for reproduction.
void CopyScenarioText(const RunOptions& options, const std::string& out_dir) {
  const std::string target = out_dir + "/scenario.yaml";
  if (options.file.empty()) {
    std::ofstream(target, std::ios::binary | std::ios::trunc) << DefaultScenarioYaml();
  } else {
    std::filesystem::copy_file(options.file, target, std::filesystem::copy_options::overwrite_existing);
  }
}

RoutingSummaryContext SummaryContext(const Scenario& s) {
  RoutingSummaryContext c;
  for (const auto& g : s.client_groups) {
    c.population_by_group[g.id] = g.population;
    if (g.prefix6) c.ipv6_share_by_group[g.id] = g.ipv6_share;
    for (const auto& r : s.resolvers) {
      if (r.id == g.resolver && r.is_public) c.public_resolver_groups.insert(g.id);
    }
  }
  c.events = EventWindows(s);
  c.warmup_s = s.evaluation.warmup_s;
  c.duration_s = s.duration_s;
  return c;
}

RoutingRunTotals Totals(const RoutingRunResult& r) {
  RoutingRunTotals t;
  t.dns_queries_answered = r.dns_queries_answered;
  t.rum_page_views = r.rum_page_views;
  t.rum_beacons_sent = r.rum_beacons_sent;
  t.rum_beacons_by_verdict = r.rum_beacons_by_verdict;
  t.pop_overload = r.pop_overload;
  t.capacity_spilled_rows = r.capacity_spilled_rows;
  t.dwell_held_rows = r.dwell_held_rows;
  return t;
}

// Request routing: every policy of the scenario, one ns-3 run each, keyed by its label.
// Returns the printed table.
std::string RunRouting(const Scenario& scenario, const RunOptions& options, const RunInfo& info,
                       nlohmann::ordered_json& summary) {
  const RoutingSummaryBuilder summaries(SummaryContext(scenario));
  RoutingCsvWriter csv(options.out_dir);

  std::vector<RoutingPolicySummary> results;
  for (const auto& policy : scenario.policies) {
    const auto started = std::chrono::steady_clock::now();
    const std::string& label = policy.ResultLabel();
    std::cerr << fmt::format("cdnlab: {} seed {}: running policy '{}' for {} s of simulated time ...", scenario.name,
                             scenario.seed, label, scenario.duration_s)
              << std::flush;
    // With a bar (a terminal, or --progress on) it replaces the trailing " done in" on its own line.
    ProgressBar bar = ProgressBar::ForStderr({label, scenario.duration_s, "s"}, ProgressBar::ModeNamed(options.progress));
    if (bar.enabled()) std::cerr << '\n';
    SimProgress progress;
    if (bar.enabled()) progress = [&bar](double simulated_s) { bar.Update(simulated_s); };
    MetricsRecorder recorder;
    const RoutingRunResult run = RunRoutingExperiment(scenario, policy, recorder, progress);
    RoutingPolicySummary summary_row = summaries.Summarize(label, recorder, Totals(run));
    summary_row.kind = PolicyKindName(policy.kind);
    summary_row.map_by = policy.kind == PolicyKind::kAnycast ? "" : MapByName(policy.map_by);
    // Anycast answers go through the ECS-honouring authoritative too (see experiment.cpp).
    if (policy.kind == PolicyKind::kAnycast || policy.map_by == MapBy::kClientSubnet) {
      summary_row.scope_aggregation = policy.scope_aggregation;
    }
    summary_row.dns_ttl_s = policy.dns_ttl_s.value_or(scenario.dns.ttl_s);
    results.push_back(summary_row);
    csv.Append(label, recorder);
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - started;
    if (bar.enabled()) {
      bar.Update(scenario.duration_s);
      bar.Finish();
    } else {
      std::cerr << fmt::format(" done in {:.1f} s\n", wall.count());
    }
  }
  CompareEcsWithResolverMapping(results);
  summary = RoutingSummaryJson(info, results);
  return FormatRoutingTable(results);
}

// The federation: one ns-3 run of its commands and faults. Returns the printed table.
std::string RunFederation(const Scenario& scenario, const RunOptions& options, nlohmann::ordered_json& summary) {
  const auto started = std::chrono::steady_clock::now();
  std::cerr << fmt::format("cdnlab: {} seed {}: running the federation ({} commands, {} faults) for {} s of simulated "
                           "time ...",
                           scenario.name, scenario.seed, scenario.federation.commands.size(),
                           scenario.federation.faults.size(), scenario.duration_s)
            << std::flush;
  MetricsRecorder recorder;
  const FederationRunResult result = RunFederationExperiment(scenario, recorder);
  summary["federation"] = FederationSummaryJson(result);
  WriteFederationCommandsCsv(options.out_dir + "/commands.csv", result);
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - started;
  std::cerr << fmt::format(" done in {:.1f} s\n", wall.count());
  return FormatFederationTable(result);
}

// Live streaming: one ns-3 run of its publishers, ingest pool, caches and viewers. Returns the
// printed table.
std::string RunStreaming(const Scenario& scenario, const RunOptions& options, nlohmann::ordered_json& summary) {
  const auto started = std::chrono::steady_clock::now();
  std::size_t viewers = 0;
  for (const auto& v : scenario.streaming.viewers) viewers += static_cast<std::size_t>(v.count);
  std::cerr << fmt::format("cdnlab: {} seed {}: running live streaming ({} streams, {} ingests, {} viewers) for {} s "
                           "of simulated time ...",
                           scenario.name, scenario.seed, scenario.streaming.publishers.size(),
                           scenario.streaming.ingests.size(), viewers, scenario.duration_s)
            << std::flush;
  MetricsRecorder recorder;
  const StreamingRunResult result = RunStreamingExperiment(scenario, recorder);
  summary["streaming"] = StreamingSummaryJson(result);
  WriteStreamingViewersCsv(options.out_dir + "/viewers.csv", result);
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - started;
  std::cerr << fmt::format(" done in {:.1f} s\n", wall.count());
  return FormatStreamingTable(result);
}

int Run(const RunOptions& options) {
  Scenario scenario = options.file.empty() ? LoadScenarioText(DefaultScenarioYaml(), kDefaultScenarioName)
                                           : LoadScenarioFile(options.file);
  if (options.seed) scenario.seed = *options.seed;
  if (options.fidelity) scenario.fidelity = *options.fidelity;
  std::filesystem::create_directories(options.out_dir);

  // One summary.json: the run, then "routing", "federation" and/or "streaming", whichever the
  // scenario has.
  const RunInfo info{scenario.name, scenario.source, scenario.seed, scenario.duration_s, FidelityName(scenario.fidelity)};
  nlohmann::ordered_json summary = RunInfoJson(info);
  std::string tables;
  std::string files = "summary.json";
  if (scenario.HasRouting()) {
    tables += RunRouting(scenario, options, info, summary);
    files += ", regret.csv, downloads.csv, probes.csv, rum.csv, mapping_changes.csv";
  }
  if (scenario.federation.present) {
    if (!tables.empty()) tables += "\n";
    tables += RunFederation(scenario, options, summary);
    files += ", commands.csv";
  }
  if (scenario.streaming.present) {
    if (!tables.empty()) tables += "\n";
    tables += RunStreaming(scenario, options, summary);
    files += ", viewers.csv";
  }

  WriteJsonFile(options.out_dir + "/summary.json", summary);
  CopyScenarioText(options, options.out_dir);
  // Packet runs print exactly what they always did; flow runs say so.
  const std::string fidelity_note = scenario.fidelity == Fidelity::kFlow ? ", fidelity flow" : "";
  std::cout << fmt::format("scenario '{}' ({}), seed {}, {} s{}\n", scenario.name, scenario.source, scenario.seed,
                           scenario.duration_s, fidelity_note)
            << tables << fmt::format("results: {}/{}\n", options.out_dir, files);
  return 0;
}

}  // namespace

void AddRunCommand(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  auto seed = std::make_shared<std::uint64_t>(0);
  CLI::App* cmd =
      app.add_subcommand("run", "Run a scenario's routing policies, federation and/or live streaming in ns-3 and write "
                              "results");
  cmd->add_option("file", options->file, "Scenario YAML file (default: the built-in default scenario)")
      ->check(CLI::ExistingFile);
  CLI::Option* seed_opt =
      cmd->add_option("--seed", *seed, "Override the scenario's seed (non-negative integer)")->check(CLI::NonNegativeNumber);
  auto fidelity = std::make_shared<std::string>();
  CLI::Option* fidelity_opt =
      cmd->add_option("--fidelity", *fidelity, "Override the scenario's fidelity: packet (ns-3 packets) or flow "
                                               "(delays computed from the topology)")
          ->check(CLI::IsMember({"packet", "flow"}));
  cmd->add_option("--out", options->out_dir, "Output directory (created if missing)")->capture_default_str();
  cmd->add_option("--progress", options->progress,
                  "Progress bar of simulated time per routing policy: auto (when stderr is a terminal), on, off")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "on", "off"}));
  cmd->callback([options, seed, seed_opt, fidelity, fidelity_opt] {
    if (seed_opt->count() > 0) options->seed = *seed;
    if (fidelity_opt->count() > 0) options->fidelity = ParseFidelity(*fidelity);
    ExitOnScenarioError([&] { Run(*options); });
  });
}

}  // namespace cdnlab::cli
