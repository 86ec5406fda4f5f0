#include "realnet/federation/http_api.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <ctime>
#include <limits>
#include <random>
#include <stdexcept>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "models/federation/codec.h"
#include "realnet/net/http_conditional.h"
#include "realnet/net/http_stream.h"
#include "realnet/net/tls_context.h"

namespace cdnlab {
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr const char* kCommandType = "application/cdni; ptype=ci-trigger-command";
constexpr const char* kStatusType = "application/cdni; ptype=ci-trigger-status";
constexpr const char* kCollectionType = "application/cdni; ptype=ci-trigger-collection";
constexpr const char* kErrorType = "application/json";
const std::array<const char*, 4> kCollections{"pending", "active", "complete", "failed"};

// JSON text of a reply. Messages echo request bytes (a target, a content type), which need
// not be UTF-8: those are replaced, never thrown about.
std::string Dump(const nlohmann::ordered_json& j, int indent = 2) {
  return j.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

FederationHttpApi::Reply Error(unsigned status, const std::string& message) {
  FederationHttpApi::Reply r;
  r.status = status;
  r.content_type = kErrorType;
  r.body = Dump(nlohmann::ordered_json{{"error", message}}, -1);
  return r;
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string Trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

// "application/cdni; ptype=ci-trigger-command" in any case, spacing or quoting of the parameter.
bool IsTriggerCommandType(const std::string& content_type) {
  std::vector<std::string> parts;
  std::size_t from = 0;
  while (true) {
    const auto semi = content_type.find(';', from);
    parts.push_back(Trim(content_type.substr(from, semi == std::string::npos ? std::string::npos : semi - from)));
    if (semi == std::string::npos) break;
    from = semi + 1;
  }
  if (Lower(parts[0]) != "application/cdni") return false;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auto eq = parts[i].find('=');
    if (eq == std::string::npos) continue;
    std::string value = Trim(parts[i].substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (Lower(Trim(parts[i].substr(0, eq))) == "ptype") return value == "ci-trigger-command";
  }
  return false;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size() || HexValue(text[i + 1]) < 0 || HexValue(text[i + 2]) < 0) return std::nullopt;
    out += static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
    i += 2;
  }
  return out;
}

std::string PercentEncode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// What a request path names.
struct Route {
  enum Kind { kNone, kRoot, kCollection, kResource } kind = kNone;
  std::string name;  // collection name or status id
};

Route RouteOf(const std::string& target) {
  const std::string path = target.substr(0, target.find('?'));
  if (path == "/triggers" || path == "/triggers/") return {Route::kRoot, "all"};
  const std::string prefix = "/triggers/";
  if (path.compare(0, prefix.size(), prefix) != 0) return {};
  const auto rest = PercentDecode(path.substr(prefix.size()));
  if (!rest || rest->empty() || rest->find('/') != std::string::npos) return {};
  if (std::find(kCollections.begin(), kCollections.end(), *rest) != kCollections.end()) {
    return {Route::kCollection, *rest};
  }
  return {Route::kResource, *rest};
}

// The status id in a Trigger Status Resource URL ("http://h:p/triggers/ID" or "/triggers/ID").
std::optional<std::string> IdOfStatusUrl(const std::string& url) {
  const auto at = url.rfind("/triggers/");
  if (at == std::string::npos) return std::nullopt;
  const Route route = RouteOf(url.substr(at));
  if (route.kind != Route::kResource) return std::nullopt;
  return route.name;
}

bool InCollection(const std::string& which, TriggerStatus s) {
  if (which == "all") return true;
  if (which == "pending") return s == TriggerStatus::kPending;
  if (which == "active") return s == TriggerStatus::kActive || s == TriggerStatus::kCancelling;
  if (which == "complete") return s == TriggerStatus::kComplete || s == TriggerStatus::kProcessed;
  return s == TriggerStatus::kFailed || s == TriggerStatus::kCancelled;  // "failed"
}

bool ValidIdempotencyKey(const std::string& key) {
  return !key.empty() && key.size() <= 128 &&
         std::all_of(key.begin(), key.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

// Unique across restarts without any state: 128 random bits.
std::string FreshRequestId() {
  static std::random_device device;
  return fmt::format("http-{:08x}{:08x}{:08x}{:08x}", device(), device(), device(), device());
}

}  // namespace

// --- connections ---

struct FederationHttpApi::Link {
  FederationHttpApi* api = nullptr;  // null once the API stopped: handlers still in flight do nothing
  std::vector<std::weak_ptr<Session>> sessions;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: plain HTTP
  std::uint64_t handshakes_failed = 0;
  std::uint64_t replies = 0;  // every reply written, errors included

  std::size_t Open() {
    sessions.erase(std::remove_if(sessions.begin(), sessions.end(), [](const auto& s) { return s.expired(); }),
                   sessions.end());
    return sessions.size();
  }
};

class FederationHttpApi::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<Link> link, FederationHttpLimits limits)
      : stream_(std::move(socket), link->tls), link_(std::move(link)), limits_(limits) {}

  void Start() {
    if (!stream_.Secure()) return ReadHeader();
    stream_.Tcp().expires_after(limits_.handshake_timeout);
    stream_.AsyncHandshake(HttpStream::Handshake::server, [self = shared_from_this()](beast::error_code ec) {
      if (!self->link_->api) return self->Close();
      if (ec) {
        ++self->link_->handshakes_failed;  // wrong CA, no client certificate, plain HTTP, silence
        return self->Close();
      }
      self->ReadHeader();
    });
  }

  void Close() { stream_.Close(); }

 private:
  void ReadHeader() {
    method_.clear();  // an unparsable next request is not answered as the previous one's method
    header_.emplace();
    header_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    // The declared length is judged by Precheck, with a 413. (Not boost::none: Beast 1.74
    // compares a Content-Length against an empty limit as if it were exceeded.)
    header_->body_limit(std::numeric_limits<std::uint64_t>::max());
    stream_.Tcp().expires_after(limits_.io_timeout);
    http::async_read_header(stream_, buffer_, *header_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    FederationHttpApi* api = link_->api;
    if (!api) return;
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == boost::asio::error::operation_aborted ||
        ec == boost::asio::error::connection_reset || ec == boost::asio::error::eof) {
      return Close();
    }
    if (ec == http::error::header_limit) {
      return Send(Error(431, fmt::format("request header over {} bytes", limits_.max_header_bytes)), 11, true, true);
    }
    if (ec) return Send(Error(400, "malformed HTTP request: " + ec.message()), 11, true, true);

    const auto& h = header_->get();
    version_ = h.version();
    method_ = std::string(h.method_string());
    target_ = std::string(h.target());
    idempotency_key_ = std::string(h["Idempotency-Key"]);
    if_none_match_ = std::string(h[http::field::if_none_match]);
    const auto declared = header_->content_length();
    const std::optional<std::uint64_t> length = declared ? std::optional<std::uint64_t>(*declared) : std::nullopt;
    const bool has_body = header_->chunked() || length.value_or(0) > 0;
    std::optional<Reply> reply;
    try {
      reply = api->Precheck(method_, target_, std::string(h[http::field::authorization]),
                            std::string(h[http::field::content_type]), length, principal_);
    } catch (const std::exception& e) {
      reply = Error(500, std::string("internal error: ") + e.what());  // never out into io_context::run
    }
    if (reply) return Send(*reply, version_, true, has_body);
    const bool expect_continue = beast::iequals(h[http::field::expect], "100-continue");
    body_.emplace(std::move(*header_));
    body_->body_limit(limits_.max_body_bytes);
    if (body_->is_done()) return Handle();
    if (expect_continue) {
      // The client waits for this before sending the body (curl does for larger bodies).
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, version_);
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code ec, std::size_t) {
        if (ec) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    stream_.Tcp().expires_after(limits_.io_timeout);
    http::async_read(stream_, buffer_, *body_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (!link_->api) return;
    if (ec == http::error::body_limit) {
      return Send(Error(413, fmt::format("request body over {} bytes", limits_.max_body_bytes)), version_, true, true);
    }
    if (ec == beast::error::timeout || ec == boost::asio::error::operation_aborted) return Close();
    if (ec) return Send(Error(400, "malformed HTTP request body: " + ec.message()), version_, true, true);
    Handle();
  }

  void Handle() {
    FederationHttpApi* api = link_->api;
    const auto& request = body_->get();
    Reply reply;
    try {
      reply = api->Handle(method_, target_, principal_, idempotency_key_, if_none_match_, request.body());
    } catch (const std::exception& e) {
      // E.g. the journal could not write: the command was not accepted durably.
      reply = Error(500, std::string("internal error: ") + e.what());
      if (api->log_) api->log_(std::string("HTTP 500: ") + e.what());
    }
    Send(reply, version_, !request.keep_alive(), false);
  }

  // Writes a reply; then reads the next request, or closes (after draining an unread body
  // with `linger`, so the client sees the reply instead of a connection reset).
  void Send(const Reply& reply, unsigned version, bool close, bool linger) {
    ++link_->replies;
    auto response = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(reply.status),
                                                                         version);
    response->set(http::field::server, "cdnlab-federation");
    const std::int64_t now = link_->api ? link_->api->unix_now_() : static_cast<std::int64_t>(std::time(nullptr));
    response->set(http::field::date, HttpDate(now));
    if (!reply.etag.empty()) response->set(http::field::etag, reply.etag);
    if (reply.last_modified_unix) response->set(http::field::last_modified, HttpDate(*reply.last_modified_unix));
    if (reply.max_age_s) {
      response->set(http::field::cache_control, fmt::format("max-age={}", *reply.max_age_s));
      response->set(http::field::expires, HttpDate(now + *reply.max_age_s));
    }
    if (!reply.content_type.empty()) response->set(http::field::content_type, reply.content_type);
    if (!reply.location.empty()) response->set(http::field::location, reply.location);
    if (!reply.allow.empty()) response->set(http::field::allow, reply.allow);
    if (reply.authenticate) response->set(http::field::www_authenticate, "Bearer");
    response->body() = reply.body;
    response->keep_alive(!close);
    response->prepare_payload();
    if (method_ == "HEAD") response->body().clear();  // the GET's headers, Content-Length included
    stream_.Tcp().expires_after(limits_.io_timeout);
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response, close, linger](beast::error_code ec, std::size_t) {
                        if (ec || !self->link_->api) return self->Close();
                        if (!close) return self->ReadHeader();
                        if (linger) return self->Linger();
                        self->Close();
                      });
  }

  void Linger() {
    beast::error_code ignored;
    stream_.Socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.Tcp().expires_after(std::chrono::seconds(2));
    Drain();
  }

  void Drain() {
    stream_.async_read_some(boost::asio::buffer(drain_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > 8 * self->limits_.max_body_bytes) return self->Close();
      self->Drain();
    });
  }

  HttpStream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<Link> link_;
  FederationHttpLimits limits_;
  std::optional<http::request_parser<http::empty_body>> header_;
  std::optional<http::request_parser<http::string_body>> body_;
  unsigned version_ = 11;
  std::string method_;
  std::string target_;
  std::string idempotency_key_;
  std::string if_none_match_;
  std::string principal_;
  std::array<char, 16384> drain_{};
  std::size_t drained_ = 0;
};

// --- the API ---

FederationHttpApi::FederationHttpApi(boost::asio::io_context& io, CommandInvocationSystem& cis,
                                     const BearerTokenAuthority& tokens, Endpoint listen, double epoch_unix_s,
                                     UnixNow unix_now, FederationHttpLimits limits)
    : io_(io),
      cis_(cis),
      tokens_(tokens),
      listen_(listen),
      epoch_unix_s_(epoch_unix_s),
      unix_now_(std::move(unix_now)),
      limits_(limits),
      link_(std::make_shared<Link>()) {
  // The CIS cannot drop observers: this one outlives the API harmlessly through the link.
  cis_.OnStatusChange([link = link_](const CommandRecord& r) {
    if (link->api) link->api->OnStatusChange(r);
  });
}

FederationHttpApi::~FederationHttpApi() { Stop(); }

void FederationHttpApi::SetTransport(const FederationHttpTransport& transport) {
  link_->tls = transport.tls.Enabled() ? MakeServerTlsContext(transport.tls) : nullptr;
  allow_plain_bearer_ = transport.allow_plain_bearer;
}

std::uint64_t FederationHttpApi::HandshakesFailed() const { return link_->handshakes_failed; }
std::uint64_t FederationHttpApi::RequestsAnswered() const { return link_->replies; }

void FederationHttpApi::Start() {
  if (!link_->tls && !allow_plain_bearer_) {
    throw std::runtime_error("the federation HTTP API on " + listen_.ToString() +
                             " carries bearer tokens: serve it over HTTPS (a certificate and key) or allow "
                             "plain HTTP explicitly");
  }
  const tcp::endpoint endpoint(boost::asio::ip::address_v4(listen_.RequireV4("the federation HTTP API").value), listen_.port);
  auto acceptor = std::make_unique<tcp::acceptor>(io_);
  beast::error_code ec;
  acceptor->open(endpoint.protocol(), ec);
  // A restarted gateway must get its port back at once, even with connections in TIME_WAIT.
  if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen for HTTP on " + listen_.ToString() + ": " + ec.message());
  port_ = acceptor->local_endpoint().port();
  acceptor_ = std::move(acceptor);
  link_->api = this;
  Accept();
}

void FederationHttpApi::Stop() {
  if (!link_->api) return;
  link_->api = nullptr;
  beast::error_code ignored;
  if (acceptor_) acceptor_->close(ignored);
  for (auto& weak : link_->sessions) {
    if (auto session = weak.lock()) session->Close();
  }
  link_->sessions.clear();
}

std::string FederationHttpApi::BaseUrl() const {
  return fmt::format("{}://{}:{}", link_->tls ? "https" : "http", listen_.address.ToString(), port_);
}

std::string FederationHttpApi::StatusUrl(const std::string& id) const {
  return BaseUrl() + "/triggers/" + PercentEncode(id);
}

void FederationHttpApi::Accept() {
  acceptor_->async_accept([this, link = link_](beast::error_code ec, tcp::socket socket) {
    if (!link->api) return;
    if (ec) {
      // Out of descriptors, say: try again shortly rather than spin.
      auto timer = std::make_shared<boost::asio::steady_timer>(io_, std::chrono::milliseconds(100));
      timer->async_wait([this, link, timer](beast::error_code) {
        if (link->api) Accept();
      });
      return;
    }
    if (link->Open() >= limits_.max_connections) {
      beast::error_code ignored;
      socket.close(ignored);  // over the limit: refuse rather than queue without bound
    } else {
      auto session = std::make_shared<Session>(std::move(socket), link, limits_);
      link->sessions.push_back(session);
      session->Start();
    }
    Accept();
  });
}

std::optional<FederationHttpApi::Reply> FederationHttpApi::Precheck(const std::string& method,
                                                                    const std::string& target,
                                                                    const std::string& authorization,
                                                                    const std::string& content_type,
                                                                    std::optional<std::uint64_t> content_length,
                                                                    std::string& principal) const {
  const Route route = RouteOf(target);
  if (route.kind == Route::kNone) return Error(404, "no resource at " + target.substr(0, 200));
  const char* allow = route.kind == Route::kRoot         ? "GET, HEAD, POST"
                      : route.kind == Route::kCollection ? "GET, HEAD"
                                                         : "GET, HEAD, DELETE";
  const bool allowed = method == "GET" || method == "HEAD" || (method == "POST" && route.kind == Route::kRoot) ||
                       (method == "DELETE" && route.kind == Route::kResource);
  if (!allowed) {
    Reply r = Error(405, fmt::format("method {} not allowed here (allowed: {})", method.substr(0, 20), allow));
    r.allow = allow;
    return r;
  }
  std::string token;
  if (authorization.size() > 7 && Lower(authorization.substr(0, 7)) == "bearer ") token = Trim(authorization.substr(7));
  if (token.empty()) {
    Reply r = Error(401, "missing bearer token (send Authorization: Bearer <token>)");
    r.authenticate = true;
    return r;
  }
  const auto verified = tokens_.Verify(token, unix_now_());
  if (!verified.participant) {
    Reply r = Error(401, verified.error);
    r.authenticate = true;
    return r;
  }
  principal = *verified.participant;
  if (method == "POST") {
    if (!IsTriggerCommandType(content_type)) {
      return Error(415, fmt::format("expected Content-Type: {}, got '{}'", kCommandType, content_type.substr(0, 100)));
    }
    if (content_length && *content_length > limits_.max_body_bytes) {
      return Error(413, fmt::format("request body over {} bytes", limits_.max_body_bytes));
    }
  }
  return std::nullopt;
}

FederationHttpApi::Reply FederationHttpApi::Handle(const std::string& method, const std::string& target,
                                                   const std::string& principal, const std::string& idempotency_key,
                                                   const std::string& if_none_match, const std::string& body) {
  const Route route = RouteOf(target);
  if (method == "POST") return Submit(principal, idempotency_key, body);
  if (method == "DELETE") return Delete(principal, route.name);
  // HEAD is answered as GET; the session sends no body.
  return Conditional(route.kind == Route::kResource ? StatusOf(principal, route.name) : Collection(principal, route.name),
                     if_none_match);
}

FederationHttpApi::Reply FederationHttpApi::Conditional(Reply reply, const std::string& if_none_match) const {
  if (reply.status != 200) return reply;
  // The body depends on the caller's token, so shared caches never store it (RFC 9111 section
  // 3.5); max-age is for the caller's own cache, as in RFC 8007 section 6.
  reply.etag = StrongEntityTag(reply.body);
  reply.max_age_s = limits_.cache_max_age_s;
  if (if_none_match.empty() || !IfNoneMatchMatches(if_none_match, reply.etag)) return reply;
  reply.status = 304;  // the same validators and freshness, no content (RFC 9110 section 15.4.5)
  reply.body.clear();
  reply.content_type.clear();
  return reply;
}

void FederationHttpApi::OnStatusChange(const CommandRecord& record) {
  if (record.status.Final() && forget_when_final_.erase(record.id) > 0 && forget_) forget_(record.id);
}

const CommandRecord* FederationHttpApi::Owned(const std::string& principal, const std::string& id) const {
  const CommandRecord* r = cis_.Find(id);
  // Another participant's trigger does not exist for the caller (404, never 403: ids are not disclosed).
  if (!r || r->principal != principal || deleted_.count(id) > 0) return nullptr;
  return r;
}

FederationHttpApi::Reply FederationHttpApi::Submit(const std::string& principal, const std::string& idempotency_key,
                                                   const std::string& body) {
  auto parsed = ParseCiTriggerCommand(body);
  if (const auto* error = std::get_if<FederationCodecError>(&parsed)) return Error(400, error->ToString());
  CiTriggerCommand& command = std::get<CiTriggerCommand>(parsed);

  if (!command.trigger) {
    // Cancel (RFC 8007 section 4.3, errata 5064: {"cancel": [status URLs], "cdn-path": [...]}):
    // every URL must name one of the caller's triggers, else nothing is cancelled.
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < command.cancel.size(); ++i) {
      const auto id = IdOfStatusUrl(command.cancel[i]);
      if (!id || !Owned(principal, *id)) {
        return Error(404, fmt::format("cancel[{}]: no trigger of yours at '{}'", i, command.cancel[i].substr(0, 200)));
      }
      ids.push_back(*id);
    }
    nlohmann::ordered_json triggers = nlohmann::ordered_json::array();
    bool all_final = true;
    for (const auto& id : ids) {
      // A final trigger stays as it is: cancelling a finished command changes nothing.
      if (cis_.Cancel(principal, id)) {
        triggers.push_back(StatusUrl(id));
        if (log_) log_(fmt::format("cancel of {} requested by {}", id, principal));
      }
      if (!cis_.Find(id)->status.Final()) all_final = false;
    }
    // 200 when every named trigger is final now; 202 while some are still "cancelling"
    // (downstream CDNs have not confirmed yet). The body lists those whose cancel began.
    Reply r;
    r.status = all_final ? 200 : 202;
    r.content_type = kCollectionType;
    r.body = Dump(nlohmann::ordered_json{{"triggers", triggers}});
    return r;
  }

  if (!idempotency_key.empty() && !ValidIdempotencyKey(idempotency_key)) {
    return Error(400, "Idempotency-Key: expected 1 to 128 visible ASCII characters");
  }
  TriggerCommand trigger = std::move(*command.trigger);
  if (trigger.cdn_path.empty()) trigger.cdn_path = command.cdn_path;
  const std::string request_id = idempotency_key.empty() ? FreshRequestId() : idempotency_key;
  const std::size_t before = cis_.StatusIds().size();
  const std::string id = cis_.Submit(principal, request_id, std::move(trigger));
  const bool repeated = cis_.StatusIds().size() == before;
  const CommandRecord* record = cis_.Find(id);
  if (!record) return Error(500, "internal error: the accepted trigger vanished");
  // (The gateway logs acceptance itself, for commands from HTTP and from upstream alike.)
  if (repeated && log_) log_(fmt::format("trigger {} repeated by {} (Idempotency-Key {})", id, principal, request_id));
  Reply r;
  r.status = 201;
  r.content_type = kStatusType;
  r.location = StatusUrl(id);
  r.body = Dump(TriggerStatusToJson(*record, epoch_unix_s_));
  return r;
}

FederationHttpApi::Reply FederationHttpApi::StatusOf(const std::string& principal, const std::string& id) const {
  const CommandRecord* record = Owned(principal, id);
  if (!record) return Error(404, fmt::format("no trigger '{}' of yours", id.substr(0, 200)));
  Reply r;
  r.content_type = kStatusType;
  r.body = Dump(TriggerStatusToJson(*record, epoch_unix_s_));
  r.last_modified_unix = static_cast<std::int64_t>(std::floor(epoch_unix_s_ + ToSeconds(record->status.ModifiedAt())));
  return r;
}

FederationHttpApi::Reply FederationHttpApi::Collection(const std::string& principal, const std::string& which) const {
  nlohmann::ordered_json triggers = nlohmann::ordered_json::array();
  for (const auto& id : cis_.StatusIds()) {
    const CommandRecord* record = Owned(principal, id);
    if (record && InCollection(which, record->status.Status())) triggers.push_back(StatusUrl(id));
  }
  // RFC 8007 Trigger Collection: the status resources, how long final ones are kept (only
  // deleted ones go, so the recommended 24 h holds), the filtered collections, our CDN id.
  nlohmann::ordered_json body{{"triggers", triggers}, {"staleresourcetime", limits_.stale_resource_time_s}};
  body["coll-all"] = BaseUrl() + "/triggers";
  for (const char* c : kCollections) body[std::string("coll-") + c] = BaseUrl() + "/triggers/" + c;
  body["cdn-id"] = cis_.Platform();
  Reply r;
  r.content_type = kCollectionType;
  r.body = Dump(body);
  return r;
}

FederationHttpApi::Reply FederationHttpApi::Delete(const std::string& principal, const std::string& id) {
  const CommandRecord* record = Owned(principal, id);
  if (!record) return Error(404, fmt::format("no trigger '{}' of yours", id.substr(0, 200)));
  // RFC 8007 section 4.4: gone from every collection at once; a trigger still running is
  // stopped (cancelled) and dropped from durable storage once it is final (the CIS would
  // journal its last steps again otherwise).
  deleted_.insert(id);
  forget_when_final_.insert(id);
  if (!record->status.Final()) cis_.Cancel(principal, id);
  if (record->status.Final() && forget_when_final_.erase(id) > 0 && forget_) forget_(id);
  if (log_) log_(fmt::format("trigger {} deleted by {}", id, principal));
  Reply r;
  r.status = 204;
  return r;
}

}  // namespace cdnlab
