#include "cli/sweep/child_runs.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cdnlab::cli {
namespace {

struct ChildRun {
  std::size_t index = 0;
  std::chrono::steady_clock::time_point started;
};

// fork + exec of this very program as `cdnlab run`, so every run has its own ns-3 global state.
// stdout and stderr go to DIR/run.log. Returns the child's pid.
// For tests of failure handling (a run that fails at run time, after the sweep file checked out):
// runs whose id is listed in CDNLAB_SWEEP_FAIL_RUNS (comma-separated) exit with status 3 at once.
bool InjectedFailure(const std::string& run_id) {
  const char* list = std::getenv("CDNLAB_SWEEP_FAIL_RUNS");
  if (list == nullptr) return false;
  std::stringstream in(list);
  std::string id;
  while (std::getline(in, id, ',')) {
    if (id == run_id) return true;
  }
  return false;
}

pid_t StartRun(const std::string& scenario_file, std::uint64_t seed, const std::filesystem::path& dir,
               bool inject_failure) {
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
    if (inject_failure) {
      const char message[] = "cdnlab sweep: failure injected by CDNLAB_SWEEP_FAIL_RUNS\n";
      [[maybe_unused]] const ssize_t ignored = write(STDERR_FILENO, message, sizeof(message) - 1);
      _exit(3);
    }
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

}  // namespace

// A summary.json's text, flattened; sets `failure` when it is not valid JSON.
FlatSummary ParseRunSummary(const std::string& text, const std::filesystem::path& path, std::string& failure) {
  try {
    return FlattenSummary(nlohmann::ordered_json::parse(text));
  } catch (const nlohmann::ordered_json::parse_error& e) {
    failure = fmt::format("{} is not valid JSON: {}", path.string(), e.what());
    return {};
  }
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
  return ParseRunSummary(text.str(), path, failure);
}

SweepRunOutcome BlankOutcome(const SweepPlan& plan, std::size_t index) {
  SweepRunOutcome outcome;
  outcome.id = plan.runs[index].id;
  outcome.point = plan.runs[index].point;
  outcome.seed = plan.runs[index].seed;
  return outcome;
}

// Runs the runs `indices` (into plan.runs) as `cdnlab run` children, `jobs` at a time, and fills
// their entries of `outcomes`. Progress lines go to stderr, prefixed with `prefix`.
// With a drawing `bar`, it shows finished runs instead of one line per finished run.
void RunChildren(const SweepPlan& plan, const std::vector<std::size_t>& indices, unsigned jobs,
                 std::vector<SweepRunOutcome>& outcomes, const std::string& prefix, ProgressBar* bar) {
  const bool drawing = bar != nullptr && bar->enabled();
  std::map<pid_t, ChildRun> active;
  std::size_t next = 0;
  std::size_t finished = 0;
  while (next < indices.size() || !active.empty()) {
    while (next < indices.size() && active.size() < jobs) {
      const std::size_t index = indices[next];
      const auto& run = plan.runs[index];
      const auto dir = RunDir(plan, index);
      std::filesystem::remove_all(dir);  // nothing stale from an earlier sweep
      std::filesystem::create_directories(dir);
      const pid_t pid = StartRun(ScenarioFile(plan, run.point).string(), run.seed, dir, InjectedFailure(run.id));
      active[pid] = ChildRun{index, std::chrono::steady_clock::now()};
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
    const auto& run = plan.runs[child.index];
    const auto dir = RunDir(plan, child.index);
    SweepRunOutcome& outcome = outcomes[child.index];
    outcome = BlankOutcome(plan, child.index);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      outcome.failure = DescribeStatus(status);
    } else {
      outcome.summary = ReadRunSummary(dir, outcome.failure);
    }
    ++finished;
    const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - child.started;
    if (outcome.failure.empty()) {
      if (!drawing) {
        std::cerr << fmt::format("{}[{}/{}] {} done in {:.1f} s\n", prefix, finished, indices.size(), run.id,
                                 wall.count());
      }
    } else {
      std::cerr << fmt::format("{}{}[{}/{}] {} FAILED ({}), see {}\n", drawing ? "\n" : "", prefix, finished,
                               indices.size(), run.id, outcome.failure, (dir / "run.log").string());
    }
    if (bar != nullptr) bar->Update(static_cast<double>(finished));
  }
}

}  // namespace cdnlab::cli
