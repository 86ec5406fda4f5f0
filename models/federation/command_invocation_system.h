#pragma once
// A platform's command invocation system (its gateway). It accepts trigger commands from
// its content providers (locally, e.g. through realnet's HTTP API) and from upstream
// platforms (SubmitTrigger messages), and for each:
//  1. admits it (loop check, features, authorization; see trigger_admission.h);
//  2. fans it out to exactly the servers of this platform that carry its configurations,
//     tier by tier (parents before edges, so no edge refills from a stale parent), and
//     retransmits to each server with backoff until it acknowledges or the budget runs out;
//  3. then acts as the command router toward every platform it delegated those
//     configurations to: submits the command there with itself appended to cdn-path, and
//     follows its progress (pushed, with polling as the fallback);
//  4. keeps the RFC 8007 status resource: active while work is outstanding, complete when
//     every targeted server here and every downstream completed, processed when it ran to
//     the end with errors, failed when nothing could run, cancelled on request;
//  5. reports progress upstream (pushed; a final report is repeated until acknowledged).
// Every change is written to the journal first, so a restarted gateway resumes pending
// commands and forgets none. Submissions are idempotent on (principal, request id).
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "models/federation/command_journal.h"
#include "models/federation/command_record.h"
#include "models/federation/catalog.h"
#include "models/federation/messenger.h"
#include "models/federation/retry_policy.h"
#include "models/ports/clock.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/random_source.h"
#include "models/ports/timer_scheduler.h"

namespace cdnlab {

struct GatewayPorts {
  Clock& clock;
  TimerScheduler& timers;
  RandomSource& random;
  MetricsSink& metrics;
  CommandJournal& journal;
};

class CommandInvocationSystem {
 public:
  using StatusObserver = std::function<void(const CommandRecord&)>;

  // `platform` is this gateway's platform id; its node is the platform's gateway node.
  CommandInvocationSystem(std::string platform, const FederationCatalog& catalog, FederationMessenger& messenger,
                          GatewayPorts ports, RetryPolicy retry = {});
  ~CommandInvocationSystem();
  CommandInvocationSystem(const CommandInvocationSystem&) = delete;
  CommandInvocationSystem& operator=(const CommandInvocationSystem&) = delete;

  // Listens on the gateway node and resumes every non-final command found in the journal.
  void Start();
  // Stops listening and drops every timer (what a crash does); the journal keeps the rest.
  void Stop();

  // A command issued at this platform by `principal` (already authenticated by the caller,
  // e.g. the HTTP front). Returns the status id; a repeated (principal, request_id) returns
  // the id of the first submission and changes nothing.
  std::string Submit(const std::string& principal, const std::string& request_id, TriggerCommand command);
  // RFC 8007 cancel. False when the id is unknown, the principal is not the issuer, or the
  // command is already final (cancelling a finished command changes nothing).
  bool Cancel(const std::string& principal, const std::string& status_id);

  const CommandRecord* Find(const std::string& status_id) const;
  std::vector<std::string> StatusIds() const;  // in creation order
  const std::string& Platform() const { return platform_; }
  const std::string& Node() const { return node_; }
  // Called after every status change of any command (for HTTP long-polls, metrics, tests).
  void OnStatusChange(StatusObserver observer) { observers_.push_back(std::move(observer)); }

 private:
  void OnMessage(const std::string& from_node, const FederationMessage& message);
  void OnSubmit(const std::string& from_node, const SubmitTrigger& submit);
  void OnCancel(const std::string& from_node, const CancelTrigger& cancel);
  void OnProgress(const std::string& from_node, const TriggerProgress& progress);
  void OnProgressAck(const std::string& from_node, const ProgressAck& ack);
  void OnServerResult(const std::string& from_node, const ServerResult& result);

  std::string Accept(const std::string& principal, const std::string& request_id, const std::string& upstream_node,
                     TriggerCommand command);
  CommandRecord& NewRecord(const std::string& principal, const std::string& request_id,
                           const std::string& upstream_node, TriggerCommand command);
  void Advance(CommandRecord& record);  // dispatch the next tier or downstream, or finish
  void DispatchTier(CommandRecord& record, int depth);
  void SendToServer(CommandRecord& record, ServerTarget& target);
  void RetryServer(const std::string& id, const std::string& server);
  void SubmitDownstream(CommandRecord& record, DownstreamTarget& target);
  void RetryDownstream(const std::string& id, const std::string& platform);
  void SendCancel(CommandRecord& record, DownstreamTarget& target);
  void BeginCancel(CommandRecord& record);
  void Finish(CommandRecord& record);
  void ReportUpstream(CommandRecord& record);
  void Changed(CommandRecord& record);  // journal first, then observers
  // Progress a restart may redo (a server's acknowledgement, a retry counted): observers at
  // once, the journal at the end of this instant, so a burst of acknowledgements encodes the
  // record once instead of once per server. A crash before that write only loses these
  // acknowledgements: the restarted gateway sends those servers the command again, and applying
  // it twice is harmless. Admissions and final states go through Changed, written at once.
  void Progressed(CommandRecord& record);
  void SavePending();
  // Retransmission timers are per command and not journaled: Start() rebuilds them.
  void Schedule(const std::string& id, Duration delay, std::function<void()> callback);
  void CancelTimers(const std::string& id);
  CommandRecord* Mutable(const std::string& id);
  // The record's target for `server`, or null (ids are unique within a record).
  ServerTarget* TargetOf(CommandRecord& record, const std::string& server) const;
  // What AdmitTrigger keeps of the record's command here: computed once per record.
  const TriggerSpec& Admitted(const CommandRecord& record);
  std::string GatewayNodeOf(const std::string& platform) const;
  std::optional<std::string> PlatformOfGateway(const std::string& node) const;
  TriggerProgress ProgressOf(const CommandRecord& record) const;
  void SendMessage(const std::string& to_node, const FederationMessage& message);
  // Sends a message whose delivery a target waits on: while it is in flight no copy is sent
  // again, and a failure is remembered for the target's error (or ends the target at once
  // when retrying cannot help, e.g. a message over the transport's size limit).
  void SendTracked(const std::string& id, const std::string& target, const std::string& to_node,
                   const FederationMessage& message);
  void OnDelivery(const std::string& id, const std::string& target, const DeliveryOutcome& outcome);
  bool InFlight(const std::string& id, const std::string& target) const;
  std::string GiveUpDescription(const std::string& id, const std::string& target, const std::string& base) const;
  void GiveUpDownstream(CommandRecord& record, DownstreamTarget& target);

  std::string platform_;
  std::string node_;
  const FederationCatalog& catalog_;
  FederationMessenger& messenger_;
  GatewayPorts ports_;
  RetryPolicy retry_;
  bool running_ = false;
  std::set<std::string> unsaved_;           // ids Progressed since the last journal write
  std::optional<TimerId> save_timer_;       // the end-of-instant write of unsaved_
  std::uint64_t next_id_ = 1;
  std::map<std::string, std::unique_ptr<CommandRecord>> records_;
  std::vector<std::string> order_;
  std::map<std::pair<std::string, std::string>, std::string> by_request_;  // (principal, request) -> id
  std::map<std::string, std::vector<TimerId>> timers_;                      // by command id
  std::map<std::string, int> upstream_report_attempts_;                     // final reports sent, by id
  // Not journaled (a restart sends everything again): messages to a target (server id, or
  // "platform:<id>" for a downstream) still in flight, and the last delivery failure seen.
  std::set<std::pair<std::string, std::string>> in_flight_;
  std::map<std::pair<std::string, std::string>, std::string> delivery_errors_;
  std::vector<StatusObserver> observers_;
  // Derived from a record and never journaled (Start() clears it): what keeps every step of a
  // command from rescanning all of its servers, so a command to thousands of servers costs
  // about as much per acknowledgement as one to three.
  struct Progress {
    std::size_t first_pending = 0;       // servers before it are done (done stays done)
    std::optional<int> dispatched_depth;  // every server of this tier depth was dispatched
    std::optional<TriggerSpec> admitted;
  };
  std::unordered_map<std::string, Progress> progress_;  // by command id
};

}  // namespace cdnlab
