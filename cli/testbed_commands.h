#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab testbed FILE`: the scenario with real processes in network namespaces over an
// ns-3 real-time emulation of its links. `cdnlab compare-runtimes FILE`: the same scenario
// in pure simulation and in the testbed, and whether the two agree.
void AddTestbedCommands(CLI::App& app);

}  // namespace cdnlab::cli
