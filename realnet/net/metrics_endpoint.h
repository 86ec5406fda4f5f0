#pragma once
// A service's operations endpoint, plain HTTP on an address of the operator's choosing (like
// Knot's or nginx's statistics):
//   GET /metrics  200, text/plain; version=0.0.4 (the Prometheus text format)
//   GET /healthz  200 "ok", or 503 with the reason (draining, no mapping yet, ...)
// HEAD works as GET; other paths 404, other methods 405.
#include <cstdint>

#include <boost/asio/io_context.hpp>

#include "models/net/endpoint.h"
#include "realnet/net/http_server.h"
#include "realnet/net/metrics_registry.h"
#include "realnet/net/service_health.h"

namespace cdnlab {

class MetricsEndpoint {
 public:
  // `metrics` and `health` must outlive the endpoint.
  MetricsEndpoint(boost::asio::io_context& io, Endpoint listen, const MetricsRegistry& metrics,
                  const ServiceHealth& health);
  // Throws std::runtime_error when the address is in use. Port 0 picks a free port (Port()).
  void Start();
  void Stop();
  std::uint16_t Port() const { return http_.Port(); }
  std::uint64_t RequestsServed() const { return http_.RequestsServed(); }

 private:
  StreamingHttpReply Handle(const StreamingHttpRequest& request) const;

  const MetricsRegistry& metrics_;
  const ServiceHealth& health_;
  StreamingHttpServer http_;
};

}  // namespace cdnlab
