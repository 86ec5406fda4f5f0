#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab realnet <job>`: the real-socket runtime: `dns` (static mapping), `controller`,
// `probe-agent` and `responder` (measured routing from a scenario's realnet section).
void AddRealnetCommand(CLI::App& app);

}  // namespace cdnlab::cli
