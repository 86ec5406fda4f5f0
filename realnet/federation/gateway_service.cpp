#include "realnet/federation/gateway_service.h"

#include <functional>
#include <stdexcept>

#include <fmt/format.h>

#include "realnet/federation/directory.h"
#include "scenarios/federation/from_scenario.h"

namespace cdnlab {
namespace {

const FederationPlatform& PlatformOf(const FederationCatalog& catalog, const std::string& platform,
                                     const std::string& source) {
  const FederationPlatform* p = catalog.Platform(platform);
  if (!p) throw std::invalid_argument(source + ": the federation has no platform '" + platform + "'");
  return *p;
}

}  // namespace

FederationGatewayService::FederationGatewayService(const Scenario& scenario, const std::string& platform,
                                                   const std::string& journal_path, boost::asio::io_context& io,
                                                   Log log, MetricsSink& metrics, FederationHttpLimits http_limits)
    : platform_(platform),
      log_(std::move(log)),
      catalog_(BuildFederationCatalog(scenario)),
      identity_(BuildFederationIdentity(scenario).OnlyPrivateKeyOf(PlatformOf(catalog_, platform, scenario.source).id)),
      directory_(RealnetFederationDirectory(scenario, catalog_)),
      asio_clock_(io),
      clock_(asio_clock_),
      transport_(io),
      metrics_(metrics),
      // Retry jitter: seeded per platform, fresh per process start (wall-clock runs are not replays).
      random_(scenario.seed ^ std::hash<std::string>{}(platform), static_cast<std::uint64_t>(clock_.UnixSeconds())),
      messenger_(transport_, clock_, clock_, random_, identity_, directory_, metrics_),
      journal_(journal_path),
      tokens_(identity_) {
  const FederationPlatform& self = PlatformOf(catalog_, platform, scenario.source);
  if (!directory_.EndpointOf(self.gateway)) {
    throw std::invalid_argument(scenario.source + ": realnet.federation_nodes has no address for gateway '" +
                                self.gateway + "'");
  }
  GatewayPorts ports{clock_, clock_, random_, metrics_, journal_};
  cis_ = std::make_unique<CommandInvocationSystem>(platform, catalog_, messenger_, ports,
                                                   BuildRetryPolicy(scenario.federation.retry));
  cis_->OnStatusChange([this](const CommandRecord& r) { OnStatusChange(r); });
  http_ = std::make_unique<FederationHttpApi>(io, *cis_, tokens_, RealnetFederationHttp(scenario, platform),
                                              /*epoch_unix_s=*/0.0, [this] { return clock_.UnixSeconds(); }, http_limits);
  http_->SetLog(log_);
  // A deleted trigger is forgotten for good: a restarted gateway no longer lists it.
  http_->SetForget([this](const std::string& id) { journal_.Remove(id); });
}

FederationGatewayService::~FederationGatewayService() { Stop(); }

void FederationGatewayService::Start() {
  // HTTP first: a port in use stops the process before it resumes (and sends) anything.
  http_->Start();
  starting_ = true;
  cis_->Start();
  starting_ = false;
  started_ = true;
  // Commands resumed without a status change still deserve a line.
  for (const auto& id : cis_->StatusIds()) {
    if (const CommandRecord* r = cis_->Find(id); r && last_status_.count(id) == 0) {
      last_status_[id] = r->status.Status();
      if (!r->status.Final()) log_(fmt::format("{} resumed from the journal: {}", id, ToString(r->status.Status())));
    }
  }
}

void FederationGatewayService::Stop() {
  if (!started_) return;
  started_ = false;
  http_->Stop();
  cis_->Stop();
}

void FederationGatewayService::OnStatusChange(const CommandRecord& r) {
  const TriggerStatus now = r.status.Status();
  auto it = last_status_.find(r.id);
  if (it == last_status_.end()) {
    last_status_[r.id] = now;
    const std::string origin = r.upstream_node.empty() ? "" : " via " + r.upstream_node;
    std::string errors;
    for (const auto& e : r.status.Errors()) errors += (errors.empty() ? "; errors: " : ", ") + ToString(e.code);
    log_(fmt::format("{} {} from {}{} (request {}): {}{}", r.id, starting_ ? "resumed" : "accepted", r.principal,
                     origin, r.request_id, ToString(now), errors));
    return;
  }
  if (it->second == now) return;
  std::string errors;
  for (const auto& e : r.status.Errors()) errors += (errors.empty() ? "; errors: " : ", ") + ToString(e.code);
  log_(fmt::format("{}: {} -> {} ({} of {} targeted servers acknowledged{})", r.id, ToString(it->second),
                   ToString(now), r.AcknowledgedServers().size(), r.TargetedServers().size(), errors));
  it->second = now;
}

}  // namespace cdnlab
