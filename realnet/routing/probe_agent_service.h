#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/net/endpoint.h"
#include "models/core/seeded_random_source.h"
#include "models/ports/metrics_sink.h"
#include "models/routing/probe_scheduler.h"
#include "realnet/net/asio_clock.h"
#include "realnet/net/asio_datagram_transport.h"
#include "realnet/net/unix_time_clock.h"
#include "realnet/routing/icmp_echo_agent.h"
#include "realnet/routing/probe_report_signer.h"
#include "scenarios/core/scenario.h"

namespace cdnlab {

enum class ProbeMethod { kUdp, kIcmp };

// One PoP's probing on real sockets: a probe runner per server address (UDP ProbeAgent, or
// ICMP echo where permitted, falling back to UDP otherwise), the same ProbeScheduler as in
// ns-3 (restricted to this PoP), and every outcome reported to the controller as a JSON
// datagram signed with the PoP's key (ProbeReportSigner) from <first server>:<agent_port + 1>.
class ProbeAgentService {
 public:
  // `report_secret`: the PoP's secret (pop_keys.h); nullopt sends unsigned reports.
  ProbeAgentService(const Scenario& scenario, const std::string& pop_id, boost::asio::io_context& io, AsioClock& clock,
                    AsioDatagramTransport& transport, MetricsSink& metrics,
                    const std::optional<std::string>& report_secret, ProbeMethod method = ProbeMethod::kUdp);
  ~ProbeAgentService();
  void Start();
  void Stop();
  std::uint64_t ReportsSent() const { return reports_sent_; }
  ProbeMethod Method() const { return method_; }
  const std::string& FallbackReason() const { return fallback_reason_; }  // why ICMP was not used

 private:
  RoutingCatalog full_catalog_;  // ids for reports
  RoutingCatalog own_catalog_;   // just this PoP: the scheduler probes only from here
  PopIndex pop_ = 0;
  Endpoint report_from_;
  Endpoint controller_;
  AsioDatagramTransport& transport_;
  SeededRandomSource random_;
  ProbeMethod method_;
  std::string fallback_reason_;
  std::vector<std::unique_ptr<ProbeAgent>> agents_;          // UDP
  std::vector<std::unique_ptr<IcmpEchoAgent>> icmp_agents_;  // ICMP
  UnixTimeClock unix_clock_;  // reports' sent_at_ms
  std::unique_ptr<ProbeReportSigner> signer_;
  std::unique_ptr<ProbeScheduler> scheduler_;
  bool running_ = false;
  std::uint64_t reports_sent_ = 0;
};

}  // namespace cdnlab
