#pragma once
// The HTTP/1.1 front shared by the live-streaming services (ingest, balancer, caches), on
// Boost.Beast over the process's one io_context thread. A handler receives each request and
// answers later through `respond` (a cache miss waits for its parent, a proxied upload for
// an ingest), so the connection waits for that reply before reading the next request.
// Bodies are answered from shared, immutable strings: a cached segment is written to every
// viewer without a copy. HEAD is answered as GET without the body. Keep-alive, bounded
// header and body sizes, a timeout on every read and write, a bounded number of connections.
// HTTPS when given a certificate (EnableTls): TLS 1.2+, optionally mutual; a connection whose
// handshake fails or stalls past its timeout is closed and counted (HandshakesFailed).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "models/net/endpoint.h"
#include "models/net/ipv4.h"
#include "realnet/net/tls_config.h"

namespace cdnlab {

struct StreamingHttpRequest {
  std::string method;  // "GET", "HEAD", "PUT", ...
  std::string target;  // as sent: "/news/seg-3.ts"
  std::string content_type;
  std::string body;
  Endpoint peer;  // the client's address and port, from the socket
  // Every header field, names lower-case (a repeated field: its values joined by ", ").
  std::map<std::string, std::string> headers;

  // The field's value, or "" when absent. `name` lower-case.
  const std::string& Header(const std::string& name) const;
};

struct StreamingHttpReply {
  unsigned status = 200;
  std::string content_type;
  std::string cache_control;
  std::vector<std::pair<std::string, std::string>> headers;  // any others
  std::shared_ptr<const std::string> body;                   // null: empty

  static StreamingHttpReply Text(unsigned status, std::string text);  // text/plain
};

struct StreamingHttpLimits {
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 16 * 1024;
  // To read one request (body included: an upload streamed as it is encoded takes a segment's
  // duration), or to write one reply.
  std::chrono::milliseconds io_timeout{10000};
  std::size_t max_connections = 1024;
  std::chrono::milliseconds handshake_timeout{5000};  // TLS only: a client silent mid-handshake is cut off
};

// For servers that take publisher uploads: large bodies, each streamed for up to a minute
// (ffmpeg PUTs a segment while it encodes it).
inline StreamingHttpLimits UploadLimits(std::size_t max_body_bytes) {
  StreamingHttpLimits limits;
  limits.max_body_bytes = max_body_bytes;
  limits.io_timeout = std::chrono::milliseconds(60000);
  return limits;
}

class StreamingHttpServer {
 public:
  using Respond = std::function<void(StreamingHttpReply)>;  // call once; later calls are ignored
  using Handler = std::function<void(const StreamingHttpRequest&, Respond)>;

  // `name`: the Server header. The handler runs on the io_context's thread.
  StreamingHttpServer(boost::asio::io_context& io, Endpoint listen, StreamingHttpLimits limits, std::string name,
                      Handler handler);
  ~StreamingHttpServer();
  StreamingHttpServer(const StreamingHttpServer&) = delete;
  StreamingHttpServer& operator=(const StreamingHttpServer&) = delete;

  // Serve HTTPS instead of HTTP (call before Start). Throws std::runtime_error naming the PEM
  // file that cannot be read, or a key that does not match its certificate.
  void EnableTls(const TlsServerConfig& tls);
  bool Secure() const;
  // Binds and listens; throws std::runtime_error ("cannot listen on 127.0.0.1:8080: Address
  // already in use"). Port 0 picks a free port (see Port()).
  void Start();
  // Closes the listener and every connection; replies still pending are dropped.
  void Stop();
  // A graceful shutdown (as nginx's): closes the listener and the idle connections; a request
  // in flight still gets its reply, sent with "Connection: close", then its connection closes.
  void Drain();
  bool Idle() const;  // no connection left open (what a drain waits for)
  std::uint16_t Port() const { return port_; }
  std::uint64_t RequestsServed() const;
  std::uint64_t HandshakesFailed() const;  // TLS handshakes refused, broken or timed out

  class Session;
  struct Shared;

 private:
  void Accept();

  boost::asio::io_context& io_;
  Endpoint listen_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::shared_ptr<Shared> shared_;
  std::uint16_t port_ = 0;
};

}  // namespace cdnlab
