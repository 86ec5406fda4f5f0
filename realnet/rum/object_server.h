#pragma once
// A candidate server for the real-user measurement tag: answers GET /rum/test-object (any
// query string, so pages can bust caches) with a fixed-size object, after an optional
// artificial delay so that servers on one loopback interface still differ. It sends
// Timing-Allow-Origin and Access-Control-Allow-Origin: without them a page on another origin
// could neither read the object nor see its Resource Timing. HTTPS when given a certificate.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "models/net/endpoint.h"
#include "models/net/ipv4.h"
#include "realnet/net/http_server.h"

namespace cdnlab {

struct RumObjectServerConfig {
  Endpoint listen;
  std::chrono::milliseconds delay{0};  // before each response starts
  std::size_t object_bytes = 10000;
  TlsServerConfig tls;  // empty: plain HTTP
};

class RumObjectServer {
 public:
  // Throws std::runtime_error naming an unreadable PEM file of config.tls.
  RumObjectServer(boost::asio::io_context& io, RumObjectServerConfig config);
  void Start();  // throws std::runtime_error when it cannot listen
  void Stop();
  // Graceful shutdown: no new connections, the objects in flight (delays included) still sent.
  void Drain() { http_.Drain(); }
  bool Drained() const { return http_.Idle(); }
  std::uint16_t Port() const { return http_.Port(); }
  const StreamingHttpServer& Http() const { return http_; }
  bool Secure() const { return http_.Secure(); }
  std::uint64_t ObjectsServed() const { return served_; }

 private:
  void Handle(const StreamingHttpRequest& request, StreamingHttpServer::Respond respond);

  boost::asio::io_context& io_;
  RumObjectServerConfig config_;
  std::shared_ptr<const std::string> object_;
  std::uint64_t served_ = 0;
  StreamingHttpServer http_;
};

}  // namespace cdnlab
