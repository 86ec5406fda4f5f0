#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab validate FILE`: loads a scenario and reports every problem; exit 1 on error.
void AddValidateCommand(CLI::App& app);

}  // namespace cdnlab::cli
