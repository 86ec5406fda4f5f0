#pragma once
// What every long-running `cdnlab realnet` service offers operators, with the same flags
// everywhere:
//   --metrics-listen IPV4:PORT   serve GET /metrics (Prometheus text) and GET /healthz there,
//                                plain HTTP (port 0: the kernel picks one; the log line names it)
//   --log-format text|json       log lines as text (default) or one JSON object per line
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>

#include "realnet/net/metrics_endpoint.h"
#include "realnet/net/metrics_registry.h"
#include "realnet/net/service_health.h"
#include "realnet/net/service_runner.h"

namespace cdnlab::cli {

struct ObservabilityOptions {
  std::string metrics_listen;  // empty: no endpoint
};

// `o` must outlive the command. --log-format takes effect as soon as it is parsed.
void AddObservabilityFlags(CLI::App* cmd, ObservabilityOptions& o);

// One service process's metrics registry (the models' MetricsSink), its health, and the
// endpoint serving both when --metrics-listen was given.
class ServiceTelemetry {
 public:
  // Throws CLI::ValidationError naming --metrics-listen for a malformed address.
  ServiceTelemetry(boost::asio::io_context& io, const ObservabilityOptions& o, std::string service);
  MetricsRegistry& Metrics() { return metrics_; }
  ServiceHealth& Health() { return health_; }
  // Binds the endpoint (throws std::runtime_error when the address is in use) and logs its URL.
  void Start();
  void Stop();
  // /healthz answers 503 "draining" from the runner's first stop signal on, so load balancers
  // stop sending before the listeners close.
  void DrainWith(ServiceRunner& runner) {
    runner.OnDraining([this] { health_.BeginDrain(); });
  }

 private:
  std::string service_;
  Endpoint listen_;
  MetricsRegistry metrics_;
  ServiceHealth health_;
  std::unique_ptr<MetricsEndpoint> endpoint_;
};

}  // namespace cdnlab::cli
