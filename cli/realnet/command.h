#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab realnet <job>`: the real-socket runtime: `dns` (static mapping), `controller`,
// `probe-agent` and `responder` (measured routing from a scenario's realnet section; `pop-key`
// makes a PoP's key for its signed reports), and the
// federation's `federation-gateway`, `federation-agent` and `federation-token`.
void AddRealnetCommand(CLI::App& app);

}  // namespace cdnlab::cli
