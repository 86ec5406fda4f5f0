#include "realnet/routing/probe_agent_service.h"

#include <chrono>
#include <stdexcept>

#include "realnet/routing/catalog.h"
#include "scenarios/routing/probe_scheduler_config.h"

namespace cdnlab {

ProbeAgentService::ProbeAgentService(const Scenario& s, const std::string& pop_id, boost::asio::io_context& io,
                                     AsioClock& clock, AsioDatagramTransport& transport, MetricsSink& metrics,
                                     const std::optional<std::string>& report_secret, ProbeMethod method)
    : full_catalog_(RealnetCatalog(s)), controller_(s.realnet.controller), transport_(transport),
      random_(s.seed, /*stream=*/100), method_(method), unix_clock_(clock) {
  bool found = false;
  for (PopIndex p = 0; p < full_catalog_.pops.size(); ++p) {
    if (full_catalog_.pops[p].id == pop_id) {
      pop_ = p;
      found = true;
    }
  }
  if (!found) throw std::invalid_argument("no PoP with id '" + pop_id + "' in " + s.source);
  own_catalog_ = full_catalog_;
  own_catalog_.pops = {full_catalog_.pops[pop_]};
  std::vector<std::vector<ProbeTrainRunner*>> agents_by_pop(1);
  if (method_ == ProbeMethod::kIcmp) {
    try {
      for (const auto& server : own_catalog_.pops[0].servers) {
        icmp_agents_.push_back(std::make_unique<IcmpEchoAgent>(io, 0, server, clock, clock));
        agents_by_pop[0].push_back(icmp_agents_.back().get());
      }
    } catch (const IcmpNotPermitted& e) {
      fallback_reason_ = e.what();  // "when permitted": probe with UDP instead
      icmp_agents_.clear();
      agents_by_pop[0].clear();
      method_ = ProbeMethod::kUdp;
    }
  }
  if (method_ == ProbeMethod::kUdp) {
    for (const auto& server : own_catalog_.pops[0].servers) {
      agents_.push_back(std::make_unique<ProbeAgent>(0, Endpoint{server, s.realnet.agent_port}, transport, clock, clock));
      agents_by_pop[0].push_back(agents_.back().get());
    }
  }
  // Sequence numbers start at the wall clock in microseconds, so a restarted agent's reports
  // are above those the controller accepted from its previous run.
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(unix_clock_.Now());
  signer_ = std::make_unique<ProbeReportSigner>(full_catalog_, pop_id, report_secret,
                                                static_cast<std::uint64_t>(now_us.count()));
  report_from_ = Endpoint{own_catalog_.pops[0].servers.at(0), static_cast<std::uint16_t>(s.realnet.agent_port + 1)};
  const ProbeSchedulerConfig probing = ProbeSchedulerConfigFor(s.probing, s.realnet.responder_port);
  scheduler_ = std::make_unique<ProbeScheduler>(
      own_catalog_, agents_by_pop, clock, random_, metrics,
      [this, &metrics](ProbeOutcome o) {
        o.pop = pop_;  // the scheduler only knows this PoP as index 0
        const MetricLabels group{{"group", full_catalog_.groups[o.group].id}};
        metrics.Count("agent.probes_sent", o.sent, group);
        metrics.Count("agent.probes_lost", o.sent - o.received, group);
        const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(unix_clock_.Now());
        transport_.Send(report_from_, controller_, signer_->Seal(o, now_ms.count()));
        ++reports_sent_;
      },
      probing);
}

ProbeAgentService::~ProbeAgentService() { Stop(); }

void ProbeAgentService::Start() {
  if (running_) return;
  for (auto& a : agents_) a->Start();
  transport_.Bind(report_from_, [](const Endpoint&, const Bytes&) {});  // send-only
  scheduler_->Start();
  running_ = true;
}

void ProbeAgentService::Stop() {
  if (!running_) return;
  scheduler_->Stop();
  for (auto& a : agents_) a->Stop();
  transport_.Unbind(report_from_);
  running_ = false;
}

}  // namespace cdnlab
