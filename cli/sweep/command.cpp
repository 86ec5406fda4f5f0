#include "cli/sweep/command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "analysis/progress_bar.h"
#include "analysis/summary_comparison.h"
#include "analysis/sweep_aggregate.h"
#include "scenarios/core/scenario_error.h"
#include "scenarios/loader/sweep_spec.h"
#include "cli/sweep/child_runs.h"
#include "cli/sweep/mpi_runner.h"
#include "cli/sweep/plan.h"
#include "cli/sweep/slurm.h"
#include "cli/user_errors.h"

namespace cdnlab::cli {
namespace {

constexpr int kExitRunFailed = 1;
constexpr int kExitBadInput = 2;

struct SweepOptions {
  std::string file;
  unsigned jobs = 0;  // 0: hardware concurrency (per machine)
  std::string out_dir = "cdnlab-sweep";
  std::optional<std::string> task_id;  // --task-id K
  bool slurm = false;                  // task id from SLURM_ARRAY_TASK_ID
  bool gather = false;
  std::string slurm_script;
  std::vector<std::string> sbatch_options;
  std::string progress = "auto";  // auto | on | off: the bar over runs (local sweeps)
};

// Bad command-line values (task ids): reported like scenario errors, exit 2.
struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Writes DIR/sweep.csv and DIR/sweep.json and prints the table and every failed run.
// Returns the exit code: 1 when any run failed.
int Report(const SweepPlan& plan, const SweepOptions& options, const std::vector<SweepRunOutcome>& outcomes) {
  std::vector<std::string> parameter_names;
  for (const auto& p : plan.spec.grid) parameter_names.push_back(p.path);
  std::vector<SweepPointInfo> infos;
  for (const auto& p : plan.points) infos.push_back(SweepPointInfo{p.label, p.parameters});
  const SweepAggregate aggregate = AggregateSweep(parameter_names, infos, outcomes, plan.spec.metrics);
  WriteTextFile(plan.out / "sweep.csv", SweepCsv(aggregate));
  WriteTextFile(plan.out / "sweep.json", SweepJson(aggregate).dump(2) + "\n");

  std::size_t failed = 0;
  for (const auto& o : outcomes) failed += o.failure.empty() ? 0 : 1;
  const std::string out = plan.out.string();
  std::cout << fmt::format("sweep {} ({}), {} runs\n", options.file, plan.spec.scenario_path, plan.runs.size())
            << FormatSweepTable(aggregate);
  if (failed > 0) {
    std::cout << fmt::format("\n{} of {} runs failed:\n", failed, plan.runs.size());
    for (const auto& o : outcomes) {
      if (!o.failure.empty()) std::cout << fmt::format("  {}: {}\n", o.id, o.failure);
    }
    std::cerr << fmt::format("cdnlab sweep: {} of {} runs failed:", failed, plan.runs.size());
    for (const auto& o : outcomes) {
      if (!o.failure.empty()) std::cerr << ' ' << o.id;
    }
    std::cerr << '\n';
  }
  std::cout << fmt::format("results: {}/sweep.csv, {}/sweep.json, {}/runs/\n", out, out, out);
  return failed > 0 ? kExitRunFailed : 0;
}

unsigned DefaultJobs(unsigned ranks_on_this_machine) {
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  return std::max(1u, threads / std::max(1u, ranks_on_this_machine));
}

// Every run here, `jobs` at a time.
int SweepLocal(const SweepOptions& options) {
  const SweepPlan plan = LoadSweepPlan(options.file, options.out_dir);
  const unsigned jobs = options.jobs > 0 ? options.jobs : DefaultJobs(1);
  std::set<std::size_t> all_points;
  for (const auto& p : plan.points) all_points.insert(p.index);
  WriteScenarioFiles(plan, options.file, all_points);
  std::cerr << fmt::format("cdnlab sweep: {} grid point(s) x {} seed(s) = {} runs, {} at a time, into {}\n",
                           plan.points.size(), plan.spec.seeds.size(), plan.runs.size(), jobs, plan.out.string());
  std::vector<std::size_t> indices;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) indices.push_back(i);
  std::vector<SweepRunOutcome> outcomes(plan.runs.size());
  ProgressBar bar = ProgressBar::ForStderr({"sweep", static_cast<double>(indices.size()), "runs", 0},
                                           ProgressBar::ModeNamed(options.progress));
  RunChildren(plan, indices, jobs, outcomes, "", &bar);
  bar.Finish();
  return Report(plan, options, outcomes);
}

// The regular files of a run directory, by name.
std::vector<SweepRunFile> RunFiles(const std::filesystem::path& dir) {
  std::vector<SweepRunFile> files;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    files.push_back(SweepRunFile{entry.path().filename().string(), ReadTextFile(entry.path())});
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return files;
}

// Rank 0: a run another rank did, into DIR/runs/<id>/ exactly as a local run leaves it.
SweepRunOutcome StoreRemoteRun(const SweepPlan& plan, const SweepRunMessage& message) {
  const auto dir = RunDir(plan, message.index);
  std::filesystem::create_directories(dir);
  std::set<std::string> names;
  std::optional<std::string> summary;
  for (const auto& f : message.files) {
    if (f.name.empty() || f.name.find('/') != std::string::npos || f.name == "." || f.name == "..") {
      throw std::runtime_error(fmt::format("bad file name '{}' in the result of {}", f.name, plan.runs[message.index].id));
    }
    WriteTextFile(dir / f.name, f.content);
    names.insert(f.name);
    if (f.name == "summary.json") summary = f.content;
  }
  // Leftovers of an earlier sweep in this directory (not on a shared filesystem, where the
  // other rank already wrote exactly these files).
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && names.count(entry.path().filename().string()) == 0) {
      std::filesystem::remove(entry.path());
    }
  }
  SweepRunOutcome outcome = BlankOutcome(plan, message.index);
  outcome.failure = message.failure;
  if (outcome.failure.empty()) {
    if (summary) {
      outcome.summary = ParseRunSummary(*summary, dir / "summary.json", outcome.failure);
    } else {
      outcome.failure = fmt::format("no {}", (dir / "summary.json").string());
    }
  }
  return outcome;
}

// Under mpirun: run i on rank i % size, results gathered to rank 0, which writes everything.
int SweepMpi(const SweepOptions& options) {
  MpiSweepSession mpi;
  const int rank = mpi.rank();
  const int size = mpi.size();

  // Loading: every rank reads the sweep file itself. A problem on any rank ends every rank
  // cleanly; rank 0 reports it (or, when rank 0 was fine, the ranks that failed do).
  std::optional<SweepPlan> plan;
  std::string error;
  int code = 0;
  try {
    plan = LoadSweepPlan(options.file, options.out_dir);
  } catch (const ScenarioError& e) {
    error = e.what();
    code = kExitBadInput;
  } catch (const std::exception& e) {
    error = fmt::format("cdnlab: error: {}", e.what());
    code = kExitRunFailed;
  }
  const int worst = mpi.MaxOverRanks(code);
  const int rank0_code = mpi.FromRankZero(code);
  if (worst != 0) {
    if (code != 0 && (rank == 0 || rank0_code == 0)) {
      std::cerr << (rank == 0 ? "" : fmt::format("[rank {}] ", rank)) << error << '\n';
    }
    return worst;
  }

  std::vector<SweepRunOutcome> outcomes(plan->runs.size());
  try {
    std::vector<std::size_t> mine;
    std::set<std::size_t> points;
    for (std::size_t i = 0; i < plan->runs.size(); ++i) {
      if (static_cast<int>(i % static_cast<std::size_t>(size)) != rank) continue;
      mine.push_back(i);
      points.insert(plan->runs[i].point);
    }
    if (rank == 0) {
      for (const auto& p : plan->points) points.insert(p.index);  // DIR/scenarios complete, as locally
    }
    const unsigned jobs = options.jobs > 0 ? options.jobs : DefaultJobs(static_cast<unsigned>(mpi.local_size()));
    WriteScenarioFiles(*plan, options.file, points);
    if (rank == 0) {
      std::cerr << fmt::format(
          "cdnlab sweep: {} grid point(s) x {} seed(s) = {} runs over {} MPI rank(s) (run i on rank i % {}), "
          "{} at a time per rank, into {}\n",
          plan->points.size(), plan->spec.seeds.size(), plan->runs.size(), size, size, jobs, plan->out.string());
    }
    RunChildren(*plan, mine, jobs, outcomes, size > 1 ? fmt::format("[rank {}] ", rank) : "");

    if (rank != 0) {
      const std::string where = fmt::format("rank {} on {}", rank, HostName());
      for (const std::size_t i : mine) {
        SweepRunMessage message;
        message.index = i;
        if (!outcomes[i].failure.empty()) message.failure = fmt::format("{} ({})", outcomes[i].failure, where);
        message.files = RunFiles(RunDir(*plan, i));
        mpi.SendToRankZero(message);
      }
    } else {
      for (std::size_t i = 0; i < plan->runs.size(); ++i) {
        const int source = static_cast<int>(i % static_cast<std::size_t>(size));
        if (source == 0) continue;
        const SweepRunMessage message = mpi.ReceiveFrom(source);
        if (message.index != i) {
          throw std::runtime_error(
              fmt::format("rank {} sent the result of run {} where run {} was expected", source, message.index, i));
        }
        outcomes[i] = StoreRemoteRun(*plan, message);
      }
      code = Report(*plan, options, outcomes);
    }
  } catch (const std::exception& e) {
    std::cerr << fmt::format("cdnlab sweep: rank {}: error: {}; ending all ranks\n", rank, e.what());
    std::cerr.flush();
    mpi.Abort(kExitRunFailed);
  }
  return mpi.FromRankZero(code);
}

// Slurm array task (or --task-id K): only run K, into DIR/runs/<id>/.
int SweepTask(const SweepOptions& options) {
  const SweepPlan plan = LoadSweepPlan(options.file, options.out_dir);
  std::size_t index = 0;
  try {
    index = ResolveSweepTaskId(options.task_id, std::getenv("SLURM_ARRAY_TASK_ID"), plan.runs.size());
  } catch (const std::invalid_argument& e) {
    throw BadInput(fmt::format("cdnlab sweep: {}", e.what()));
  }
  const auto& run = plan.runs[index];
  WriteScenarioFiles(plan, options.file, {run.point});
  std::vector<SweepRunOutcome> outcomes(plan.runs.size());
  RunChildren(plan, {index}, 1, outcomes, fmt::format("task {}: ", index));
  if (!outcomes[index].failure.empty()) {
    std::cerr << fmt::format("cdnlab sweep: task {} (run {}) failed: {}\n", index, run.id, outcomes[index].failure);
    return kExitRunFailed;
  }
  std::cout << fmt::format("task {}: {} done, {}\n", index, run.id, (RunDir(plan, index) / "summary.json").string());
  return 0;
}

// --gather: aggregates whatever DIR/runs holds; runs without a summary.json are named.
int SweepGather(const SweepOptions& options) {
  const SweepPlan plan = LoadSweepPlan(options.file, options.out_dir);
  std::vector<SweepRunOutcome> outcomes;
  std::vector<std::size_t> missing;
  for (std::size_t i = 0; i < plan.runs.size(); ++i) {
    SweepRunOutcome outcome = BlankOutcome(plan, i);
    const auto dir = RunDir(plan, i);
    std::error_code ec;
    if (!std::filesystem::exists(dir / "summary.json", ec)) {
      outcome.failure = std::filesystem::exists(dir / "run.log", ec)
                            ? fmt::format("missing (task {} failed or is still running), see {}", i,
                                          (dir / "run.log").string())
                            : fmt::format("missing (task {} has not run)", i);
      missing.push_back(i);
    } else {
      outcome.summary = ReadRunSummary(dir, outcome.failure);
      // A summary left by another sweep with the same run ids would silently mix results.
      const auto seed = std::find_if(outcome.summary.begin(), outcome.summary.end(),
                                     [](const auto& kv) { return kv.first == "scenario.seed"; });
      if (outcome.failure.empty() && seed != outcome.summary.end() && seed->second.is_number_unsigned() &&
          seed->second.template get<std::uint64_t>() != outcome.seed) {
        outcome.failure = fmt::format("{} has seed {}, not {} (from another sweep?)",
                                      (dir / "summary.json").string(), seed->second.dump(), outcome.seed);
      }
      if (!outcome.failure.empty()) missing.push_back(i);
    }
    outcomes.push_back(std::move(outcome));
  }
  const int code = Report(plan, options, outcomes);
  if (!missing.empty()) {
    std::string list;
    for (const std::size_t i : missing) list += fmt::format("{}{} ({})", list.empty() ? "" : ", ", i, plan.runs[i].id);
    std::cerr << fmt::format(
        "cdnlab sweep --gather: {} of {} run(s) missing or unusable, task id(s): {}; rerun each with --task-id K "
        "(or sbatch --array=K), then --gather again\n",
        missing.size(), plan.runs.size(), list);
    return kExitRunFailed;
  }
  return code;
}

// --slurm-script FILE: an sbatch array script for this sweep.
int WriteSlurmScript(const SweepOptions& options) {
  const SweepPlan plan = LoadSweepPlan(options.file, options.out_dir);
  if (plan.runs.empty()) throw BadInput("cdnlab sweep: the sweep has no runs");
  SlurmScriptInput input;
  input.cdnlab = std::filesystem::read_symlink("/proc/self/exe").string();
  input.sweep_file = std::filesystem::absolute(options.file).lexically_normal().string();
  input.out_dir = plan.out.lexically_normal().string();
  input.script = std::filesystem::absolute(options.slurm_script).lexically_normal().string();
  input.runs = plan.runs.size();
  input.points = plan.points.size();
  input.seeds = plan.spec.seeds.size();
  input.sbatch_options = options.sbatch_options;
  // Slurm does not create the directory of --output.
  std::filesystem::create_directories(plan.out / "slurm");
  WriteTextFile(input.script, SlurmArrayScript(input));
  std::filesystem::permissions(input.script, std::filesystem::perms::owner_exec | std::filesystem::perms::group_exec,
                               std::filesystem::perm_options::add);
  std::cout << fmt::format(
      "wrote {}: a Slurm array of {} task(s), one per run.\n"
      "submit it and the gather job (runs after the array): bash {}\n"
      "or only the array: sbatch {}, and afterwards: {} sweep {} --out {} --gather\n",
      input.script, input.runs, ShellQuote(input.script), ShellQuote(input.script), ShellQuote(input.cdnlab),
      ShellQuote(input.sweep_file), ShellQuote(input.out_dir));
  return 0;
}

int Sweep(const SweepOptions& options) {
  if (!options.slurm_script.empty()) return WriteSlurmScript(options);
  if (options.gather) return SweepGather(options);
  if (options.task_id || options.slurm) return SweepTask(options);
  if (LaunchedUnderMpi()) return SweepMpi(options);
  return SweepLocal(options);
}

}  // namespace

void AddSweepCommand(CLI::App& app) {
  auto options = std::make_shared<SweepOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "Run a scenario over a grid of parameter values x seeds in parallel; mean and 95% CI per metric. "
      "Under mpirun (detected from OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK) run i goes to rank i % size "
      "and rank 0 gathers every result over MPI and writes DIR; as a Slurm array use --slurm-script, "
      "--slurm/--task-id and --gather");
  cmd->add_option("file", options->file, "Sweep YAML file (scenario, seeds, grid, metrics)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-j,--jobs", options->jobs,
                  "Runs at a time (per MPI rank; default: the hardware threads, shared by the ranks on a machine)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--out", options->out_dir, "Output directory (created if missing)")->capture_default_str();
  auto* task = cmd->add_option("--task-id", options->task_id,
                               "Run only run K (0-based, in expansion order) into DIR/runs/, e.g. one Slurm array task");
  auto* slurm = cmd->add_flag("--slurm", options->slurm, "Run only the run given by SLURM_ARRAY_TASK_ID (task mode)");
  auto* gather = cmd->add_flag("--gather", options->gather,
                               "Aggregate the runs already in DIR/runs into sweep.csv/json; fails naming missing runs");
  auto* script = cmd->add_option("--slurm-script", options->slurm_script,
                                 "Write an sbatch script for this sweep (#SBATCH --array=0-(runs-1)) and exit");
  auto* sbatch = cmd->add_option("--sbatch", options->sbatch_options,
                                 "Extra '#SBATCH' option for --slurm-script, e.g. --sbatch=--partition=short (repeatable)")
                     ->needs(script);
  (void)sbatch;
  cmd->add_option("--progress", options->progress, "Progress bar over runs: auto (when stderr is a terminal), on, off")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "on", "off"}));
  task->excludes(slurm)->excludes(gather)->excludes(script);
  slurm->excludes(gather)->excludes(script);
  gather->excludes(script);
  cmd->callback([options] {
    int code = 0;
    try {
      ExitOnScenarioError([&] { code = Sweep(*options); }, kExitBadInput);
    } catch (const BadInput& e) {
      std::cerr << e.what() << '\n';
      throw CLI::RuntimeError(kExitBadInput);
    }
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace cdnlab::cli
