#pragma once
// A StreamingHttpServer on 127.0.0.1 (ephemeral port) answering "hello" to every request, its
// io_context on a thread of its own, for HTTPS tests that drive it with curl or with our client.
#include <chrono>
#include <future>
#include <memory>
#include <thread>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "realnet/net/http_server.h"

namespace cdnlab::testing {

class TlsTestServer {
 public:
  // `tls` disabled: plain HTTP. Throws what EnableTls or Start throws.
  explicit TlsTestServer(const TlsServerConfig& tls, StreamingHttpLimits limits = {})
      : server_(io_, Endpoint{Ipv4Address{0x7F000001}, 0}, limits, "cdnlab-test",
                [](const StreamingHttpRequest& request, StreamingHttpServer::Respond respond) {
                  respond(StreamingHttpReply::Text(200, "hello " + request.target));
                }) {
    if (tls.Enabled()) server_.EnableTls(tls);
    server_.Start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TlsTestServer() {
    OnIo([this] { server_.Stop(); return 0; });
    guard_.reset();
    io_.stop();
    thread_.join();
  }

  std::uint16_t Port() const { return server_.Port(); }
  boost::asio::io_context& Io() { return io_; }
  std::uint64_t HandshakesFailed() {
    return OnIo([this] { return server_.HandshakesFailed(); });
  }
  // Waits (up to 3 s) until the server has counted `n` failed handshakes; the count then.
  std::uint64_t WaitForHandshakesFailed(std::uint64_t n) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (HandshakesFailed() < n && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return HandshakesFailed();
  }

  // Runs `f` on the server's thread and returns its result.
  template <class F>
  auto OnIo(F f) -> decltype(f()) {
    std::promise<decltype(f())> result;
    boost::asio::post(io_, [&] { result.set_value(f()); });
    return result.get_future().get();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_{io_.get_executor()};
  StreamingHttpServer server_;
  std::thread thread_;
};

}  // namespace cdnlab::testing
