#include "realnet/rum/object_server.h"

#include <boost/asio/steady_timer.hpp>

namespace cdnlab {
namespace {

constexpr const char* kTestObjectPath = "/rum/test-object";

// Headers every answer carries, errors included, so the page sees them as what they are.
void AddCrossOriginHeaders(StreamingHttpReply& reply) {
  reply.headers.emplace_back("Access-Control-Allow-Origin", "*");
  reply.headers.emplace_back("Timing-Allow-Origin", "*");
}

std::string PathOf(const std::string& target) { return target.substr(0, target.find('?')); }

}  // namespace

RumObjectServer::RumObjectServer(boost::asio::io_context& io, RumObjectServerConfig config)
    : io_(io),
      config_(config),
      object_(std::make_shared<const std::string>(config.object_bytes, 'x')),
      http_(io, config.listen, StreamingHttpLimits{}, "cdnlab-rum-object",
            [this](const StreamingHttpRequest& request, StreamingHttpServer::Respond respond) {
              Handle(request, std::move(respond));
            }) {
  if (config_.tls.Enabled()) http_.EnableTls(config_.tls);
}

void RumObjectServer::Start() { http_.Start(); }
void RumObjectServer::Stop() { http_.Stop(); }

void RumObjectServer::Handle(const StreamingHttpRequest& request, StreamingHttpServer::Respond respond) {
  StreamingHttpReply reply;
  if (PathOf(request.target) != kTestObjectPath) {
    reply = StreamingHttpReply::Text(404, "only " + std::string(kTestObjectPath) + " is served here");
  } else if (request.method == "OPTIONS") {
    reply.status = 204;
    reply.headers.emplace_back("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
  } else if (request.method != "GET" && request.method != "HEAD") {
    reply = StreamingHttpReply::Text(405, "use GET");
    reply.headers.emplace_back("Allow", "GET, HEAD, OPTIONS");
  } else {
    reply.content_type = "application/octet-stream";
    reply.cache_control = "no-store";
    reply.body = object_;
    ++served_;
  }
  AddCrossOriginHeaders(reply);
  if (config_.delay.count() <= 0 || reply.status != 200) return respond(std::move(reply));
  // The delay stands in for distance: the first byte leaves this much later.
  auto timer = std::make_shared<boost::asio::steady_timer>(io_, config_.delay);
  timer->async_wait([timer, respond = std::move(respond), reply = std::move(reply)](const boost::system::error_code&) {
    respond(reply);
  });
}

}  // namespace cdnlab
