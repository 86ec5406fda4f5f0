#pragma once
// `realnet controller --rum-listen IPV4:PORT --rum-object-port N`: the controller hosts the
// RUM collector (page, beacons, /rum/state) and its beacons feed the controller's own
// measurement store, next to the probe reports, so they steer its DNS answers (policies rum
// and hybrid). The page is HTTPS with --rum-tls-cert/--rum-tls-key (then the test objects on the
// PoP servers are fetched over HTTPS too), or plain HTTP only with --rum-plain-http. Its own
// flags, not the controller's --tls-*: browsers carry no client certificate, while the snapshot
// channel may require one.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>

#include "models/ports/metrics_sink.h"
#include "realnet/net/asio_clock.h"
#include "realnet/net/tls_config.h"
#include "realnet/routing/controller_service.h"
#include "realnet/rum/collector_service.h"
#include "scenarios/core/scenario.h"

namespace cdnlab::cli {

struct ControllerRumOptions {
  std::string listen;  // empty: no collector in the controller
  int object_port = 0;
  double rate_per_s = 2;
  double burst = 10;
  TlsServerConfig tls;      // --rum-tls-cert, --rum-tls-key
  bool plain_http = false;  // --rum-plain-http
};

void AddControllerRumFlags(CLI::App* controller, ControllerRumOptions& options);

// Checks the flags against the policy (rum needs --rum-listen; probe takes none) and builds
// the collector on `controller`'s store, not yet started; nullptr without --rum-listen.
std::unique_ptr<RumCollectorService> MakeControllerRum(const ControllerRumOptions& options, const Scenario& scenario,
                                                       const PolicySpec& policy, boost::asio::io_context& io,
                                                       AsioClock& clock, MetricsSink& metrics,
                                                       RoutingControllerService& controller);

}  // namespace cdnlab::cli
