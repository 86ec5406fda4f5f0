#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab compare-streaming FILE --out DIR`: a scenario's live streaming in ns-3 and on real
// processes on loopback (cli/streaming_loopback_run.h), the same viewers measured the same way
// in both (stalls, stall time, skipped content, recovery after the failure, startup,
// glass-to-glass latency); exit 1 when a time measure differs by more than --tolerance-s.
void AddCompareStreamingCommand(CLI::App& app);

}  // namespace cdnlab::cli
