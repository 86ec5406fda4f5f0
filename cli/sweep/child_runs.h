#pragma once
// Runs of a sweep as `cdnlab run` child processes (fork + exec of this program, so every run has
// its own ns-3 global state), a given number at a time, and their results read back.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/progress_bar.h"
#include "analysis/summary_comparison.h"
#include "analysis/sweep_aggregate.h"
#include "cli/sweep/plan.h"

namespace cdnlab::cli {

// A summary.json's text, flattened; sets `failure` when it is not valid JSON.
FlatSummary ParseRunSummary(const std::string& text, const std::filesystem::path& path, std::string& failure);
// The run's summary.json, flattened; sets `failure` when it cannot be read.
FlatSummary ReadRunSummary(const std::filesystem::path& dir, std::string& failure);
// The run's identity (id, point, seed) with no result yet.
SweepRunOutcome BlankOutcome(const SweepPlan& plan, std::size_t index);

// Runs the runs `indices` (into plan.runs) as `cdnlab run` children, `jobs` at a time, and fills
// their entries of `outcomes`. Progress lines go to stderr, prefixed with `prefix`.
// With a drawing `bar`, it shows finished runs instead of one line per finished run.
void RunChildren(const SweepPlan& plan, const std::vector<std::size_t>& indices, unsigned jobs,
                 std::vector<SweepRunOutcome>& outcomes, const std::string& prefix, ProgressBar* bar = nullptr);

}  // namespace cdnlab::cli
