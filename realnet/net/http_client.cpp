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

namespace cdnlab {
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

std::string Describe(const beast::error_code& ec) {
  if (ec == beast::error::timeout) return "timeout";
  if (ec == boost::asio::error::connection_refused) return "connection refused";
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
  Call(boost::asio::io_context& io, std::shared_ptr<Registry> registry, StreamingHttpClientOptions options, Done done)
      : stream_(io), registry_(std::move(registry)), options_(options), done_(std::move(done)) {}
  ~Call() { registry_->erase(this); }

  bool Abandoned() const { return !done_; }

  void Start(const Endpoint& to, http::request<http::string_body> request) {
    request_ = std::move(request);
    stream_.expires_after(options_.timeout);  // one deadline for the whole exchange
    const tcp::endpoint peer(boost::asio::ip::address_v4(to.RequireV4("the HTTP client").value), to.port);
    stream_.async_connect(peer, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return self->Finish(ec);
      http::async_write(self->stream_, self->request_, [self](beast::error_code ec, std::size_t) {
        if (ec) return self->Finish(ec);
        self->parser_.emplace();
        self->parser_->body_limit(self->options_.max_body_bytes);
        self->parser_->skip(self->request_.method() == http::verb::head);  // a length, but no body
        http::async_read(self->stream_, self->buffer_, *self->parser_,
                         [self](beast::error_code ec, std::size_t) { self->Finish(ec); });
      });
    });
  }

  // The client is going away: no callback any more, the socket closes.
  void Abandon() {
    done_ = nullptr;
    beast::error_code ignored;
    stream_.socket().close(ignored);
  }

 private:
  void Finish(beast::error_code ec) {
    registry_->erase(this);
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
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

  beast::tcp_stream stream_;
  std::shared_ptr<Registry> registry_;
  StreamingHttpClientOptions options_;
  Done done_;
  http::request<http::string_body> request_;
  beast::flat_buffer buffer_;
  std::optional<http::response_parser<http::string_body>> parser_;
};

StreamingHttpClient::StreamingHttpClient(boost::asio::io_context& io, StreamingHttpClientOptions options)
    : io_(io), options_(options), calls_(std::make_shared<Call::Registry>()) {}

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
  auto call = std::make_shared<Call>(io_, calls_, options_, std::move(done));
  (*calls_)[call.get()] = call;
  // Started from the io_context, so `done` never runs inside Request() (callers may hold locks
  // or be half-way through updating their state).
  boost::asio::post(io_, [call, to, request = std::move(request)]() mutable {
    if (!call->Abandoned()) call->Start(to, std::move(request));
  });
}

std::size_t StreamingHttpClient::InFlight() const { return calls_->size(); }

}  // namespace cdnlab
