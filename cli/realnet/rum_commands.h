#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab realnet rum-collector | rum-object-server`: real-user measurement on real sockets.
// The collector serves the page with the measurement tag and takes its beacons; one object
// server per PoP server address answers the tag's test-object fetches.
void AddRumCommands(CLI::App* realnet);

}  // namespace cdnlab::cli
