#pragma once
// A sweep expanded into its runs, and where each run's files live under the output directory:
// DIR/scenarios/pNNN.yaml (one scenario per grid point), DIR/runs/<run id>/ (what `cdnlab run`
// writes). Shared by every way of running a sweep (local, MPI ranks, Slurm array tasks).
#include <cstddef>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "scenarios/loader/sweep_spec.h"

namespace cdnlab::cli {

struct SweepPlan {
  SweepSpec spec;
  std::vector<SweepPoint> points;
  std::vector<SweepRun> runs;
  std::filesystem::path out;  // absolute
};


SweepPlan LoadSweepPlan(const std::string& sweep_file, const std::string& out_dir);

std::string HostName();
std::string ReadTextFile(const std::filesystem::path& path);
// Writes through a temporary file and rename(), so a reader (a `cdnlab run` child of another
// rank or array task on a shared filesystem) sees the old or the new file, never half of one.
// Leaves a file that already has this content alone.
void WriteTextFile(const std::filesystem::path& path, const std::string& text);

std::filesystem::path ScenarioFile(const SweepPlan& plan, std::size_t point);
std::filesystem::path RunDir(const SweepPlan& plan, std::size_t run);
// One scenario file per grid point (only `points`); `cdnlab run` copies it into each run's directory.
void WriteScenarioFiles(const SweepPlan& plan, const std::string& sweep_file, const std::set<std::size_t>& points);

}  // namespace cdnlab::cli
