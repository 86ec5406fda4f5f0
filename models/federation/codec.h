#pragma once
// JSON forms of the federation's data, in one place for both runtimes:
//  - the RFC 8007 shapes: a Trigger Specification / Trigger Command ("trigger", "cdn-path",
//    "cancel") and a Trigger Status Resource ("status", "ctime", "mtime", "etime", "errors"),
//    with the RFC's member names ("metadata.urls", "content.patterns", "case-sensitive"...);
//  - cdnlab's envelopes (FederationMessage) and journal records (CommandRecord).
// Decoders never throw on hostile input: they return a FederationCodecError naming the
// JSON path of the first problem ("trigger.content.patterns[2].pattern: expected a string").
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "models/federation/command_record.h"
#include "models/federation/message.h"
#include "models/federation/trigger_command.h"

namespace cdnlab {

struct FederationCodecError {
  std::string path;     // JSON path of the offending member ("" = the document)
  std::string message;
  std::string ToString() const { return path.empty() ? message : path + ": " + message; }
};

template <typename T>
using Decoded = std::variant<T, FederationCodecError>;

// RFC 8007 section 5: a CI/T command is either a trigger or a cancel, plus the cdn-path.
struct CiTriggerCommand {
  std::optional<TriggerCommand> trigger;       // set for a trigger command
  std::vector<std::string> cancel;             // Trigger Status Resource URLs, for a cancel
  std::vector<std::string> cdn_path;
};

nlohmann::ordered_json TriggerSpecToJson(const TriggerSpec& spec);
Decoded<TriggerSpec> TriggerSpecFromJson(const nlohmann::json& json, const std::string& path = "trigger");

nlohmann::ordered_json CiTriggerCommandToJson(const CiTriggerCommand& command);
// Parses and validates a request body ("application/cdni; ptype=ci-trigger-command"):
// exactly one of trigger / cancel, a non-empty trigger, well-formed patterns. Members nobody here
// knows are ignored (RFC 8007 section 5) and a trigger's are kept in TriggerSpec::extensions, to
// be echoed and passed on; an unknown "cdnlab." member is refused. An unknown trigger type parses
// (TriggerType::kUnknown): admission fails it with "eunsupported".
Decoded<CiTriggerCommand> ParseCiTriggerCommand(const std::string& body);

// A Trigger Status Resource as the RFC shows it (times in whole seconds since `epoch_unix_s`
// plus the run's clock, so realnet can publish wall-clock times and sim its own).
nlohmann::ordered_json TriggerStatusToJson(const TriggerStatusResource& status, double epoch_unix_s);
// The same for a gateway's record, plus cdnlab's extension member "cdnlab.statistics" (a
// statistics trigger: [{"server", "configuration", "objects", "stale"}] for every server
// heard from, this platform's and its downstreams'), present only when non-empty, and
// "cdnlab.progress" (below) once servers or downstreams are targeted.
nlohmann::ordered_json TriggerStatusToJson(const CommandRecord& record, double epoch_unix_s);
// cdnlab's per-server progress of a command, the status resource's "cdnlab.progress" member
// (an extension, namespaced): {"targeted": N, "acknowledged": M, "servers": [{"server",
// "state": waiting|sent|acknowledged|unreachable, "attempts", "objects", "error"} for this
// platform's servers, {"server", "cdn", "state"} for downstream platforms' servers as their
// gateways reported them], "downstreams": [{"cdn", "status", "targeted", "acknowledged"}]}.
nlohmann::ordered_json CommandProgressToJson(const CommandRecord& record);
nlohmann::ordered_json TriggerErrorToJson(const TriggerError& error);

std::string EncodeFederationMessage(const FederationMessage& message);
Decoded<FederationMessage> DecodeFederationMessage(const std::string& text);

std::string EncodeCommandRecord(const CommandRecord& record);
Decoded<CommandRecord> DecodeCommandRecord(const std::string& text);

}  // namespace cdnlab
