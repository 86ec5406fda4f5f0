#pragma once
#include <array>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "models/net/endpoint.h"
#include "models/ports/metrics_sink.h"
#include "models/routing/authoritative_answerer.h"
#include "models/routing/mapping_controller.h"
#include "models/routing/measurement_store.h"
#include "realnet/net/asio_clock.h"
#include "realnet/net/asio_datagram_transport.h"
#include "realnet/net/unix_time_clock.h"
#include "realnet/dns/authoritative_server.h"
#include "realnet/routing/controller_core.h"
#include "realnet/routing/controller_state_file.h"
#include "realnet/routing/probe_report_verifier.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

// How the controller's DNS answers: the scenario's DNS section, with the policy's choice of ECS
// scopes (as the simulator does). Whatever else serves its mapping (snapshot followers) uses it too.
AuthoritativeConfig ControllerAnswererConfig(const Scenario& scenario, const PolicySpec& policy);

// The mapping controller on real sockets: probe reports arrive as signed JSON datagrams, pass
// a ProbeReportVerifier (refusals are counted by reason and change nothing), feed the same
// MeasurementStore and SelectionPolicy as in simulation, and the MappingController's diffs go to cdnlab's own authoritative DNS server in this process and then, in order, to the
// extra sinks (e.g. a KnotGeoipWriter for Knot as the data plane, a DnsUpdatePublisher for the
// default row in an operator's zone).
class RoutingControllerService {
 public:
  RoutingControllerService(const Scenario& scenario, const PolicySpec& policy, boost::asio::io_context& io,
                           AsioClock& clock, AsioDatagramTransport& transport, MetricsSink& metrics,
                           ProbeReportVerifierConfig report_checks, std::vector<ResolverConfigSink*> extra_sinks = {});
  ~RoutingControllerService();
  void Start();
  void Stop();

  // Restarts (see controller_state_file.h). Call before Start: restores the mapping (DNS answers
  // from it at once, the next version follows it), the measurements and the report sequence
  // numbers from `state`, then keeps them there: at every mapping change, every `save_every`
  // and at Stop. Throws ControllerStateError naming file and field when the kept state is unusable.
  void KeepStateIn(std::unique_ptr<ControllerStateFile> state, Duration save_every,
                   std::function<void(const std::string&)> log);
  // Reloads (SIGHUP): the scenario (PoPs and client groups added, removed or changed, their
  // servers, the answer TTL, the policy's settings) and, when given, new PoP keys. Rebuilds
  // the catalog-sized parts (ControllerCore) and carries over by id the measurements, report
  // sequence numbers and mapping; the DNS server keeps its sockets and answers every query
  // meanwhile. The next mapping version re-sends every row to the sinks (see
  // ResolverConfigSink::Reconfigure), then the controller recomputes. A PoP without a key is
  // withdrawn from every ranking at once. Returns why nothing changed ("" when applied): other
  // zone, hostname or listening addresses, or keys every report would fail.
  std::string Reload(const Scenario& scenario, const PolicySpec& policy, std::optional<FederationIdentity> pop_keys);

  const MappingTable& Table() const { return core_->controller->Table(); }
  // The store the policy ranks: what a beacon collector in this process feeds (rum, hybrid).
  MeasurementStore& Store() { return core_->store; }
  // False for the rum policy, which ranks beacons only (as in simulation): no report socket.
  bool TakesReports() const { return takes_reports_; }
  std::uint16_t DnsPort() const { return dns_->Port(); }
  const RealDnsServer& Dns() const { return *dns_; }
  std::uint64_t ReportsAccepted() const { return accepted_; }
  std::uint64_t ReportsRejected() const;  // all reasons
  std::uint64_t ReportsRefused(ReportRefusal why) const { return refused_[static_cast<std::size_t>(why)]; }
  // "forged 1, replayed 0, ..." for the summary line.
  std::string RefusalSummary() const;
  // Per client group: the PoP its prefix is mapped to and the measured RTT to every PoP
  // (what `compare-runtimes` compares with the simulation).
  nlohmann::ordered_json StateJson() const;

 private:
  // Applies each diff to the local answerer's replica, has the DNS server answer from it,
  // then hands the diff on.
  class LocalDnsSink final : public ResolverConfigSink {
   public:
    LocalDnsSink(AuthoritativeAnswerer& answerer, std::vector<ResolverConfigSink*> next)
        : answerer_(answerer), next_(std::move(next)) {}
    void Serve(RealDnsServer* dns) { dns_ = dns; }
    void AfterEach(std::function<void()> then) { then_ = std::move(then); }
    // While muted (a reload restoring the carried-over mapping into a new core) diffs go nowhere.
    void Mute(bool muted) { muted_ = muted; }
    void Apply(const MappingDiff& diff) override {
      if (muted_) return;
      answerer_.ApplyDiff(diff);
      if (dns_ != nullptr) dns_->Refresh();
      Forward(diff);
    }
    // The diff to the next sinks only (the local answerer was rebuilt by a reload).
    void Forward(const MappingDiff& diff) {
      for (ResolverConfigSink* sink : next_) {
        if (sink != nullptr) sink->Apply(diff);
      }
      if (then_) then_();
    }
    void Reconfigure(const RoutingCatalog& catalog, const AuthoritativeConfig& dns) override {
      for (ResolverConfigSink* sink : next_) {
        if (sink != nullptr) sink->Reconfigure(catalog, dns);
      }
    }

   private:
    AuthoritativeAnswerer& answerer_;
    std::vector<ResolverConfigSink*> next_;
    RealDnsServer* dns_ = nullptr;
    std::function<void()> then_;
    bool muted_ = false;
  };

  void OnReport(const Bytes& payload);
  void SaveState();
  void ScheduleSave();

  Endpoint listen_;
  Endpoint dns_listen_;
  AsioClock& clock_;
  UnixTimeClock unix_clock_;  // what reports' sent_at_ms is checked against
  AsioDatagramTransport& transport_;
  MetricsSink& metrics_;
  ProbeReportVerifierConfig report_checks_;  // with the keys of the last reload: what a new core's verifier takes
  AuthoritativeAnswerer answerer_;
  LocalDnsSink sink_;
  std::unique_ptr<ControllerCore> core_;  // after sink_, which its MappingController feeds
  std::unique_ptr<RealDnsServer> dns_;
  std::unique_ptr<ControllerStateFile> state_;
  Duration save_every_{};
  std::function<void(const std::string&)> log_;
  std::optional<TimerId> save_timer_;
  bool takes_reports_;
  bool running_ = false;
  std::uint64_t accepted_ = 0;
  std::array<std::uint64_t, kReportRefusals.size()> refused_{};
};

}  // namespace cdnlab
