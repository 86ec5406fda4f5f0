#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab realnet <job>`: the real-socket runtime. Today: `dns` (cdnlab's authoritative server).
void AddRealnetCommand(CLI::App& app);

}  // namespace cdnlab::cli
