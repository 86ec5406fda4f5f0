#pragma once
// The messages gateways (command invocation systems) and server agents exchange. Every one
// travels inside a signed envelope (FederationMessenger) as one datagram, so each kind is
// small, self-contained and safe to receive twice: receivers are idempotent.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "models/federation/trigger_command.h"

namespace cdnlab {

// What one server reported for one configuration to a statistics trigger (cdnlab's
// extension): the cached objects the trigger selects there, and how many of them are stale.
struct ServerStatistics {
  std::string server;
  std::string configuration;
  std::uint64_t objects = 0;
  std::uint64_t stale = 0;

  bool operator==(const ServerStatistics& o) const {
    return server == o.server && configuration == o.configuration && objects == o.objects && stale == o.stale;
  }
};

// Upstream gateway -> downstream gateway: run this command for me. Sent again (same
// request_id) until a final TriggerProgress arrives; a repeat doubles as a status poll.
struct SubmitTrigger {
  std::string request_id;       // the upstream's idempotency key, e.g. "cdn-a/3>cdn-b"
  TriggerCommand command;       // cdn_path already ends with the sender's platform id
};

// Upstream -> downstream: cancel the command submitted under request_id.
struct CancelTrigger {
  std::string request_id;
};

// Downstream -> upstream: where the command stands. Pushed on every status change; a final
// one is sent again until acknowledged with a ProgressAck.
struct TriggerProgress {
  std::string request_id;
  TriggerStatus status = TriggerStatus::kPending;
  std::vector<TriggerError> errors;
  std::vector<std::string> targeted_servers;      // this platform's and its downstreams'
  std::vector<std::string> acknowledged_servers;  // the subset that applied the command
  std::vector<ServerStatistics> statistics;       // a statistics trigger: every server's numbers so far
};

struct ProgressAck {
  std::string request_id;
  TriggerStatus status = TriggerStatus::kPending;
};

// Gateway -> one of its servers: apply the trigger to content of these configurations only.
struct ApplyToServer {
  std::string command_id;                   // the gateway's status id: the agent's idempotency key
  TriggerSpec trigger;
  std::vector<std::string> configurations;  // scope on this server
};

// Server -> gateway: done (or not) for command_id.
struct ServerResult {
  std::string command_id;
  std::string server;
  std::optional<TriggerErrorCode> error;    // e.g. econtent: a prepositioned object the origin lacks
  std::vector<std::string> failed_urls;     // the URLs the error applies to
  std::uint64_t objects_affected = 0;       // purged, invalidated or prepositioned
  std::vector<ServerStatistics> statistics; // a statistics trigger: one per configuration in scope
};

using FederationMessage =
    std::variant<SubmitTrigger, CancelTrigger, TriggerProgress, ProgressAck, ApplyToServer, ServerResult>;

// The name of a message's kind as it appears on the wire ("submit", "cancel", ...).
std::string KindOf(const FederationMessage& message);

}  // namespace cdnlab
