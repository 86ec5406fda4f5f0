#pragma once
#include <string>

#include "analysis/streaming_results.h"

namespace cdnlab {

// The human-readable report `cdnlab run` prints for a streaming run: viewers (startup delay,
// stall ratio, failed starts), each stream's availability at the edges, every cache node's
// requests and upstream fetches per segment, offload per tier, the scale-out (configuration
// changes, sessions per ingest) and each ingest failure (detection, publisher reconnect,
// viewer recovery and its bound).
std::string FormatStreamingTable(const StreamingRunResult& run);

}  // namespace cdnlab
