#pragma once
// One-shot HTTP/1.1 requests for the live-streaming services (a cache asking its parent or an
// ingest, the balancer proxying an upload, an ingest registering with the balancer), on Beast
// over the caller's io_context thread. One connection per request ("Connection: close"):
// these requests are few (a playlist a second, a segment every few seconds per stream) and a
// fresh connection is what notices a dead peer at once. Every request has one deadline for
// connect, write and read together; `done` is called exactly once on the io_context thread,
// never from inside Request(). Destroying the client drops the callbacks still pending.
// HTTPS when the options carry a CA file: the server's certificate must chain to it and name
// the address connected to (subjectAltName IP); a client certificate is presented if given.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include "models/net/endpoint.h"
#include "models/net/ipv4.h"
#include "realnet/net/tls_config.h"

namespace cdnlab {

struct StreamingHttpResponse {
  bool ok = false;       // a complete response arrived (any status)
  std::string error;     // why not, when !ok: "connection refused", "timeout", ...
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // field names lower-case
  std::shared_ptr<const std::string> body;     // never null when ok
};

struct StreamingHttpClientOptions {
  std::chrono::milliseconds timeout{3000};
  std::size_t max_body_bytes = 64 << 20;
  TlsClientConfig tls{};  // empty: plain HTTP
};

class StreamingHttpClient {
 public:
  using Done = std::function<void(const StreamingHttpResponse&)>;

  // Throws std::runtime_error naming the PEM file when options.tls cannot be loaded.
  StreamingHttpClient(boost::asio::io_context& io, StreamingHttpClientOptions options = {});
  ~StreamingHttpClient();
  StreamingHttpClient(const StreamingHttpClient&) = delete;
  StreamingHttpClient& operator=(const StreamingHttpClient&) = delete;

  // `target`: "/news/seg-3.ts". An empty content_type sends none.
  void Request(const Endpoint& to, const std::string& method, const std::string& target, std::string body,
               const std::string& content_type, Done done);
  std::size_t InFlight() const;

  class Call;

 private:
  boost::asio::io_context& io_;
  StreamingHttpClientOptions options_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // null: plain HTTP
  std::shared_ptr<std::map<Call*, std::weak_ptr<Call>>> calls_;
};

}  // namespace cdnlab
