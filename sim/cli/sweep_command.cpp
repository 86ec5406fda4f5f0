#include "sim/cli/sweep_command.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "analysis/summary_comparison.h"
#include "analysis/sweep_aggregate.h"
#include "scenarios/scenario_error.h"
#include "scenarios/sweep_spec.h"

namespace cdnlab::cli {
namespace {

constexpr int kExitRunFailed = 1;
constexpr int kExitBadInput = 2;

struct SweepOptions {
  std::string file;
  unsigned jobs = 0;  // 0: hardware concurrency
  std::string out_dir = "cdnlab-sweep";
};

struct ChildRun {
  std::size_t index = 0;
  std::chrono::steady_clock::time_point started;
};

void WriteTextFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error(fmt::format("cannot write '{}'", path.string()));
}

// fork + exec of this very program as `cdnlab run`, so every run has its own ns-3 global state.
// stdout and stderr go to DIR/run.log. Returns the child's pid.
pid_t StartRun(const std::string& scenario_file, std::uint64_t seed, const std::filesystem::path& dir) {
  const std::string log_path = (dir / "run.log").string();
  const std::string seed_text = std::to_string(seed);
  const std::string dir_text = dir.string();
  std::vector<std::string> args = {"cdnlab", "run", scenario_file, "--seed", seed_text, "--out", dir_text};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  std::cerr.flush();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork failed: {}", std::strerror(errno)));
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const int null_in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
    }
    if (null_in >= 0) dup2(null_in, STDIN_FILENO);
    execv("/proc/self/exe", argv.data());
    const char message[] = "cdnlab sweep: exec of /proc/self/exe failed\n";
    [[maybe_unused]] const ssize_t ignored = write(STDERR_FILENO, message, sizeof(message) - 1);
    _exit(127);
  }
  return pid;
}

std::string DescribeStatus(int status) {
  if (WIFEXITED(status)) return fmt::format("exit status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return fmt::format("killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  return "ended abnormally";
}

// The run's summary.json, flattened; sets `failure` when it cannot be read.
FlatSummary ReadRunSummary(const std::filesystem::path& dir, std::string& failure) {
  const std::filesystem::path path = dir / "summary.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    failure = fmt::format("no {}", path.string());
    return {};
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return FlattenSummary(nlohmann::ordered_json::parse(text.str()));
  } catch (const nlohmann::ordered_json::parse_error& e) {
    failure = fmt::format("{} is not valid JSON: {}", path.string(), e.what());
    return {};
  }
}

int Sweep(const SweepOptions& options) {
  const SweepSpec spec = LoadSweepFile(options.file);
  const std::vector<SweepPoint> points = ExpandSweepPoints(spec);
  const std::vector<SweepRun> runs = ExpandSweepRuns(spec, points);
  const unsigned jobs = options.jobs > 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());

  const std::filesystem::path out = std::filesystem::absolute(options.out_dir);
  std::filesystem::create_directories(out / "scenarios");
  std::filesystem::create_directories(out / "runs");
  // One scenario file per grid point; `cdnlab run` copies it into each run's directory.
  std::vector<std::string> scenario_files;
  for (const auto& point : points) {
    const auto path = out / "scenarios" / fmt::format("p{:03}.yaml", point.index + 1);
    WriteTextFile(path, fmt::format("# cdnlab sweep {}: {} with {}\n", options.file, spec.scenario_path, point.label) +
                            SweepScenarioText(spec, point));
    scenario_files.push_back(path.string());
  }
  std::cerr << fmt::format("cdnlab sweep: {} grid point(s) x {} seed(s) = {} runs, {} at a time, into {}\n",
                           points.size(), spec.seeds.size(), runs.size(), jobs, out.string());

  std::vector<SweepRunOutcome> outcomes(runs.size());
  std::map<pid_t, ChildRun> active;
  std::size_t next = 0;
  std::size_t finished = 0;
  while (next < runs.size() || !active.empty()) {
    while (next < runs.size() && active.size() < jobs) {
      const auto& run = runs[next];
      const auto dir = out / "runs" / run.id;
      std::filesystem::remove_all(dir);  // nothing stale from an earlier sweep
      std::filesystem::create_directories(dir);
      const pid_t pid = StartRun(scenario_files[run.point], run.seed, dir);
      active[pid] = ChildRun{next, std::chrono::steady_clock::now()};
      ++next;
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(fmt::format("waitpid failed: {}", std::strerror(errno)));
    }
    const auto it = active.find(pid);
    if (it == active.end()) continue;  // not one of ours
    const ChildRun child = it->second;
    active.erase(it);
    const auto& run = runs[child.index];
    const auto dir = out / "runs" / run.id;
    SweepRunOutcome& outcome = outcomes[child.index];
    outcome.id = run.id;
    outcome.point = run.point;
    outcome.seed = run.seed;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      outcome.failure = DescribeStatus(status);
    } else {
      outcome.summary = ReadRunSummary(dir, outcome.failure);
    }
    ++finished;
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - child.started;
    if (outcome.failure.empty()) {
      std::cerr << fmt::format("[{}/{}] {} done in {:.1f} s\n", finished, runs.size(), run.id, wall.count());
    } else {
      std::cerr << fmt::format("[{}/{}] {} FAILED ({}), see {}\n", finished, runs.size(), run.id, outcome.failure,
                               (dir / "run.log").string());
    }
  }

  std::vector<std::string> parameter_names;
  for (const auto& p : spec.grid) parameter_names.push_back(p.path);
  std::vector<SweepPointInfo> infos;
  for (const auto& p : points) infos.push_back(SweepPointInfo{p.label, p.parameters});
  const SweepAggregate aggregate = AggregateSweep(parameter_names, infos, outcomes, spec.metrics);
  WriteTextFile(out / "sweep.csv", SweepCsv(aggregate));
  WriteTextFile(out / "sweep.json", SweepJson(aggregate).dump(2) + "\n");

  std::size_t failed = 0;
  for (const auto& o : outcomes) failed += o.failure.empty() ? 0 : 1;
  std::cout << fmt::format("sweep {} ({}), {} runs\n", options.file, spec.scenario_path, runs.size())
            << FormatSweepTable(aggregate);
  if (failed > 0) {
    std::cout << fmt::format("\n{} of {} runs failed:\n", failed, runs.size());
    for (const auto& o : outcomes) {
      if (!o.failure.empty()) std::cout << fmt::format("  {}: {}\n", o.id, o.failure);
    }
  }
  std::cout << fmt::format("results: {}/sweep.csv, {}/sweep.json, {}/runs/\n", out.string(), out.string(),
                           out.string());
  return failed > 0 ? kExitRunFailed : 0;
}

}  // namespace

void AddSweepCommand(CLI::App& app) {
  auto options = std::make_shared<SweepOptions>();
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Run a scenario over a grid of parameter values x seeds in parallel; mean and 95% CI per metric");
  cmd->add_option("file", options->file, "Sweep YAML file (scenario, seeds, grid, metrics)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-j,--jobs", options->jobs, "Runs at a time (default: the number of hardware threads)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--out", options->out_dir, "Output directory (created if missing)")->capture_default_str();
  cmd->callback([options] {
    int code = 0;
    try {
      code = Sweep(*options);
    } catch (const ScenarioError& e) {
      std::cerr << e.what() << '\n';
      throw CLI::RuntimeError(kExitBadInput);
    }
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace cdnlab::cli
