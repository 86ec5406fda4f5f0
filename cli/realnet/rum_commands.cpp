#include "cli/realnet/rum_commands.h"

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>

#include "realnet/net/asio_clock.h"
#include "realnet/net/service_runner.h"
#include "realnet/rum/collector_service.h"
#include "realnet/rum/object_server.h"
#include "scenarios/core/ipv4_text.h"
#include "scenarios/core/scenario_error.h"
#include "scenarios/loader/scenario_loader.h"
#include "cli/realnet/observability.h"
#include "cli/realnet/tls_flags.h"
#include "cli/user_errors.h"
#include "models/routing/beacon_collector.h"
#include "models/routing/metric_names.h"
#include "realnet/net/http_metrics.h"

namespace cdnlab::cli {
namespace {

struct RumOptions {
  std::string scenario;
  std::string policy = "rum";
  std::string listen;
  int object_port = 0;
  double for_s = 0;  // 0: until SIGINT/SIGTERM
  double drain_timeout_s = 10;  // after SIGTERM: the longest wait for replies in flight
  std::string state_out;
  double rate_per_s = 2;
  double burst = 10;
  int delay_ms = 0;
  std::size_t object_bytes = 10000;
  ObservabilityOptions obs;  // --metrics-listen, --log-format
  TlsServerConfig tls;
  bool plain_http = false;
  std::string object_scheme;  // collector: empty means the page's own scheme
};

// The scheme of the test-object URLs on the collector's page: the page's own unless told.
bool ObjectsOverHttps(const RumOptions& o) {
  if (o.object_scheme.empty()) return o.tls.Enabled();
  if (o.object_scheme == "http" && o.tls.Enabled()) {
    throw CLI::ValidationError("--object-scheme", "http: the page is served over HTTPS (--tls-cert), and browsers "
                                                  "block its http:// test objects as mixed content");
  }
  return o.object_scheme == "https";
}

void RunCollector(const RumOptions& o) {
  RequireTlsOrPlainHttp(o.tls, o.plain_http, "the RUM collector's page");
  const Scenario s = LoadScenarioFile(o.scenario);
  const PolicySpec* policy = nullptr;
  for (const auto& p : s.policies) {
    if (p.ResultLabel() == o.policy) policy = &p;
  }
  if (policy == nullptr) throw CLI::ValidationError("--policy", "the scenario lists no policy '" + o.policy + "'");
  RumCollectorConfig config;
  config.listen = ParseEndpointFlag(o.listen, "--listen");
  config.object_port = static_cast<std::uint16_t>(o.object_port);
  config.collector.rate_per_client_per_s = o.rate_per_s;
  config.collector.burst_per_client = o.burst;
  config.tls = o.tls;
  config.objects_over_https = ObjectsOverHttps(o);
  boost::asio::io_context io;
  AsioClock clock(io);
  ServiceTelemetry telemetry(io, o.obs, "rum-collector");
  MetricsRegistry& metrics = telemetry.Metrics();
  const auto log = LineLogger("rum-collector");
  // Every verdict listed from the start, at 0.
  for (int v = 0; v <= static_cast<int>(BeaconVerdict::kRateLimited); ++v) {
    metrics.Count(metric::kRumBeacons, 0, {{metric::kLabelVerdict, BeaconVerdictName(static_cast<BeaconVerdict>(v))}});
  }
  RumCollectorService collector(s, *policy, io, clock, metrics, config);
  collector.SetLog(log);
  AddHttpServerMetrics(metrics, "collector", collector.Http());
  collector.Start();
  telemetry.Start();
  log(fmt::format("policy {}, page at {}://{}:{}/, test objects at {}://*:{}{}", policy->ResultLabel(),
                  collector.Secure() ? "https" : "http", config.listen.address.ToString(), collector.Port(),
                  config.objects_over_https ? "https" : "http", o.object_port,
                  o.tls.require_client_cert ? ", client certificates required" : ""));
  ServiceHooks hooks;
  hooks.drain = [&] { collector.Drain(); };
  hooks.drained = [&] { return collector.Drained(); };
  hooks.stop = [&] {
    if (!o.state_out.empty()) std::ofstream(o.state_out, std::ios::trunc) << collector.StateJson().dump(2) << '\n';
    telemetry.Stop();
    collector.Stop();
  };
  ServiceRunner runner(io, "rum-collector");
  telemetry.DrainWith(runner);
  runner.Run(hooks, RunLimits{o.for_s, o.drain_timeout_s});
}

void RunObjectServer(const RumOptions& o) {
  RequireTlsOrPlainHttp(o.tls, o.plain_http, "the RUM test object");
  RumObjectServerConfig config;
  config.listen = ParseEndpointFlag(o.listen, "--listen");
  config.delay = std::chrono::milliseconds(o.delay_ms);
  config.object_bytes = o.object_bytes;
  config.tls = o.tls;
  boost::asio::io_context io;
  ServiceTelemetry telemetry(io, o.obs, "rum-object-server");
  const auto log = LineLogger("rum-object-server");
  RumObjectServer server(io, config);
  AddHttpServerMetrics(telemetry.Metrics(), "objects", server.Http());
  telemetry.Metrics().AddCollector([&server](MetricsCollection& out) {
    out.Counter("cdnlab_rum_objects_served", "Test objects served to the measurement tag",
                static_cast<double>(server.ObjectsServed()));
  });
  server.Start();
  telemetry.Start();
  log(fmt::format("on {}://{}:{}, {} bytes after {} ms", server.Secure() ? "https" : "http",
                  config.listen.address.ToString(), server.Port(), o.object_bytes, o.delay_ms));
  ServiceHooks hooks;
  hooks.drain = [&] { server.Drain(); };
  hooks.drained = [&] { return server.Drained(); };
  hooks.stop = [&] {
    telemetry.Stop();
    server.Stop();
  };
  ServiceRunner runner(io, "rum-object-server");
  telemetry.DrainWith(runner);
  runner.Run(hooks, RunLimits{o.for_s, o.drain_timeout_s});
  log(fmt::format("{} objects served", server.ObjectsServed()));
}

}  // namespace

void AddRumCommands(CLI::App* realnet) {
  auto c = std::make_shared<RumOptions>();
  CLI::App* collector = realnet->add_subcommand(
      "rum-collector", "Serve the page carrying the measurement tag and collect its beacons into the mapping");
  collector->add_option("scenario", c->scenario, "Scenario YAML with a realnet section")
      ->required()
      ->check(CLI::ExistingFile);
  collector->add_option("--policy", c->policy, "Measured policy (label) from the scenario")->capture_default_str();
  collector->add_option("--listen", c->listen, "IPV4:PORT for the page, the beacons and /rum/state")->required();
  collector->add_option("--object-port", c->object_port, "Port of the rum-object-server on every PoP server address")
      ->required()
      ->check(CLI::Range(1, 65535));
  AddTlsServerFlags(collector, c->tls, "the page, the beacons and /rum/state");
  AddPlainHttpFlag(collector, c->plain_http);
  collector->add_option("--object-scheme", c->object_scheme,
                        "How the page reaches the rum-object-servers: https (they run with --tls-cert) or http; "
                        "default: the page's own scheme (an HTTPS page cannot use http)")
      ->check(CLI::IsMember({"http", "https"}));
  collector->add_option("--rate", c->rate_per_s, "Beacons per second per client address (token bucket)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  collector->add_option("--burst", c->burst, "Token bucket size per client address")
      ->check(CLI::Range(1.0, 1e6))
      ->capture_default_str();
  collector->add_option("--state-out", c->state_out, "Write the final state (JSON) here");
  collector->add_option("--for", c->for_s, "Stop after this many seconds (default: until SIGINT/SIGTERM)")
      ->check(CLI::NonNegativeNumber);
  AddDrainTimeoutFlag(collector, c->drain_timeout_s);
  AddObservabilityFlags(collector, c->obs);
  collector->callback([c] { ExitOnServiceError("rum-collector", [&] { RunCollector(*c); }); });

  auto o = std::make_shared<RumOptions>();
  CLI::App* object = realnet->add_subcommand(
      "rum-object-server", "Serve the measurement tag's test object (CORS and Timing-Allow-Origin), optionally delayed");
  object->add_option("--listen", o->listen, "IPV4:PORT to serve on")->required();
  AddTlsServerFlags(object, o->tls, "the test object");
  AddPlainHttpFlag(object, o->plain_http);
  object->add_option("--delay-ms", o->delay_ms, "Wait this long before each response")
      ->check(CLI::Range(0, 60000))
      ->capture_default_str();
  object->add_option("--bytes", o->object_bytes, "Size of the test object")
      ->check(CLI::Range(1, 10 * 1024 * 1024))
      ->capture_default_str();
  object->add_option("--for", o->for_s, "Stop after this many seconds (default: until SIGINT/SIGTERM)")
      ->check(CLI::NonNegativeNumber);
  AddDrainTimeoutFlag(object, o->drain_timeout_s);
  AddObservabilityFlags(object, o->obs);
  object->callback([o] { ExitOnServiceError("rum-object-server", [&] { RunObjectServer(*o); }); });
}

}  // namespace cdnlab::cli
