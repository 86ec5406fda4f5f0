#include "cli/sweep/plan.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace cdnlab::cli {

SweepPlan LoadSweepPlan(const std::string& sweep_file, const std::string& out_dir) {
  SweepPlan plan;
  plan.spec = LoadSweepFile(sweep_file);
  plan.points = ExpandSweepPoints(plan.spec);
  plan.runs = ExpandSweepRuns(plan.spec, plan.points);
  plan.out = std::filesystem::absolute(out_dir);
  return plan;
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "?";
  return name;
}

std::string ReadTextFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read '{}'", path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes through a temporary file and rename(), so a reader (a `cdnlab run` child of another
// rank or array task on a shared filesystem) sees the old or the new file, never half of one.
// Leaves a file that already has this content alone.
void WriteTextFile(const std::filesystem::path& path, const std::string& text) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec) && std::filesystem::file_size(path, ec) == text.size() && !ec) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream current;
    current << in.rdbuf();
    if (in && current.str() == text) return;
  }
  const std::filesystem::path tmp = path.string() + fmt::format(".tmp-{}-{}", HostName(), getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw std::runtime_error(fmt::format("cannot write '{}'", tmp.string()));
  }
  std::filesystem::rename(tmp, path);
}

std::filesystem::path ScenarioFile(const SweepPlan& plan, std::size_t point) {
  return plan.out / "scenarios" / fmt::format("p{:03}.yaml", point + 1);
}

std::filesystem::path RunDir(const SweepPlan& plan, std::size_t run) { return plan.out / "runs" / plan.runs[run].id; }

// One scenario file per grid point (only `points`); `cdnlab run` copies it into each run's directory.
void WriteScenarioFiles(const SweepPlan& plan, const std::string& sweep_file, const std::set<std::size_t>& points) {
  std::filesystem::create_directories(plan.out / "scenarios");
  std::filesystem::create_directories(plan.out / "runs");
  for (const std::size_t p : points) {
    const auto& point = plan.points[p];
    WriteTextFile(ScenarioFile(plan, p),
                  fmt::format("# cdnlab sweep {}: {} with {}\n", sweep_file, plan.spec.scenario_path, point.label) +
                      SweepScenarioText(plan.spec, point));
  }
}

}  // namespace cdnlab::cli
