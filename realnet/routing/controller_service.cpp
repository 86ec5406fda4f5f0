#include "realnet/routing/controller_service.h"

#include <chrono>

#include <fmt/format.h>
#include <stdexcept>

#include "realnet/routing/catalog.h"

namespace cdnlab {

AuthoritativeConfig ControllerAnswererConfig(const Scenario& s, const PolicySpec& policy) {
  AuthoritativeConfig config{s.dns.zone, s.dns.hostname, FromSeconds(s.dns.ttl_s)};
  config.scope_aggregation = policy.scope_aggregation;
  return config;
}

RoutingControllerService::RoutingControllerService(const Scenario& s, const PolicySpec& policy,
                                                   boost::asio::io_context& io, AsioClock& clock,
                                                   AsioDatagramTransport& transport, MetricsSink& metrics,
                                                   ProbeReportVerifierConfig report_checks,
                                                   std::vector<ResolverConfigSink*> extra_sinks)
    : listen_(s.realnet.controller),
      dns_listen_(s.realnet.dns),
      clock_(clock),
      unix_clock_(clock),
      transport_(transport),
      metrics_(metrics),
      report_checks_(report_checks),
      answerer_(RealnetCatalog(s), ControllerAnswererConfig(s, policy)),
      sink_(answerer_, std::move(extra_sinks)),
      core_(std::make_unique<ControllerCore>(s, policy, std::move(report_checks), sink_, clock, metrics)),
      takes_reports_(policy.kind != PolicyKind::kRum) {
  dns_ = std::make_unique<RealDnsServer>(io, answerer_, s.realnet.dns);
  sink_.Serve(dns_.get());
}

RoutingControllerService::~RoutingControllerService() { Stop(); }

void RoutingControllerService::Start() {
  if (running_) return;
  if (takes_reports_) transport_.Bind(listen_, [this](const Endpoint&, const Bytes& payload) { OnReport(payload); });
  dns_->Start();
  core_->controller->Start();
  running_ = true;
  ScheduleSave();
}

void RoutingControllerService::Stop() {
  if (!running_) return;
  if (save_timer_) clock_.Cancel(*save_timer_);
  save_timer_.reset();
  SaveState();
  core_->controller->Stop();
  dns_->Stop();
  if (takes_reports_) transport_.Unbind(listen_);
  running_ = false;
}

void RoutingControllerService::KeepStateIn(std::unique_ptr<ControllerStateFile> state, Duration save_every,
                                           std::function<void(const std::string&)> log) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(unix_clock_.Now()).count();
  const std::optional<ControllerState> kept = state->Load(clock_.Now(), now_ms);
  state_ = std::move(state);
  save_every_ = save_every;
  log_ = std::move(log);
  if (kept) {
    core_->Restore(*kept);
    log_(fmt::format("restored mapping version {} ({} rows) and {} measurements from {}{}", kept->mapping_version,
                     kept->rows.size(), kept->cells.size(), state_->Path(),
                     kept->dropped > 0 ? fmt::format(" ({} entries of PoPs or groups no longer listed left out)",
                                                     kept->dropped)
                                       : ""));
  } else {
    log_("no kept state in " + state_->Path() + ": starting cold");
  }
  sink_.AfterEach([this] { SaveState(); });
}

void RoutingControllerService::SaveState() {
  if (!state_) return;
  std::vector<std::optional<std::uint64_t>> sequences;
  for (PopIndex p = 0; p < core_->catalog.pops.size(); ++p) sequences.push_back(core_->verifier.LastSequence(p));
  try {
    state_->Save(core_->controller->Table(), core_->store, sequences, clock_.Now(),
                 std::chrono::duration_cast<std::chrono::milliseconds>(unix_clock_.Now()).count());
  } catch (const std::exception& e) {
    if (log_) log_(std::string(e.what()) + " (the mapping is still served; the previous state file stays)");
  }
}

void RoutingControllerService::ScheduleSave() {
  if (!state_ || save_every_ <= Duration::zero()) return;
  save_timer_ = clock_.ScheduleAfter(save_every_, [this] {
    save_timer_.reset();
    SaveState();
    ScheduleSave();
  });
}

std::string RoutingControllerService::Reload(const Scenario& s, const PolicySpec& policy,
                                             std::optional<FederationIdentity> pop_keys) {
  const AuthoritativeConfig dns = WithApexDefaults(ControllerAnswererConfig(s, policy));
  if (dns.zone != answerer_.Config().zone || dns.hostname != answerer_.Config().hostname) {
    return "the zone or the CDN hostname changed (restart the controller for that)";
  }
  if (!(s.realnet.controller == listen_) || !(s.realnet.dns == dns_listen_)) {
    return "the controller's report or DNS address changed (restart the controller for that)";
  }
  if ((policy.kind != PolicyKind::kRum) != takes_reports_) {
    return "the policy now takes reports or no longer does (restart the controller for that)";
  }
  ProbeReportVerifierConfig checks = report_checks_;
  if (pop_keys) checks.pop_keys = *pop_keys;
  std::unique_ptr<ControllerCore> next;
  try {
    next = std::make_unique<ControllerCore>(s, policy, checks, sink_, clock_, metrics_);
    if (pop_keys) next->SetPopKeys(*pop_keys);  // PoPs left without a key are withdrawn
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  // The next version holds every carried-over row with the new PoP indexes; restoring it must
  // not reach the sinks yet (their replicas still use the old indexes).
  ControllerState carried = core_->CarryOverTo(next->catalog, clock_.Now());
  const std::uint64_t old_version = carried.mapping_version;
  carried.mapping_version = old_version + 1;
  sink_.Mute(true);
  next->Restore(carried);
  sink_.Mute(false);
  if (running_) core_->controller->Stop();
  std::vector<IpPrefix> gone;
  for (const MappingEntry& row : core_->controller->Table().Entries()) {  // in prefix order, as diffs list them
    if (next->controller->Table().Find(row.prefix) == nullptr) gone.push_back(row.prefix);
  }
  core_ = std::move(next);
  report_checks_ = std::move(checks);
  if (state_) state_->UseCatalog(core_->catalog);

  // DNS answers from the new catalog at once (same sockets, same mapping at the new version).
  const MappingTable& table = core_->controller->Table();
  AuthoritativeAnswerer fresh(core_->catalog, dns);
  fresh.ApplyDiff(MappingDiff{0, table.Version(), table.Entries(), {}});
  answerer_ = std::move(fresh);
  dns_->Refresh();
  // Every row again to Knot, RFC 2136 and the snapshot followers, with the new catalog.
  sink_.Reconfigure(core_->catalog, dns);
  sink_.Forward(MappingDiff{old_version, table.Version(), table.Entries(), gone});
  if (running_) {
    core_->controller->Start();  // recomputes now: new PoPs compete, removed ones are gone
  }
  if (log_ && carried.dropped > 0) {
    log_(fmt::format("reload: {} measurements, sequence numbers or row entries of removed PoPs or groups dropped",
                     carried.dropped));
  }
  return "";
}

nlohmann::ordered_json RoutingControllerService::StateJson() const {
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  const SimTime now = clock_.Now();
  const RoutingCatalog& catalog = core_->catalog;
  for (GroupIndex g = 0; g < catalog.groups.size(); ++g) {
    nlohmann::ordered_json j;
    j["group"] = catalog.groups[g].id;
    const MappingEntry* row = core_->controller->Table().Find(catalog.groups[g].prefix);
    j["pop"] = row != nullptr && !row->ranked_pops.empty() ? nlohmann::ordered_json(catalog.pops[row->ranked_pops[0]].id)
                                                           : nlohmann::ordered_json(nullptr);
    nlohmann::ordered_json rtt = nlohmann::ordered_json::object();
    for (PopIndex p = 0; p < catalog.pops.size(); ++p) {
      const auto v = core_->store.RttMs(g, p, now);
      rtt[catalog.pops[p].id] = v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
    }
    j["rtt_ms"] = rtt;
    groups.push_back(j);
  }
  nlohmann::ordered_json refused = nlohmann::ordered_json::object();
  for (ReportRefusal why : kReportRefusals) refused[ReportRefusalName(why)] = ReportsRefused(why);
  return {{"reports_accepted", accepted_}, {"reports_rejected", ReportsRejected()}, {"reports_refused", refused},
          {"mapping_version", core_->controller->Table().Version()}, {"groups", groups}};
}

std::uint64_t RoutingControllerService::ReportsRejected() const {
  std::uint64_t total = 0;
  for (std::uint64_t n : refused_) total += n;
  return total;
}

std::string RoutingControllerService::RefusalSummary() const {
  std::string text;
  for (ReportRefusal why : kReportRefusals) {
    text += (text.empty() ? "" : ", ") + std::string(ReportRefusalName(why)) + " " + std::to_string(ReportsRefused(why));
  }
  return text;
}

void RoutingControllerService::OnReport(const Bytes& payload) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(unix_clock_.Now()).count();
  const ReportVerdict verdict = core_->verifier.Check(payload, now_ms);
  if (!verdict.accepted) {
    ++refused_[static_cast<std::size_t>(verdict.refusal)];
    metrics_.Count("controller.reports_rejected", 1, {{"reason", ReportRefusalName(verdict.refusal)}});
    return;
  }
  ++accepted_;
  const ProbeOutcome& outcome = *verdict.accepted;
  const std::string& pop = core_->catalog.pops[outcome.pop].id;
  metrics_.Count("controller.reports_accepted", 1, {{"pop", pop}});
  metrics_.Sample("controller.probe_loss_ratio", clock_.Now(), outcome.loss,
                  {{"pop", pop}, {"group", core_->catalog.groups[outcome.group].id}});
  // Sample time is the controller's own steady clock; the agent's sent_at only bounds the window.
  core_->store.AddSample(outcome.group, outcome.pop, clock_.Now(), outcome.rtt_ms, outcome.loss);
}

}  // namespace cdnlab
