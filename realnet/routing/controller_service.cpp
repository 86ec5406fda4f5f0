#include "realnet/routing/controller_service.h"

#include <chrono>

#include <fmt/format.h>
#include <stdexcept>

#include "models/routing/geo_policy.h"
#include "models/routing/mapping_target.h"
#include "models/routing/measured_policy.h"
#include "models/routing/random_policy.h"
#include "realnet/routing/catalog.h"
#include "scenarios/core/measured_policy_configs.h"

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
    : catalog_(RealnetCatalog(s)),
      verifier_(catalog_, std::move(report_checks)),
      listen_(s.realnet.controller),
      clock_(clock),
      unix_clock_(clock),
      transport_(transport),
      metrics_(metrics),
      store_(catalog_.groups.size(), catalog_.pops.size(), MeasurementStoreConfigFor(policy)),
      random_(s.seed, /*stream=*/3),
      answerer_(catalog_, ControllerAnswererConfig(s, policy)),
      sink_(answerer_, std::move(extra_sinks)),
      takes_reports_(policy.kind != PolicyKind::kRum) {
  // probe (`measured` in older scenarios), rum and hybrid rank the one store: probe reports and
  // beacons (a RumCollectorService given Store()) feed it, as in the simulator.
  if (policy.IsMeasured()) {
    policy_ = std::make_unique<MeasuredPolicy>(store_, MeasuredPolicyConfigFor(policy));
  } else if (policy.name == "geo") {
    policy_ = std::make_unique<GeoPolicy>(catalog_);
  } else if (policy.name == "random") {
    policy_ = std::make_unique<RandomPolicy>(catalog_, random_);
  } else {
    throw std::invalid_argument("policy '" + policy.name +
                                "' cannot run on a real network (the oracle needs the simulator's ground truth)");
  }
  controller_ = std::make_unique<MappingController>(
      BuildMappingTargets(catalog_), *policy_, sink_, clock_, clock_, metrics_,
      MappingControllerConfig{FromSeconds(s.mapping.recompute_interval_s), static_cast<std::size_t>(s.mapping.ranked_pops)});
  dns_ = std::make_unique<RealDnsServer>(io, answerer_, s.realnet.dns);
  sink_.Serve(dns_.get());
}

RoutingControllerService::~RoutingControllerService() { Stop(); }

void RoutingControllerService::Start() {
  if (running_) return;
  if (takes_reports_) transport_.Bind(listen_, [this](const Endpoint&, const Bytes& payload) { OnReport(payload); });
  dns_->Start();
  controller_->Start();
  running_ = true;
  ScheduleSave();
}

void RoutingControllerService::Stop() {
  if (!running_) return;
  if (save_timer_) clock_.Cancel(*save_timer_);
  save_timer_.reset();
  SaveState();
  controller_->Stop();
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
    for (const auto& cell : kept->cells) store_.Restore(cell.group, cell.pop, cell.saved);
    for (const auto& [pop, sequence] : kept->report_sequences) verifier_.RestoreLastSequence(pop, sequence);
    controller_->Restore(kept->rows, kept->mapping_version);
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
  for (PopIndex p = 0; p < catalog_.pops.size(); ++p) sequences.push_back(verifier_.LastSequence(p));
  try {
    state_->Save(controller_->Table(), store_, sequences, clock_.Now(),
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

void RoutingControllerService::SetPopKeys(FederationIdentity pop_keys) {
  verifier_.SetPopKeys(std::move(pop_keys));
  std::vector<bool> withdrawn(catalog_.pops.size());
  for (PopIndex p = 0; p < catalog_.pops.size(); ++p) withdrawn[p] = !verifier_.MayReport(catalog_.pops[p].id);
  withdrawn_.Set(withdrawn);
  if (!withdrawn_added_ && withdrawn_.Any()) {
    controller_->AddAdjuster(withdrawn_);  // only from the first withdrawal: nothing changes before
    withdrawn_added_ = true;
  }
  if (running_) controller_->RecomputeNow();
}

std::string RoutingControllerService::Reconfigure(const Scenario& s, const PolicySpec& policy) {
  const RoutingCatalog next = RealnetCatalog(s);
  const AuthoritativeConfig dns = WithApexDefaults(ControllerAnswererConfig(s, policy));
  if (dns.zone != answerer_.Config().zone || dns.hostname != answerer_.Config().hostname) {
    return "the zone or the CDN hostname changed (restart the controller for that)";
  }
  if (next.pops.size() != catalog_.pops.size() || next.groups.size() != catalog_.groups.size()) {
    return "PoPs or client groups were added or removed (restart the controller with --state-dir for that)";
  }
  for (std::size_t i = 0; i < next.pops.size(); ++i) {
    if (next.pops[i].id != catalog_.pops[i].id) return "PoP '" + catalog_.pops[i].id + "' was renamed or moved";
  }
  for (std::size_t i = 0; i < next.groups.size(); ++i) {
    if (next.groups[i].id != catalog_.groups[i].id || !(next.groups[i].prefix == catalog_.groups[i].prefix)) {
      return "client group '" + catalog_.groups[i].id + "' changed (restart the controller for that)";
    }
  }
  for (std::size_t i = 0; i < next.pops.size(); ++i) {
    catalog_.pops[i].servers = next.pops[i].servers;
    catalog_.pops[i].servers6 = next.pops[i].servers6;
  }
  // A new answerer with the new TTL and servers, holding the same mapping at the same version.
  AuthoritativeAnswerer fresh(catalog_, dns);
  const MappingTable& table = controller_->Table();
  fresh.ApplyDiff(MappingDiff{0, table.Version(), table.Entries(), {}});
  answerer_ = std::move(fresh);
  dns_->Refresh();
  return "";
}

nlohmann::ordered_json RoutingControllerService::StateJson() const {
  nlohmann::ordered_json groups = nlohmann::ordered_json::array();
  const SimTime now = clock_.Now();
  for (GroupIndex g = 0; g < catalog_.groups.size(); ++g) {
    nlohmann::ordered_json j;
    j["group"] = catalog_.groups[g].id;
    const MappingEntry* row = controller_->Table().Find(catalog_.groups[g].prefix);
    j["pop"] = row != nullptr && !row->ranked_pops.empty() ? nlohmann::ordered_json(catalog_.pops[row->ranked_pops[0]].id)
                                                           : nlohmann::ordered_json(nullptr);
    nlohmann::ordered_json rtt = nlohmann::ordered_json::object();
    for (PopIndex p = 0; p < catalog_.pops.size(); ++p) {
      const auto v = store_.RttMs(g, p, now);
      rtt[catalog_.pops[p].id] = v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
    }
    j["rtt_ms"] = rtt;
    groups.push_back(j);
  }
  nlohmann::ordered_json refused = nlohmann::ordered_json::object();
  for (ReportRefusal why : kReportRefusals) refused[ReportRefusalName(why)] = ReportsRefused(why);
  return {{"reports_accepted", accepted_}, {"reports_rejected", ReportsRejected()}, {"reports_refused", refused},
          {"mapping_version", controller_->Table().Version()}, {"groups", groups}};
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
  const ReportVerdict verdict = verifier_.Check(payload, now_ms);
  if (!verdict.accepted) {
    ++refused_[static_cast<std::size_t>(verdict.refusal)];
    metrics_.Count("controller.reports_rejected", 1, {{"reason", ReportRefusalName(verdict.refusal)}});
    return;
  }
  ++accepted_;
  const ProbeOutcome& outcome = *verdict.accepted;
  const std::string& pop = catalog_.pops[outcome.pop].id;
  metrics_.Count("controller.reports_accepted", 1, {{"pop", pop}});
  metrics_.Sample("controller.probe_loss_ratio", clock_.Now(), outcome.loss,
                  {{"pop", pop}, {"group", catalog_.groups[outcome.group].id}});
  // Sample time is the controller's own steady clock; the agent's sent_at only bounds the window.
  store_.AddSample(outcome.group, outcome.pop, clock_.Now(), outcome.rtt_ms, outcome.loss);
}

}  // namespace cdnlab
