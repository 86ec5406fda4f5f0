#include "cli/realnet/observability.h"

#include <fmt/format.h>

#include "realnet/net/log_line.h"
#include "realnet/net/service_runner.h"

namespace cdnlab::cli {

void AddObservabilityFlags(CLI::App* cmd, ObservabilityOptions& o) {
  cmd->add_option("--metrics-listen", o.metrics_listen,
                  "Serve GET /metrics (Prometheus text format) and GET /healthz on IPV4:PORT, plain HTTP "
                  "(port 0: any free port, logged)");
  cmd->add_option_function<std::string>(
         "--log-format", [](const std::string& format) { SetLogFormat(ParseLogFormat(format)); },
         "Log lines as text, or as json (one object per line: ts, service, level, msg)")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_str("text");
}

ServiceTelemetry::ServiceTelemetry(boost::asio::io_context& io, const ObservabilityOptions& o, std::string service)
    : service_(std::move(service)) {
  if (!o.metrics_listen.empty()) {
    listen_ = ParseEndpointFlag(o.metrics_listen, "--metrics-listen");
    endpoint_ = std::make_unique<MetricsEndpoint>(io, listen_, metrics_, health_);
  }
}

void ServiceTelemetry::Start() {
  if (!endpoint_) return;
  endpoint_->Start();
  WriteLogLine(service_, "info",
               fmt::format("metrics on http://{}:{}/metrics (health: /healthz)", listen_.address.ToString(),
                           endpoint_->Port()));
}

void ServiceTelemetry::Stop() {
  if (endpoint_) endpoint_->Stop();
}

}  // namespace cdnlab::cli
