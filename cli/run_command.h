#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab run [FILE] [--seed N] [--out DIR]`: runs every policy of the scenario (the built-in
// default scenario without FILE) in ns-3 and writes summary.json and CSV series to DIR.
void AddRunCommand(CLI::App& app);

}  // namespace cdnlab::cli
