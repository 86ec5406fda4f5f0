#pragma once
// What one federation run produced, as plain data: per command (as seen at the platform it was
// issued on, with its whole chain of downstream status resources) and totals. The ns-3 runtime
// fills it (sim/federation/experiment.h); the summary, CSV and table writers read it.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cdnlab {

// One RFC 8007 Error Description of a command's status resource.
struct FederationErrorResult {
  std::string error;                 // "eperm", "ecdn", ... (the RFC's spelling)
  std::vector<std::string> servers;  // the servers it applies to (may be empty)
  std::string description;
};

// A statistics command (cdnlab's extension trigger): totals over what every server reported.
struct FederationStatisticsResult {
  std::size_t servers = 0;   // distinct servers that reported numbers
  std::uint64_t objects = 0; // selected objects, summed over servers and configurations
  std::uint64_t stale = 0;   // of which stale
};

struct FederationCommandResult {
  std::string id;         // the scenario's command id
  std::string type;       // preposition | invalidate | purge | statistics | cancel
  std::string platform;   // where it was issued
  std::string by;         // the issuing participant
  double issued_at_s = 0;
  // A trigger: its status id at `platform` and its RFC status at the end of the run.
  // A cancel: the status id of the command it cancels ("" when that one was never issued),
  // and "accepted" or "refused" (what CommandInvocationSystem::Cancel answered).
  std::string status_id;
  std::string status;
  std::string cancels;    // a cancel: the scenario id of the command it cancels
  bool final = false;
  std::vector<FederationErrorResult> errors;
  std::vector<std::string> targeted_servers;      // sorted: CommandRecord::TargetedServers()
  std::vector<std::string> acknowledged_servers;  // sorted: CommandRecord::AcknowledgedServers()
  // Servers whose agent applied any status id of the chain though they carry none of the
  // command's admitted configurations (the truth: FederationCatalog::ServersReachedFrom).
  std::vector<std::string> wrongly_targeted_servers;
  std::vector<std::string> applied_servers;       // sorted: every server that applied it
  std::vector<std::string> chain_status_ids;      // origin first, then downstream records
  std::vector<std::string> configurations;        // admitted at the origin (sorted)
  std::optional<double> completion_ms;            // etime - ctime at the origin (final commands)
  std::optional<double> bound_ms;                 // completion_bound.h over `configurations`
  std::optional<FederationStatisticsResult> statistics;  // set for a statistics command only
};

// A fault as it was applied to the simulated network.
struct FederationFaultRecord {
  double at_s = 0;
  std::string type;    // server_down | gateway_unreachable | message_loss
  std::string node;    // the federation node it hits (server id or "<platform>-gw")
  std::string event;   // "start" / "end" (down faults), "armed" (message_loss)
  int count = 0;       // message_loss: datagrams to drop
};

struct FederationRunResult {
  std::vector<FederationCommandResult> commands;  // in the scenario's (time) order
  // Counters by label (metric names in models/federation/metric_names.h).
  std::map<std::string, double> messages_sent_by_kind;
  std::map<std::string, double> messages_received_by_kind;
  std::map<std::string, double> messages_rejected_by_reason;
  std::map<std::string, double> retries_by_kind;
  double send_failures = 0;
  double server_applies = 0;
  double duplicate_applies = 0;
  std::uint64_t datagrams_lost_to_faults = 0;     // message_loss drops actually made
  std::vector<FederationFaultRecord> faults;      // in time order
  std::uint64_t simulator_events = 0;             // events the simulator executed (benchmarks)
};

}  // namespace cdnlab
