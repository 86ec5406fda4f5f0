#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab sweep SWEEP.yaml [--jobs N] [--out DIR]`: every grid point x seed of the sweep file
// as its own `cdnlab run` child process, N at a time; aggregated into DIR/sweep.csv and
// DIR/sweep.json (mean and 95% confidence interval per metric and point).
void AddSweepCommand(CLI::App& app);

}  // namespace cdnlab::cli
