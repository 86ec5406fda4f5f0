#include "realnet/net/metrics_endpoint.h"

#include <memory>
#include <string>

namespace cdnlab {

MetricsEndpoint::MetricsEndpoint(boost::asio::io_context& io, Endpoint listen, const MetricsRegistry& metrics,
                                 const ServiceHealth& health)
    : metrics_(metrics),
      health_(health),
      http_(io, listen, StreamingHttpLimits{}, "cdnlab-metrics",
            [this](const StreamingHttpRequest& request, StreamingHttpServer::Respond respond) {
              respond(Handle(request));
            }) {}

void MetricsEndpoint::Start() { http_.Start(); }
void MetricsEndpoint::Stop() { http_.Stop(); }

StreamingHttpReply MetricsEndpoint::Handle(const StreamingHttpRequest& request) const {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path != "/metrics" && path != "/healthz") return StreamingHttpReply::Text(404, "not found: try /metrics or /healthz");
  if (request.method != "GET" && request.method != "HEAD") {
    StreamingHttpReply reply = StreamingHttpReply::Text(405, "only GET and HEAD");
    reply.headers.emplace_back("Allow", "GET, HEAD");
    return reply;
  }
  if (path == "/healthz") {
    const ServiceHealth::Status status = health_.Current();
    return StreamingHttpReply::Text(status.ok ? 200 : 503, status.reason);
  }
  StreamingHttpReply reply;
  reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
  reply.cache_control = "no-store";
  reply.body = std::make_shared<const std::string>(metrics_.Scrape());
  return reply;
}

}  // namespace cdnlab
