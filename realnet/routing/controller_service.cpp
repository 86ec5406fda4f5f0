#include "realnet/routing/controller_service.h"

#include <chrono>
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
}

void RoutingControllerService::Stop() {
  if (!running_) return;
  controller_->Stop();
  dns_->Stop();
  if (takes_reports_) transport_.Unbind(listen_);
  running_ = false;
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
  // Sample time is the controller's own steady clock; the agent's sent_at only bounds the window.
  store_.AddSample(outcome.group, outcome.pop, clock_.Now(), outcome.rtt_ms, outcome.loss);
}

}  // namespace cdnlab
