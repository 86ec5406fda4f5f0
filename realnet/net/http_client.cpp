#include "realnet/net/http_client.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "realnet/net/http_stream.h"
#include "realnet/net/tls_context.h"

namespace cdnlab {
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

std::string Describe(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return "timeout";
  if (ec == boost::asio::error::connection_refused) return "connection refused";
  if (ec.category() == boost::asio::error::get_ssl_category()) return "TLS handshake failed: " + ec.message();
  return ec.message();
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

class StreamingHttpClient::Call : public std::enable_shared_from_this<Call> {
 public:
  using Registry = std::map<Call*, std::weak_ptr<Call>>;
  Call(boost::asio::io_context& io, std::shared_ptr<boost::asio::ssl::context> tls, std::shared_ptr<Registry> registry,
       StreamingHttpClientOptions options, Done done)
      : stream_(io.get_executor(), std::move(tls)), registry_(std::move(registry)), options_(options), done_(std::move(done)) {}
  ~Call() { registry_->erase(this); }

  bool Abandoned() const { return !done_; }

  void Start(const Endpoint& to, http::request<http::string_body> request) {
    request_ = std::move(request);
    stream_.Tcp().expires_after(options_.timeout);  // one deadline for the whole exchange
    const tcp::endpoint peer(boost::asio::ip::address_v4(to.RequireV4("the HTTP client").value), to.port);
    if (SSL* tls = stream_.Native()) {
      // The certificate must name the address dialled (these peers are addressed by IP).
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(tls), to.address.ToString().c_str());
    }
    stream_.Tcp().async_connect(peer, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->Finish(ec);
      self->stream_.AsyncHandshake(HttpStream::Handshake::client, [self](beast::error_code ec) {
        if (ec) return self->Finish(ec);
        self->Exchange();
      });
    });
  }

  // The request out, the response in (after the TLS handshake, if any).
  void Exchange() {
    http::async_write(stream_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->Finish(ec);
      self->parser_.emplace();
      self->parser_->body_limit(self->options_.max_body_bytes);
      self->parser_->skip(self->request_.method() == http::verb::head);  // a length, but no body
      http::async_read(self->stream_, self->buffer_, *self->parser_,
                       [self](beast::error_code ec, std::size_t) { self->Finish(ec); });
    });
  }

  // The client is going away: no callback any more, the socket closes.
  void Abandon() {
    done_ = nullptr;
    stream_.Close();
  }

 private:
  void Finish(beast::error_code ec) {
    registry_->erase(this);
    stream_.Close();
    if (!done_) return;
    StreamingHttpResponse response;
    if (ec) {
      response.error = Describe(ec);
    } else {
      auto message = parser_->release();
      response.ok = true;
      response.status = message.result_int();
      for (const auto& field : message) {
        response.headers[Lower(std::string(field.name_string()))] = std::string(field.value());
      }
      response.body = std::make_shared<const std::string>(std::move(message.body()));
    }
    auto done = std::move(done_);
    done_ = nullptr;
    done(response);
  }

  HttpStream stream_;
  std::shared_ptr<Registry> registry_;
  StreamingHttpClientOptions options_;
  Done done_;
  http::request<http::string_body> request_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

StreamingHttpClient::StreamingHttpClient(boost::asio::io_context& io, StreamingHttpClientOptions options)
    : io_(io),
      options_(options),
      tls_(options_.tls.Enabled() ? MakeClientTlsContext(options_.tls) : nullptr),
      calls_(std::make_shared<Call::Registry>()) {}

StreamingHttpClient::~StreamingHttpClient() {
  std::vector<std::shared_ptr<Call>> open;
  for (auto& [raw, weak] : *calls_) {
    if (auto call = weak.lock()) open.push_back(std::move(call));
  }
  for (auto& call : open) call->Abandon();
}

void StreamingHttpClient::Request(const Endpoint& to, const std::string& method, const std::string& target,
                                  std::string body, const std::string& content_type, Done done) {
  http::request<http::string_body> request(http::string_to_verb(method), target, 11);
  if (request.method() == http::verb::unknown) request.method_string(method);
  request.set(http::field::host, to.ToString());
  request.set(http::field::user_agent, "cdnlab-streaming");
  request.set(http::field::connection, "close");
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  const bool has_body = !body.empty() || method == "PUT" || method == "POST";
  request.body() = std::move(body);
  if (has_body) request.prepare_payload();
  auto call = std::make_shared<Call>(io_, tls_, calls_, options_, std::move(done));
  (*calls_)[call.get()] = call;
  // Started from the io_context, so `done` never runs inside Request() (callers may hold locks
  // or be half-way through updating their state).
  boost::asio::post(io_, [call, to, request = std::move(request)]() mutable {
    if (!call->Abandoned()) call->Start(to, std::move(request));
  });
}

std::size_t StreamingHttpClient::InFlight() const { return calls_->size(); }

}  // namespace cdnlab
