#pragma once
#include <memory>
#include <vector>

#include "models/core/seeded_random_source.h"
#include "models/ports/metrics_sink.h"
#include "models/routing/probe_scheduler.h"
#include "realnet/asio_clock.h"
#include "realnet/asio_datagram_transport.h"
#include "scenarios/scenario.h"

namespace cdnlab {

// One PoP's probing on real sockets: a ProbeAgent per server address, the same
// ProbeScheduler as in ns-3 (restricted to this PoP), and every outcome reported to the
// controller as a JSON datagram from <first server>:<agent_port + 1>.
class ProbeAgentService {
 public:
  ProbeAgentService(const Scenario& scenario, const std::string& pop_id, AsioClock& clock,
                    AsioDatagramTransport& transport, MetricsSink& metrics);
  ~ProbeAgentService();
  void Start();
  void Stop();
  std::uint64_t ReportsSent() const { return reports_sent_; }

 private:
  RoutingCatalog full_catalog_;  // ids for reports
  RoutingCatalog own_catalog_;   // just this PoP: the scheduler probes only from here
  PopIndex pop_ = 0;
  Endpoint report_from_;
  Endpoint controller_;
  AsioDatagramTransport& transport_;
  SeededRandomSource random_;
  std::vector<std::unique_ptr<ProbeAgent>> agents_;
  std::unique_ptr<ProbeScheduler> scheduler_;
  bool running_ = false;
  std::uint64_t reports_sent_ = 0;
};

}  // namespace cdnlab
