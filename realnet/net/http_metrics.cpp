#include "realnet/net/http_metrics.h"

#include <utility>

namespace cdnlab {

void AddHttpServerMetrics(MetricsRegistry& registry, const std::string& server,
                          std::function<std::uint64_t()> requests, std::function<std::uint64_t()> handshakes_failed) {
  registry.AddCollector([server, requests = std::move(requests),
                         handshakes_failed = std::move(handshakes_failed)](MetricsCollection& out) {
    out.Counter("cdnlab_http_requests", "HTTP requests answered, by server of the process",
                static_cast<double>(requests()), {{"server", server}});
    out.Counter("cdnlab_http_tls_handshake_failures", "TLS handshakes refused, broken or timed out, by server",
                static_cast<double>(handshakes_failed()), {{"server", server}});
  });
}

void AddHttpServerMetrics(MetricsRegistry& registry, const std::string& server, const StreamingHttpServer& http) {
  AddHttpServerMetrics(
      registry, server, [&http] { return http.RequestsServed(); }, [&http] { return http.HandshakesFailed(); });
}

}  // namespace cdnlab
