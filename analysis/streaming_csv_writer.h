#pragma once
#include <string>

#include "analysis/streaming_results.h"

namespace cdnlab {

// viewers.csv next to summary.json, one row per viewer:
// viewer,group,edge,stream,join_s,startup_ms,failed_start,stalls,stall_ms,played_s,
// segments_fetched,fetch_failures,affected,stalls_after_failure,stall_ms_after_failure,
// resumed_after_s,ended_s,skips,skipped_ms,latency_p50_ms,latency_p95_ms. startup_ms, resumed_after_s and ended_s are empty when there is
// none, the two after-failure columns for a viewer no failure hit; booleans are 0/1.
// Throws std::runtime_error on I/O failure.
void WriteStreamingViewersCsv(const std::string& path, const StreamingRunResult& run);

}  // namespace cdnlab
