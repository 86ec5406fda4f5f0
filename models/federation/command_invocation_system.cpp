#include "models/federation/command_invocation_system.h"

#include <algorithm>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "models/federation/codec.h"
#include "models/federation/metric_names.h"
#include "models/federation/trigger_admission.h"

namespace cdnlab {
namespace {

bool IsFinal(TriggerStatus s) {
  return s == TriggerStatus::kComplete || s == TriggerStatus::kProcessed || s == TriggerStatus::kFailed ||
         s == TriggerStatus::kCancelled;
}

bool ServerDone(const ServerTarget& t) { return t.acknowledged || t.gave_up; }

// The status id a downstream request id was derived from ("cdn-a-t3>cdn-b" -> "cdn-a-t3").
std::string OwnerOfRequest(const std::string& request_id) {
  const auto arrow = request_id.rfind('>');
  return arrow == std::string::npos ? "" : request_id.substr(0, arrow);
}

}  // namespace

CommandInvocationSystem::CommandInvocationSystem(std::string platform, const FederationCatalog& catalog,
                                                 FederationMessenger& messenger, GatewayPorts ports, RetryPolicy retry)
    : platform_(std::move(platform)), catalog_(catalog), messenger_(messenger), ports_(ports), retry_(retry) {
  const FederationPlatform* self = catalog_.Platform(platform_);
  if (!self) throw std::invalid_argument("no platform '" + platform_ + "' in the federation catalog");
  node_ = self->gateway;
}

CommandInvocationSystem::~CommandInvocationSystem() { Stop(); }

// --- lifecycle ---

void CommandInvocationSystem::Start() {
  if (running_) return;
  records_.clear();
  order_.clear();
  by_request_.clear();
  progress_.clear();
  for (const auto& text : ports_.journal.LoadAll()) {
    auto decoded = DecodeCommandRecord(text);
    if (auto* error = std::get_if<FederationCodecError>(&decoded)) {
      // A record this build cannot read must not vanish silently: keep the gateway down.
      throw std::runtime_error("journal record of gateway " + platform_ + " is unreadable: " + error->ToString());
    }
    auto record = std::make_unique<CommandRecord>(std::move(std::get<CommandRecord>(decoded)));
    const auto dash = record->id.rfind("-t");
    if (dash != std::string::npos) {
      next_id_ = std::max<std::uint64_t>(next_id_, std::stoull(record->id.substr(dash + 2)) + 1);
    }
    by_request_[{record->principal, record->request_id}] = record->id;
    order_.push_back(record->id);
    records_[record->id] = std::move(record);
  }
  running_ = true;
  messenger_.Listen(node_, [this](const std::string& from, const FederationMessage& m) { OnMessage(from, m); });
  // Resume: everything sent and not answered is sent again; final reports not yet
  // acknowledged are repeated; then each command moves on as if nothing happened.
  for (const auto& id : order_) {
    CommandRecord& r = *records_.at(id);
    if (r.status.Final()) {
      if (!r.upstream_node.empty() && !r.progress_acknowledged) ReportUpstream(r);
      continue;
    }
    if (r.status.Status() == TriggerStatus::kPending) r.status.Activate(ports_.clock.Now());
    for (auto& s : r.servers) {
      if (s.dispatched && !ServerDone(s) && r.status.Status() == TriggerStatus::kActive) SendToServer(r, s);
    }
    for (auto& d : r.downstreams) {
      if (d.submitted && !IsFinal(d.status)) RetryDownstream(r.id, d.platform);
    }
    Advance(r);
  }
}

void CommandInvocationSystem::Stop() {
  if (!running_) return;
  running_ = false;
  if (save_timer_) ports_.timers.Cancel(*save_timer_);
  save_timer_.reset();
  SavePending();
  messenger_.StopListening(node_);
  for (auto& [id, timers] : timers_) {
    for (TimerId t : timers) ports_.timers.Cancel(t);
  }
  timers_.clear();
  upstream_report_attempts_.clear();
  in_flight_.clear();
  delivery_errors_.clear();
}

// --- requests from the local API ---

std::string CommandInvocationSystem::Submit(const std::string& principal, const std::string& request_id,
                                            TriggerCommand command) {
  return Accept(principal, request_id, "", std::move(command));
}

bool CommandInvocationSystem::Cancel(const std::string& principal, const std::string& status_id) {
  CommandRecord* r = Mutable(status_id);
  if (!r || r->principal != principal || r->status.Final() || r->status.Status() == TriggerStatus::kCancelling) {
    return false;
  }
  BeginCancel(*r);
  return true;
}

const CommandRecord* CommandInvocationSystem::Find(const std::string& status_id) const {
  auto it = records_.find(status_id);
  return it == records_.end() ? nullptr : it->second.get();
}

std::vector<std::string> CommandInvocationSystem::StatusIds() const { return order_; }

// --- messages ---

void CommandInvocationSystem::OnMessage(const std::string& from_node, const FederationMessage& message) {
  if (!running_) return;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, SubmitTrigger>) OnSubmit(from_node, m);
        if constexpr (std::is_same_v<T, CancelTrigger>) OnCancel(from_node, m);
        if constexpr (std::is_same_v<T, TriggerProgress>) OnProgress(from_node, m);
        if constexpr (std::is_same_v<T, ProgressAck>) OnProgressAck(from_node, m);
        if constexpr (std::is_same_v<T, ServerResult>) OnServerResult(from_node, m);
      },
      message);
}

std::optional<std::string> CommandInvocationSystem::PlatformOfGateway(const std::string& node) const {
  for (const auto& p : catalog_.Platforms()) {
    if (p.gateway == node) return p.id;
  }
  return std::nullopt;
}

void CommandInvocationSystem::OnSubmit(const std::string& from_node, const SubmitTrigger& submit) {
  const auto principal = PlatformOfGateway(from_node);
  if (!principal) return;  // only gateways submit; the messenger already checked the signature
  auto it = by_request_.find({*principal, submit.request_id});
  if (it != by_request_.end()) {
    // A retransmission or a poll: answer with where the command stands.
    SendMessage(from_node, ProgressOf(*records_.at(it->second)));
    return;
  }
  Accept(*principal, submit.request_id, from_node, submit.command);
}

void CommandInvocationSystem::OnCancel(const std::string& from_node, const CancelTrigger& cancel) {
  const auto principal = PlatformOfGateway(from_node);
  if (!principal) return;
  auto it = by_request_.find({*principal, cancel.request_id});
  if (it == by_request_.end()) {
    // The submit never arrived (lost, or still in flight). Keep a cancelled record under
    // its key, so the upstream learns at once and a late submit cannot start the command.
    CommandRecord& r = NewRecord(*principal, cancel.request_id, from_node, TriggerCommand{});
    r.status.RequestCancel(ports_.clock.Now());
    r.status.ConfirmCancelled(ports_.clock.Now());
    Finish(r);
    return;
  }
  CommandRecord& r = *records_.at(it->second);
  if (!r.status.Final() && r.status.Status() != TriggerStatus::kCancelling) {
    BeginCancel(r);
  } else {
    SendMessage(from_node, ProgressOf(r));
  }
}

void CommandInvocationSystem::OnProgress(const std::string& from_node, const TriggerProgress& progress) {
  CommandRecord* r = Mutable(OwnerOfRequest(progress.request_id));
  if (!r) return;
  auto d = std::find_if(r->downstreams.begin(), r->downstreams.end(),
                        [&](const DownstreamTarget& t) { return t.request_id == progress.request_id; });
  if (d == r->downstreams.end() || GatewayNodeOf(d->platform) != from_node) return;
  if (IsFinal(progress.status)) SendMessage(from_node, ProgressAck{progress.request_id, progress.status});
  const bool news = !d->heard || d->status != progress.status ||
                    d->acknowledged_servers.size() != progress.acknowledged_servers.size() ||
                    d->statistics.size() != progress.statistics.size();
  d->heard = true;
  d->last_heard = ports_.clock.Now();
  if (!news || IsFinal(d->status) || r->status.Final()) return;  // a final answer is never revised
  d->status = progress.status;
  d->errors = progress.errors;
  d->targeted_servers = progress.targeted_servers;
  d->acknowledged_servers = progress.acknowledged_servers;
  d->statistics = progress.statistics;
  Changed(*r);
  if (r->status.Status() == TriggerStatus::kActive) ReportUpstream(*r);  // pass cascade progress on
  Advance(*r);
}

void CommandInvocationSystem::OnProgressAck(const std::string& from_node, const ProgressAck& ack) {
  for (const auto& id : order_) {
    CommandRecord& r = *records_.at(id);
    if (r.request_id == ack.request_id && r.upstream_node == from_node && r.status.Final() &&
        r.status.Status() == ack.status && !r.progress_acknowledged) {
      r.progress_acknowledged = true;
      Changed(r);
      return;
    }
  }
}

void CommandInvocationSystem::OnServerResult(const std::string& from_node, const ServerResult& result) {
  CommandRecord* r = Mutable(result.command_id);
  if (!r || r->status.Final() || from_node != result.server) return;
  ServerTarget* t = TargetOf(*r, result.server);
  if (!t || t->acknowledged) return;
  t->acknowledged = true;
  t->gave_up = false;  // a late answer still counts
  t->error = result.error;
  t->failed_urls = result.failed_urls;
  t->objects_affected = result.objects_affected;
  t->statistics = result.statistics;
  t->acknowledged_at = ports_.clock.Now();
  ports_.metrics.Sample(federation_metrics::kServerAcknowledged, ports_.clock.Now(),
                        ToMillis(ports_.clock.Now() - r->status.CreatedAt()),
                        {{"command", r->id}, {"server", t->server}});
  Progressed(*r);
  Advance(*r);
}

// --- the life of a command ---

std::string CommandInvocationSystem::Accept(const std::string& principal, const std::string& request_id,
                                            const std::string& upstream_node, TriggerCommand command) {
  auto known = by_request_.find({principal, request_id});
  if (known != by_request_.end()) return known->second;

  const SimTime now = ports_.clock.Now();
  const AdmissionResult admission = AdmitTrigger(catalog_, platform_, principal, command);
  CommandRecord& r = NewRecord(principal, request_id, upstream_node, std::move(command));
  const std::string id = r.id;
  r.configurations = admission.configurations;
  r.admission_errors = admission.errors;

  if (admission.rejected || (r.configurations.empty() && !r.admission_errors.empty())) {
    r.status.Fail(now, r.admission_errors);
    Finish(r);
    return id;
  }
  std::set<std::string> servers;
  std::set<std::string> downstreams;
  for (const auto& c : r.configurations) {
    for (const auto& s : catalog_.ServersCarrying(c, platform_)) servers.insert(s);
    for (const auto& p : catalog_.DownstreamPlatforms(c, platform_)) downstreams.insert(p);
  }
  for (const auto& s : servers) {
    ServerTarget t;
    t.server = s;
    t.tier_depth = catalog_.TierDepth(s);
    r.servers.push_back(t);
  }
  std::stable_sort(r.servers.begin(), r.servers.end(),
                   [](const ServerTarget& a, const ServerTarget& b) { return a.tier_depth < b.tier_depth; });
  for (const auto& p : downstreams) {
    DownstreamTarget d;
    d.platform = p;
    d.request_id = id + ">" + p;
    r.downstreams.push_back(d);
  }
  r.status.Activate(now);
  Changed(r);
  ReportUpstream(r);  // the first report doubles as "accepted"
  Advance(r);
  return id;
}

CommandRecord& CommandInvocationSystem::NewRecord(const std::string& principal, const std::string& request_id,
                                                  const std::string& upstream_node, TriggerCommand command) {
  const std::string id = fmt::format("{}-t{}", platform_, next_id_++);
  auto owned = std::make_unique<CommandRecord>(TriggerStatusResource(std::move(command), ports_.clock.Now()));
  CommandRecord& r = *owned;
  r.id = id;
  r.principal = principal;
  r.request_id = request_id;
  r.upstream_node = upstream_node;
  records_[id] = std::move(owned);
  order_.push_back(id);
  by_request_[{principal, request_id}] = id;
  return r;
}

void CommandInvocationSystem::Advance(CommandRecord& r) {
  if (!running_ || r.status.Final()) return;
  const SimTime now = ports_.clock.Now();
  if (r.status.Status() == TriggerStatus::kCancelling) {
    const bool downstreams_settled = std::all_of(r.downstreams.begin(), r.downstreams.end(), [](const auto& d) {
      return !d.submitted || IsFinal(d.status);
    });
    if (downstreams_settled) {
      r.status.ConfirmCancelled(now);
      Finish(r);
    }
    return;
  }
  // Local servers, one tier at a time: parents must be clean before edges refill from them.
  std::size_t& first_pending = progress_[r.id].first_pending;
  while (first_pending < r.servers.size() && ServerDone(r.servers[first_pending])) ++first_pending;
  if (first_pending < r.servers.size()) {
    DispatchTier(r, r.servers[first_pending].tier_depth);
    return;
  }
  // Then the downstream platforms, which fill from this one.
  bool waiting = false;
  for (auto& d : r.downstreams) {
    if (!d.submitted) SubmitDownstream(r, d);
    if (!IsFinal(d.status)) waiting = true;
  }
  if (waiting) return;

  std::vector<TriggerError> errors = r.admission_errors;
  // Servers given up, one ecdn error per distinct cause (in server order).
  std::vector<TriggerError> unreachable;
  bool anything_done = false;
  for (const auto& s : r.servers) {
    if (s.gave_up) {
      const std::string why = GiveUpDescription(r.id, s.server, "no acknowledgement after every retry");
      auto same = std::find_if(unreachable.begin(), unreachable.end(),
                               [&](const TriggerError& e) { return e.description == why; });
      if (same == unreachable.end()) {
        TriggerError e;
        e.code = TriggerErrorCode::kEcdn;
        e.description = why;
        unreachable.push_back(e);
        same = std::prev(unreachable.end());
      }
      same->server_ids.push_back(s.server);
    }
    if (s.acknowledged) anything_done = true;
    if (s.acknowledged && s.error) {
      TriggerError e;
      e.code = *s.error;
      e.content_urls = s.failed_urls;
      e.server_ids = {s.server};
      e.description = fmt::format("server {} could not apply every entry", s.server);
      errors.push_back(e);
    }
  }
  errors.insert(errors.end(), unreachable.begin(), unreachable.end());
  for (const auto& d : r.downstreams) {
    errors.insert(errors.end(), d.errors.begin(), d.errors.end());
    if (d.status == TriggerStatus::kComplete || d.status == TriggerStatus::kProcessed) anything_done = true;
  }
  if (errors.empty()) {
    r.status.Complete(now);
  } else if (anything_done) {
    r.status.Processed(now, errors);
  } else {
    r.status.Fail(now, errors);
  }
  Finish(r);
}

void CommandInvocationSystem::DispatchTier(CommandRecord& r, int depth) {
  std::optional<int>& dispatched = progress_[r.id].dispatched_depth;
  if (dispatched == depth) return;  // dispatched flags are never cleared
  dispatched = depth;
  for (auto& s : r.servers) {
    if (s.tier_depth == depth && !s.dispatched) {
      s.dispatched = true;
      SendToServer(r, s);
    }
  }
}

void CommandInvocationSystem::SendToServer(CommandRecord& r, ServerTarget& target) {
  if (target.attempts > 0) ports_.metrics.Count(federation_metrics::kRetries, 1, {{"kind", "apply"}});
  ++target.attempts;
  ApplyToServer apply;
  apply.command_id = r.id;
  apply.trigger = Admitted(r);
  for (const auto& c : r.configurations) {
    if (catalog_.Carries(c, platform_, target.server)) apply.configurations.push_back(c);
  }
  SendTracked(r.id, target.server, target.server, apply);
  const std::string id = r.id;
  const std::string server = target.server;
  Schedule(id, retry_.Backoff(target.attempts, ports_.random), [this, id, server] { RetryServer(id, server); });
}

void CommandInvocationSystem::RetryServer(const std::string& id, const std::string& server) {
  CommandRecord* r = Mutable(id);
  if (!r || r->status.Status() != TriggerStatus::kActive) return;
  ServerTarget* t = TargetOf(*r, server);
  if (!t || ServerDone(*t)) return;
  if (t->attempts >= retry_.max_attempts) {
    t->gave_up = true;
    Changed(*r);
    Advance(*r);
    return;
  }
  if (InFlight(id, server)) {
    // The last copy is still being transferred (a large command, a slow peer): that counts
    // as this attempt; sending another copy would only compete with it.
    ++t->attempts;
    Schedule(id, retry_.Backoff(t->attempts, ports_.random), [this, id, server] { RetryServer(id, server); });
    Progressed(*r);
    return;
  }
  SendToServer(*r, *t);
  Progressed(*r);
}

void CommandInvocationSystem::SubmitDownstream(CommandRecord& r, DownstreamTarget& d) {
  if (d.attempts > 0) ports_.metrics.Count(federation_metrics::kRetries, 1, {{"kind", d.heard ? "poll" : "submit"}});
  d.submitted = true;
  ++d.attempts;
  std::set<std::string> delegated;
  for (const auto& c : r.configurations) {
    const auto ds = catalog_.DownstreamPlatforms(c, platform_);
    if (std::find(ds.begin(), ds.end(), d.platform) != ds.end()) delegated.insert(c);
  }
  SubmitTrigger submit;
  submit.request_id = d.request_id;
  submit.command.trigger = RestrictTrigger(catalog_, Admitted(r), delegated);
  submit.command.cdn_path = r.status.Command().cdn_path;
  submit.command.cdn_path.push_back(platform_);
  if (!InFlight(r.id, "platform:" + d.platform)) SendTracked(r.id, "platform:" + d.platform, GatewayNodeOf(d.platform), submit);
  Changed(r);
  const std::string id = r.id;
  const std::string platform = d.platform;
  const Duration wait = d.heard ? retry_.poll_interval : retry_.Backoff(d.attempts, ports_.random);
  Schedule(id, wait, [this, id, platform] { RetryDownstream(id, platform); });
}

void CommandInvocationSystem::RetryDownstream(const std::string& id, const std::string& platform) {
  CommandRecord* r = Mutable(id);
  if (!r || r->status.Final()) return;
  auto d = std::find_if(r->downstreams.begin(), r->downstreams.end(),
                        [&](const DownstreamTarget& t) { return t.platform == platform; });
  if (d == r->downstreams.end() || IsFinal(d->status)) return;
  const SimTime now = ports_.clock.Now();
  const bool silent_too_long = d->heard && now - d->last_heard > retry_.give_up_after;
  if ((!d->heard && d->attempts >= retry_.max_attempts) || silent_too_long) {
    GiveUpDownstream(*r, *d);
    return;
  }
  if (r->status.Status() == TriggerStatus::kCancelling) {
    SendCancel(*r, *d);
  } else {
    SubmitDownstream(*r, *d);
  }
}

void CommandInvocationSystem::GiveUpDownstream(CommandRecord& r, DownstreamTarget& d) {
  // The downstream cannot be reached: report its servers as not reached (ecdn).
  std::set<std::string> expected;
  for (const auto& c : r.configurations) {
    const auto ds = catalog_.DownstreamPlatforms(c, platform_);
    if (std::find(ds.begin(), ds.end(), d.platform) == ds.end()) continue;
    for (const auto& s : catalog_.ServersReachedFrom(c, d.platform)) expected.insert(s);
  }
  for (const auto& s : d.targeted_servers) expected.insert(s);
  TriggerError e;
  e.code = TriggerErrorCode::kEcdn;
  e.description = GiveUpDescription(r.id, "platform:" + d.platform, fmt::format("platform {} did not answer", d.platform));
  std::set<std::string> acked(d.acknowledged_servers.begin(), d.acknowledged_servers.end());
  for (const auto& s : expected) {
    if (acked.count(s) == 0) e.server_ids.push_back(s);
  }
  d.status = TriggerStatus::kFailed;
  d.targeted_servers.assign(expected.begin(), expected.end());
  d.errors = {e};
  Changed(r);
  Advance(r);
}

void CommandInvocationSystem::SendCancel(CommandRecord& r, DownstreamTarget& d) {
  if (d.cancel_sent) ports_.metrics.Count(federation_metrics::kRetries, 1, {{"kind", "cancel"}});
  d.cancel_sent = true;
  ++d.attempts;
  SendMessage(GatewayNodeOf(d.platform), CancelTrigger{d.request_id});
  const std::string id = r.id;
  const std::string platform = d.platform;
  Schedule(id, retry_.Backoff(std::min(d.attempts, 4), ports_.random), [this, id, platform] {
    RetryDownstream(id, platform);
  });
}

void CommandInvocationSystem::BeginCancel(CommandRecord& r) {
  r.status.RequestCancel(ports_.clock.Now());
  CancelTimers(r.id);  // no more retransmissions to servers
  for (auto& d : r.downstreams) {
    if (d.submitted && !IsFinal(d.status)) {
      d.attempts = 0;
      SendCancel(r, d);
    }
  }
  Changed(r);
  ReportUpstream(r);
  Advance(r);
}

void CommandInvocationSystem::Finish(CommandRecord& r) {
  CancelTimers(r.id);
  ports_.metrics.Sample(federation_metrics::kCommandFinished, ports_.clock.Now(),
                        ToMillis(*r.status.FinishedAt() - r.status.CreatedAt()),
                        {{"command", r.id},
                         {"platform", platform_},
                         {"status", ToString(r.status.Status())},
                         {"request_id", r.request_id}});
  Changed(r);
  ReportUpstream(r);
}

void CommandInvocationSystem::ReportUpstream(CommandRecord& r) {
  if (r.upstream_node.empty() || !running_) return;
  SendMessage(r.upstream_node, ProgressOf(r));
  if (!r.status.Final() || r.progress_acknowledged) return;
  int& attempts = upstream_report_attempts_[r.id];
  ++attempts;
  if (attempts > retry_.max_attempts) return;  // the upstream's poll will fetch it instead
  const std::string id = r.id;
  Schedule(id, retry_.Backoff(attempts, ports_.random), [this, id] {
    CommandRecord* rec = Mutable(id);
    if (!rec || rec->progress_acknowledged) return;
    ports_.metrics.Count(federation_metrics::kRetries, 1, {{"kind", "progress"}});
    ReportUpstream(*rec);
  });
}

// --- helpers ---

void CommandInvocationSystem::Changed(CommandRecord& r) {
  unsaved_.erase(r.id);
  ports_.journal.Save(r.id, EncodeCommandRecord(r));
  for (const auto& observer : observers_) observer(r);
}

void CommandInvocationSystem::Progressed(CommandRecord& r) {
  unsaved_.insert(r.id);
  if (!save_timer_) {
    save_timer_ = ports_.timers.ScheduleAfter(Duration::zero(), [this] {
      save_timer_.reset();
      SavePending();
    });
  }
  for (const auto& observer : observers_) observer(r);
}

void CommandInvocationSystem::SavePending() {
  for (const auto& id : unsaved_) {
    if (const CommandRecord* r = Mutable(id)) ports_.journal.Save(id, EncodeCommandRecord(*r));
  }
  unsaved_.clear();
}

void CommandInvocationSystem::Schedule(const std::string& id, Duration delay, std::function<void()> callback) {
  auto& list = timers_[id];
  list.push_back(ports_.timers.ScheduleAfter(delay, [this, cb = std::move(callback)] {
    if (running_) cb();
  }));
}

void CommandInvocationSystem::CancelTimers(const std::string& id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  for (TimerId t : it->second) ports_.timers.Cancel(t);
  timers_.erase(it);
}

CommandRecord* CommandInvocationSystem::Mutable(const std::string& id) {
  auto it = records_.find(id);
  return it == records_.end() ? nullptr : it->second.get();
}

ServerTarget* CommandInvocationSystem::TargetOf(CommandRecord& r, const std::string& server) const {
  // Accept() orders targets by (tier depth, server id): a binary search finds it; a record
  // ordered otherwise (an older journal) falls back to the scan.
  const int depth = catalog_.TierDepth(server);
  auto it = std::lower_bound(r.servers.begin(), r.servers.end(), depth, [&](const ServerTarget& t, int key_depth) {
    return t.tier_depth != key_depth ? t.tier_depth < key_depth : t.server < server;
  });
  if (it != r.servers.end() && it->server == server) return &*it;
  auto scanned = std::find_if(r.servers.begin(), r.servers.end(), [&](const ServerTarget& t) { return t.server == server; });
  return scanned == r.servers.end() ? nullptr : &*scanned;
}

const TriggerSpec& CommandInvocationSystem::Admitted(const CommandRecord& r) {
  std::optional<TriggerSpec>& admitted = progress_[r.id].admitted;
  if (!admitted) admitted = AdmitTrigger(catalog_, platform_, r.principal, r.status.Command()).admitted;
  return *admitted;
}

std::string CommandInvocationSystem::GatewayNodeOf(const std::string& platform) const {
  const FederationPlatform* p = catalog_.Platform(platform);
  return p ? p->gateway : "";
}

TriggerProgress CommandInvocationSystem::ProgressOf(const CommandRecord& r) const {
  TriggerProgress p;
  p.request_id = r.request_id;
  p.status = r.status.Status();
  p.errors = r.status.Errors();
  const auto targeted = r.TargetedServers();
  const auto acked = r.AcknowledgedServers();
  p.targeted_servers.assign(targeted.begin(), targeted.end());
  p.acknowledged_servers.assign(acked.begin(), acked.end());
  p.statistics = r.Statistics();
  return p;
}

void CommandInvocationSystem::SendMessage(const std::string& to_node, const FederationMessage& message) {
  messenger_.Send(node_, to_node, message);
}

void CommandInvocationSystem::SendTracked(const std::string& id, const std::string& target, const std::string& to_node,
                                          const FederationMessage& message) {
  in_flight_.insert({id, target});
  const bool sent = messenger_.Send(node_, to_node, message, [this, id, target](const DeliveryOutcome& outcome) {
    OnDelivery(id, target, outcome);
  });
  if (!sent) {
    in_flight_.erase({id, target});
    delivery_errors_[{id, target}] = "the message could not be addressed or signed";
  }
}

bool CommandInvocationSystem::InFlight(const std::string& id, const std::string& target) const {
  return in_flight_.count({id, target}) != 0;
}

void CommandInvocationSystem::OnDelivery(const std::string& id, const std::string& target,
                                         const DeliveryOutcome& outcome) {
  in_flight_.erase({id, target});
  if (!running_ || outcome.Delivered()) return;
  delivery_errors_[{id, target}] = outcome.detail;
  CommandRecord* r = Mutable(id);
  if (!r || r->status.Final() || outcome.Retryable()) return;  // the retry timer sends again
  // Sending again cannot succeed (e.g. over the size limit): give the target up now.
  if (target.rfind("platform:", 0) == 0) {
    const std::string platform = target.substr(9);
    auto d = std::find_if(r->downstreams.begin(), r->downstreams.end(),
                          [&](const DownstreamTarget& t) { return t.platform == platform; });
    if (d != r->downstreams.end() && !IsFinal(d->status)) GiveUpDownstream(*r, *d);
    return;
  }
  auto t = std::find_if(r->servers.begin(), r->servers.end(), [&](const ServerTarget& s) { return s.server == target; });
  if (t == r->servers.end() || ServerDone(*t) || r->status.Status() != TriggerStatus::kActive) return;
  t->gave_up = true;
  Changed(*r);
  Advance(*r);
}

std::string CommandInvocationSystem::GiveUpDescription(const std::string& id, const std::string& target,
                                                       const std::string& base) const {
  auto it = delivery_errors_.find({id, target});
  if (it == delivery_errors_.end()) return base;
  return base + "; last transport error: " + it->second;
}

}  // namespace cdnlab
