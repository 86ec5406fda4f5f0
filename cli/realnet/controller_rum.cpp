#include "cli/realnet/controller_rum.h"

#include "realnet/net/service_runner.h"

namespace cdnlab::cli {

void AddControllerRumFlags(CLI::App* controller, ControllerRumOptions& o) {
  controller->add_option("--rum-listen", o.listen,
                         "Also serve the RUM page, its beacons and /rum/state on IPV4:PORT; beacons feed this "
                         "controller's measurement store (policies rum and hybrid)");
  controller->add_option("--rum-object-port", o.object_port,
                         "With --rum-listen: port of the rum-object-server on every PoP server address")
      ->check(CLI::Range(1, 65535));
  controller->add_option("--rum-rate", o.rate_per_s, "With --rum-listen: beacons per second per client address")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  controller->add_option("--rum-burst", o.burst, "With --rum-listen: token bucket size per client address")
      ->check(CLI::Range(1.0, 1e6))
      ->capture_default_str();
  CLI::Option* cert = controller->add_option("--rum-tls-cert", o.tls.cert_chain_file,
                                             "With --rum-listen: PEM certificate chain for the RUM page (HTTPS; the "
                                             "test objects are then fetched over HTTPS too)");
  cert->check(CLI::ExistingFile);
  controller->add_option("--rum-tls-key", o.tls.key_file, "With --rum-listen: the RUM page's PEM private key")
      ->check(CLI::ExistingFile);
  controller->add_flag("--rum-plain-http", o.plain_http, "With --rum-listen: serve the RUM page over plain HTTP")
      ->excludes(cert);
}

std::unique_ptr<RumCollectorService> MakeControllerRum(const ControllerRumOptions& o, const Scenario& s,
                                                       const PolicySpec& policy, boost::asio::io_context& io,
                                                       AsioClock& clock, MetricsSink& metrics,
                                                       RoutingControllerService& controller) {
  if (o.listen.empty()) {
    if (o.object_port != 0) throw CLI::ValidationError("--rum-object-port", "goes with --rum-listen");
    if (policy.kind == PolicyKind::kRum) {
      throw CLI::ValidationError("--rum-listen", "needed: policy '" + policy.name + "' ranks beacons only");
    }
    return nullptr;
  }
  if (!policy.UsesRum()) {
    throw CLI::ValidationError("--rum-listen", "policy '" + policy.name + "' takes no beacons (use rum or hybrid)");
  }
  if (o.object_port == 0) throw CLI::ValidationError("--rum-object-port", "needed with --rum-listen");
  if (o.tls.cert_chain_file.empty() != o.tls.key_file.empty()) {
    throw CLI::ValidationError("--rum-tls-key", "--rum-tls-cert and --rum-tls-key go together");
  }
  if (!o.tls.Enabled() && !o.plain_http) {
    throw CLI::ValidationError("--rum-tls-cert", "the RUM page is served over HTTPS only: give --rum-tls-cert and "
                                                 "--rum-tls-key, or --rum-plain-http to serve plain HTTP");
  }
  RumCollectorConfig config;
  config.listen = ParseEndpointFlag(o.listen, "--rum-listen");
  config.object_port = static_cast<std::uint16_t>(o.object_port);
  config.collector.rate_per_client_per_s = o.rate_per_s;
  config.collector.burst_per_client = o.burst;
  config.tls = o.tls;
  config.objects_over_https = o.tls.Enabled();  // browsers block http:// fetches from an https:// page
  auto collector = std::make_unique<RumCollectorService>(s, policy, io, clock, metrics, config,
                                                         RumMeasurements{controller.Store(), controller.Table()});
  return collector;
}

}  // namespace cdnlab::cli
