#pragma once
#include <cstddef>

#include <nlohmann/json.hpp>

#include "analysis/federation_results.h"
#include "analysis/routing_summary.h"

namespace cdnlab {

// The run-level numbers of a federation run.
struct FederationAggregate {
  std::size_t commands = 0;        // triggers (cancels not counted)
  std::size_t completed = 0;       // status complete
  std::size_t processed = 0;       // status processed (ran to the end, with errors)
  // Over the commands that completed or processed.
  Quantiles completion_ms;
  Quantiles bound_ms;
  double messages_sent = 0;
  double messages_received = 0;
  double messages_rejected = 0;
  double retries = 0;
  double send_failures = 0;
  std::size_t wrongly_targeted_total = 0;
  // Every trigger that was not cancelled ended with targeted == acknowledged (a command
  // still running at the end, or with a server given up, makes it false).
  bool all_targeted_acknowledged = true;
};

FederationAggregate SummarizeFederation(const FederationRunResult& run);

// The "federation" object of summary.json: commands[] (id, type, platform, status_id, status,
// targeted/acknowledged/wrongly_targeted servers as {count, ids}, applied_servers,
// completion_ms, bound_ms, errors[{error, servers}], and for a statistics command
// statistics{servers, objects, stale}; a cancel: id, type, platform, cancels,
// status_id, status), then completion_ms and bound_ms quantiles, message and retry counts
// (totals and by kind), wrongly_targeted_total, all_targeted_acknowledged and faults[].
// Same number formats as the routing part, so equal runs give byte-identical files.
nlohmann::ordered_json FederationSummaryJson(const FederationRunResult& run);

}  // namespace cdnlab
