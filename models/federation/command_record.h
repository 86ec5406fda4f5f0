#pragma once
// Everything a gateway knows about one accepted command: its status resource, who asked,
// the servers it targets on this platform with their acknowledgements, and the downstream
// platforms it was forwarded to. This is what the journal stores, so a restarted gateway
// resumes exactly where it stopped.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/core/sim_time.h"
#include "models/federation/message.h"
#include "models/federation/trigger_status_resource.h"

namespace cdnlab {

struct ServerTarget {
  std::string server;
  int tier_depth = 0;          // dispatched in rounds: depth 0 (top parents) first
  bool dispatched = false;
  bool acknowledged = false;
  bool gave_up = false;        // no answer after the retry budget: reported as ecdn
  int attempts = 0;
  std::optional<TriggerErrorCode> error;  // the agent's answer, if it reported one
  std::vector<std::string> failed_urls;
  std::uint64_t objects_affected = 0;
  std::vector<ServerStatistics> statistics;  // a statistics trigger: the agent's numbers
  SimTime acknowledged_at{0};
};

struct DownstreamTarget {
  std::string platform;
  std::string request_id;      // the key this gateway submitted under: "<its status id>><platform>"
  bool submitted = false;
  bool heard = false;          // any TriggerProgress received
  bool cancel_sent = false;
  int attempts = 0;
  SimTime last_heard{0};
  TriggerStatus status = TriggerStatus::kPending;
  std::vector<TriggerError> errors;
  std::vector<std::string> targeted_servers;
  std::vector<std::string> acknowledged_servers;
  std::vector<ServerStatistics> statistics;  // its servers' and its downstreams' numbers
};

struct CommandRecord {
  std::string id;              // the status id at this gateway ("cdn-b/4")
  std::string principal;       // the authenticated participant that issued it
  std::string request_id;      // the issuer's idempotency key
  std::string upstream_node;   // gateway node to report progress to ("" = issued locally)
  std::vector<std::string> configurations;  // the configurations it applies to here
  std::vector<TriggerError> admission_errors;  // entries refused at admission (eperm, emeta...)
  std::vector<ServerTarget> servers;
  std::vector<DownstreamTarget> downstreams;
  bool progress_acknowledged = false;  // the upstream acked our final TriggerProgress
  TriggerStatusResource status;

  explicit CommandRecord(TriggerStatusResource s) : status(std::move(s)) {}

  // This platform's targets plus what every downstream reported as targeted.
  std::set<std::string> TargetedServers() const;
  std::set<std::string> AcknowledgedServers() const;
  // A statistics trigger: every server's numbers, this platform's and its downstreams',
  // one entry per (server, configuration), sorted by server then configuration.
  std::vector<ServerStatistics> Statistics() const;
};

}  // namespace cdnlab
