#pragma once
// Helpers for the live-streaming realnet tests: blocking HTTP/1.1 from the test thread
// (the services run on their own io_context thread), free loopback ports, and a tiny
// scripted HTTP server to test clients against.
#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "models/net/endpoint.h"
#include "models/net/ipv4.h"

namespace cdnlab::testing {

inline Endpoint Loopback(std::uint16_t port) { return Endpoint{Ipv4Address{0x7F000001}, port}; }

// A UDP port free right now on 127.0.0.1 (for sockets whose number must be known before
// the service binds it, like an announcement address others send to).
inline std::uint16_t FreeUdpPort() {
  boost::asio::io_context io;
  boost::asio::ip::udp::socket s(io, boost::asio::ip::udp::endpoint(boost::asio::ip::make_address_v4("127.0.0.1"), 0));
  return s.local_endpoint().port();
}

struct HttpResult {
  int status = 0;  // 0: no response (connection refused, closed or timed out)
  std::map<std::string, std::string> headers;
  std::string body;
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// Sends raw bytes to 127.0.0.1:port and reads one response.
inline HttpResult RawHttp(std::uint16_t port, const std::string& bytes, bool head = false, int timeout_s = 5) {
  namespace http = boost::beast::http;
  using boost::asio::ip::tcp;
  HttpResult result;
  boost::asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return result;
  timeval tv{timeout_s, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  boost::asio::write(socket, boost::asio::buffer(bytes), ec);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  parser.skip(head);
  http::read(socket, buffer, parser, ec);
  if (ec) return result;
  const auto& r = parser.get();
  result.status = r.result_int();
  for (const auto& field : r) result.headers[std::string(field.name_string())] = std::string(field.value());
  result.body = r.body();
  return result;
}

inline HttpResult Http(std::uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body = "") {
  std::string out = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!body.empty() || method == "PUT" || method == "POST") {
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return RawHttp(port, out + "\r\n" + body, method == "HEAD");
}

// Retries `f` every 50 ms until it returns true or `seconds` pass.
inline bool Eventually(const std::function<bool()>& f, double seconds = 10) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return f();
}

// A scripted HTTP server on its own thread: for each connection, reads the request head,
// records it, and writes the raw response the script gives for its target (an empty one:
// say nothing and keep the connection open until the server stops).
class ScriptedHttpServer {
 public:
  using Script = std::function<std::string(const std::string& request_head)>;

  explicit ScriptedHttpServer(Script script)
      : script_(std::move(script)),
        acceptor_(io_, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~ScriptedHttpServer() {
    stopping_ = true;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket poke(io_);  // wakes the blocking accept
    poke.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  std::uint16_t Port() const { return acceptor_.local_endpoint().port(); }
  std::vector<std::string> Requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  void Loop() {
    std::vector<boost::asio::ip::tcp::socket> silent;  // held open until the end
    while (!stopping_) {
      boost::asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) break;
      boost::asio::streambuf buffer;
      boost::asio::read_until(socket, buffer, "\r\n\r\n", ec);
      if (ec) continue;
      std::string head(boost::asio::buffers_begin(buffer.data()), boost::asio::buffers_end(buffer.data()));
      {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(head);
      }
      const std::string response = script_(head);
      if (response.empty()) {
        silent.push_back(std::move(socket));
        continue;
      }
      boost::asio::write(socket, boost::asio::buffer(response), ec);
      socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
    }
  }

  Script script_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

// What ffmpeg uploads with `-hls_time 0.5` after its segment `last`: a playlist listing
// seg-0.ts .. seg-<last>.ts (the LL-HLS ingest's parts).
inline std::string HalfSecondSegmentPlaylist(int last) {
  std::string out = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n";
  for (int n = 0; n <= last; ++n) out += "#EXTINF:0.500000,\nseg-" + std::to_string(n) + ".ts\n";
  return out;
}

}  // namespace cdnlab::testing
