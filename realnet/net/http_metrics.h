#pragma once
// Every realnet HTTP(S) server's two counters, labelled with which server of the process it is
// ("api", "vip", "admin", ...):
//   cdnlab_http_requests_total{server}
//   cdnlab_http_tls_handshake_failures_total{server}   (refused, broken or timed out)
#include <cstdint>
#include <functional>
#include <string>

#include "realnet/net/http_server.h"
#include "realnet/net/metrics_registry.h"

namespace cdnlab {

void AddHttpServerMetrics(MetricsRegistry& registry, const std::string& server,
                          std::function<std::uint64_t()> requests, std::function<std::uint64_t()> handshakes_failed);
// `http` must outlive the registry's scrapes.
void AddHttpServerMetrics(MetricsRegistry& registry, const std::string& server, const StreamingHttpServer& http);

}  // namespace cdnlab
