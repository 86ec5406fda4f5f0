#include "realnet/net/http_server.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>
#include <stdexcept>
#include <unordered_map>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>

#include "realnet/net/http_stream.h"
#include "realnet/net/tls_context.h"

namespace cdnlab {
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

// A response body that is a shared immutable string: written straight from the cache's copy.
struct SharedStringBody {
  using value_type = std::shared_ptr<const std::string>;
  static std::uint64_t size(const value_type& body) { return body ? body->size() : 0; }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;
    template <bool isRequest, class Fields>
    writer(const http::header<isRequest, Fields>&, const value_type& body) : body_(body) {}
    void init(beast::error_code& ec) { ec = {}; }
    boost::optional<std::pair<const_buffers_type, bool>> get(beast::error_code& ec) {
      ec = {};
      if (!body_ || body_->empty()) return boost::none;
      return std::make_pair(const_buffers_type(body_->data(), body_->size()), false);
    }

   private:
    const value_type& body_;
  };
};

}  // namespace

const std::string& StreamingHttpRequest::Header(const std::string& name) const {
  static const std::string kEmpty;
  const auto it = headers.find(name);
  return it == headers.end() ? kEmpty : it->second;
}

StreamingHttpReply StreamingHttpReply::Text(unsigned status, std::string text) {
  StreamingHttpReply r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.cache_control = "no-store";
  r.body = std::make_shared<const std::string>(std::move(text) + "\n");
  return r;
}

struct StreamingHttpServer::Shared {
  Handler handler;
  StreamingHttpLimits limits;
  std::string name;
  bool running = false;
  bool draining = false;  // no new connections; each closes after its reply in flight
  std::uint64_t served = 0;
  std::uint64_t handshakes_failed = 0;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: plain HTTP
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // to close them on Stop
};

class StreamingHttpServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Shared> shared)
      : stream_(std::move(socket), shared->tls), shared_(std::move(shared)) {}
  ~Session() { shared_->sessions.erase(this); }

  void Start() {
    shared_->sessions[this] = weak_from_this();
    beast::error_code ignored;
    stream_.Socket().set_option(tcp::no_delay(true), ignored);  // replies are one write each
    if (!stream_.Secure()) return Read();
    stream_.Tcp().expires_after(shared_->limits.handshake_timeout);
    stream_.AsyncHandshake(HttpStream::Handshake::server, [self = shared_from_this()](beast::error_code ec) {
      if (!self->shared_->running) return self->Close();
      if (ec) {
        ++self->shared_->handshakes_failed;  // wrong CA, no client certificate, plain HTTP, silence
        return self->Close();
      }
      self->Read();
    });
  }

  void Close() { stream_.Close(); }
  bool Busy() const { return busy_; }  // a request read and not yet answered

 private:
  void Read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_->limits.max_header_bytes));
    parser_->body_limit(shared_->limits.max_body_bytes);
    stream_.Tcp().expires_after(shared_->limits.io_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (!shared_->running) return Close();
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == boost::asio::error::operation_aborted || ec == boost::asio::error::connection_reset ||
        ec == boost::asio::error::eof) {
      return Close();
    }
    keep_alive_ = false;
    head_ = false;
    version_ = 11;
    if (ec == http::error::body_limit) {
      return Write(StreamingHttpReply::Text(413, fmt::format("body over {} bytes", shared_->limits.max_body_bytes)));
    }
    if (ec == http::error::header_limit) return Write(StreamingHttpReply::Text(431, "request header too large"));
    if (ec) return Write(StreamingHttpReply::Text(400, "malformed HTTP request: " + ec.message()));

    auto& message = parser_->get();
    version_ = message.version();
    keep_alive_ = message.keep_alive();
    StreamingHttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.content_type = std::string(message[http::field::content_type]);
    request.body = std::move(message.body());
    for (const auto& field : message) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      auto [it, inserted] = request.headers.emplace(std::move(name), std::string(field.value()));
      if (!inserted) it->second += ", " + std::string(field.value());  // RFC 9110 5.3
    }
    beast::error_code peer_ec;
    const tcp::endpoint peer = stream_.Socket().remote_endpoint(peer_ec);
    if (!peer_ec && peer.address().is_v4()) {
      request.peer = Endpoint{Ipv4Address{peer.address().to_v4().to_uint()}, peer.port()};
    }
    head_ = message.method() == http::verb::head;
    ++shared_->served;
    busy_ = true;
    // The reply may come later (or from inside the handler): it is written when it does.
    // Nothing else is read meanwhile, so exactly one reply is outstanding per connection.
    // `respond` owns the session: while nothing is read or written, it is what keeps the
    // connection open for the reply (dropping it unanswered closes the connection).
    auto answered = std::make_shared<bool>(false);
    Respond respond = [self = shared_from_this(), answered](StreamingHttpReply reply) {
      if (*answered) return;
      *answered = true;
      if (self->shared_->running) self->Write(std::move(reply));
    };
    try {
      shared_->handler(request, respond);
    } catch (const std::exception& e) {
      respond(StreamingHttpReply::Text(500, std::string("internal error: ") + e.what()));
    }
  }

  void Write(StreamingHttpReply reply) {
    auto response = std::make_shared<http::response<SharedStringBody>>(static_cast<http::status>(reply.status),
                                                                        version_);
    response->set(http::field::server, shared_->name);
    if (!reply.content_type.empty()) response->set(http::field::content_type, reply.content_type);
    if (!reply.cache_control.empty()) response->set(http::field::cache_control, reply.cache_control);
    for (const auto& [name, value] : reply.headers) response->set(name, value);
    response->keep_alive(keep_alive_ && !shared_->draining);
    if (reply.status == 204 || reply.status == 304) {
      reply.body.reset();  // never a body, nor a Content-Length (RFC 9110, 8.6)
    } else {
      const std::uint64_t length = reply.body ? reply.body->size() : 0;
      if (!head_) response->body() = std::move(reply.body);
      response->content_length(length);  // HEAD: the GET's length, no body
    }
    stream_.Tcp().expires_after(shared_->limits.io_timeout);
    http::async_write(stream_, *response, [self = shared_from_this(), response](beast::error_code ec, std::size_t) {
      self->busy_ = false;
      if (ec || !self->shared_->running || self->shared_->draining || !self->keep_alive_) return self->Close();
      self->Read();
    });
  }

  HttpStream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<Shared> shared_;
  std::optional<http::request_parser<http::string_body>> parser_;
  unsigned version_ = 11;
  bool keep_alive_ = false;
  bool head_ = false;
  bool busy_ = false;
};

StreamingHttpServer::StreamingHttpServer(boost::asio::io_context& io, Endpoint listen, StreamingHttpLimits limits,
                                         std::string name, Handler handler)
    : io_(io), listen_(listen), shared_(std::make_shared<Shared>()) {
  shared_->handler = std::move(handler);
  shared_->limits = limits;
  shared_->name = std::move(name);
}

StreamingHttpServer::~StreamingHttpServer() { Stop(); }

void StreamingHttpServer::Start() {
  const tcp::endpoint at(boost::asio::ip::address_v4(listen_.RequireV4("the HTTP server").value), listen_.port);
  auto acceptor = std::make_unique<tcp::acceptor>(io_);
  beast::error_code ec;
  acceptor->open(at.protocol(), ec);
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(at, ec);
  if (!ec) acceptor->listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot listen on {}: {}", listen_.ToString(), ec.message()));
  port_ = acceptor->local_endpoint().port();
  acceptor_ = std::move(acceptor);
  shared_->running = true;
  Accept();
}

void StreamingHttpServer::Stop() {
  if (!shared_->running) return;
  shared_->running = false;
  beast::error_code ignored;
  if (acceptor_) acceptor_->close(ignored);
  // Copy first: closing may end a session, which erases itself from the map.
  std::vector<std::shared_ptr<Session>> open;
  for (auto& [raw, weak] : shared_->sessions) {
    if (auto s = weak.lock()) open.push_back(std::move(s));
  }
  for (auto& s : open) s->Close();
}

void StreamingHttpServer::Drain() {
  if (!shared_->running || shared_->draining) return;
  shared_->draining = true;
  beast::error_code ignored;
  if (acceptor_) acceptor_->close(ignored);
  std::vector<std::shared_ptr<Session>> idle;
  for (auto& [raw, weak] : shared_->sessions) {
    if (auto s = weak.lock(); s && !s->Busy()) idle.push_back(std::move(s));
  }
  for (auto& s : idle) s->Close();
}

bool StreamingHttpServer::Idle() const { return shared_->sessions.empty(); }

std::uint64_t StreamingHttpServer::RequestsServed() const { return shared_->served; }

std::uint64_t StreamingHttpServer::HandshakesFailed() const { return shared_->handshakes_failed; }

void StreamingHttpServer::EnableTls(const TlsServerConfig& tls) { shared_->tls = MakeServerTlsContext(tls); }

bool StreamingHttpServer::Secure() const { return shared_->tls != nullptr; }

void StreamingHttpServer::Accept() {
  acceptor_->async_accept([this, shared = shared_](beast::error_code ec, tcp::socket socket) {
    if (!shared->running || shared->draining) return;  // stopped: `this` may be gone
    if (ec) {
      // Out of descriptors or the like: try again shortly instead of spinning.
      auto pause = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::milliseconds(50));
      pause->async_wait([this, shared, pause](beast::error_code) {
        if (shared->running) Accept();
      });
      return;
    }
    if (shared->sessions.size() >= shared->limits.max_connections) {
      beast::error_code ignored;
      socket.close(ignored);  // over the bound: refused at once rather than queued
    } else {
      std::make_shared<Session>(std::move(socket), shared)->Start();
    }
    Accept();
  });
}

}  // namespace cdnlab
