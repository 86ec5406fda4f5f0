#pragma once
// The RFC 8007 (CDNI Control Interface / Triggers) HTTP front of one platform's command
// invocation system, on Boost.Beast (HTTP/1.1, keep-alive), sharing the gateway's io_context
// thread so every call into the CommandInvocationSystem happens on the thread that owns it.
//   POST   /triggers       application/cdni; ptype=ci-trigger-command: a trigger (201 Created,
//                          Location, the status resource) or a cancel (200 when the named
//                          triggers are final, 202 while some are still cancelling; body: a
//                          collection of those whose cancellation began)
//   GET    /triggers       the caller's triggers as a Trigger Collection ("triggers", ...);
//          /triggers/{pending,active,complete,failed} the same, by status
//   GET    /triggers/ID    the status resource, only to the participant that issued it
//   DELETE /triggers/ID    gone from every collection (204); a trigger still running is cancelled
//   HEAD   as GET, without the body
// Collections and status resources carry a strong ETag, Cache-Control: max-age and Expires
// (as in RFC 8007 section 6); a status resource also Last-Modified (its mtime). A GET or HEAD
// whose If-None-Match matches (weak comparison, RFC 9110 section 13.1.2) is answered 304.
// Every request carries "Authorization: Bearer <token>" (see bearer_token_authority.h).
// Errors are {"error": "<json path>: <message>"} with 400 (bad JSON or shape), 401 (no or
// bad token), 404, 405, 413 (body over the limit), 415 (wrong content type), 431 (header
// over the limit). Slow or silent clients are cut off after a timeout; the number of open
// connections is bounded.
// HTTPS (RFC 8007 section 8), mutual TLS when a client CA is required, with SetTransport. The
// tokens are credentials, so plain HTTP is refused at Start unless the operator allowed it.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "models/federation/command_invocation_system.h"
#include "models/net/endpoint.h"
#include "models/net/ipv4.h"
#include "realnet/federation/bearer_token_authority.h"
#include "realnet/net/tls_config.h"

namespace cdnlab {

struct FederationHttpLimits {
  // A 100,000-URL purge list is about 7 MB of JSON; real purges reach that size.
  std::size_t max_body_bytes = std::size_t{64} << 20;
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::milliseconds io_timeout{10000};  // to read one request, or to write one response
  std::chrono::milliseconds handshake_timeout{5000};  // TLS only: a client silent mid-handshake is cut off
  std::size_t max_connections = 256;
  std::int64_t stale_resource_time_s = 86400;   // advertised: final resources are kept at least this long
  std::int64_t cache_max_age_s = 60;            // Cache-Control: max-age of collections and status resources
};

// How the API is reached: HTTPS when tls is enabled, else plain HTTP only if explicitly allowed.
struct FederationHttpTransport {
  TlsServerConfig tls;
  bool allow_plain_bearer = false;  // bearer tokens in clear: loopback tests, a TLS-terminating proxy
};

class FederationHttpApi {
 public:
  using Log = std::function<void(const std::string& line)>;
  using UnixNow = std::function<std::int64_t()>;
  // Called when a final trigger is deleted, so the owner can drop it from durable storage.
  using Forget = std::function<void(const std::string& status_id)>;

  // `epoch_unix_s`: the Unix time of the CIS clock's zero (0 with UnixTimeClock).
  FederationHttpApi(boost::asio::io_context& io, CommandInvocationSystem& cis, const BearerTokenAuthority& tokens,
                    Endpoint listen, double epoch_unix_s, UnixNow unix_now, FederationHttpLimits limits = {});
  ~FederationHttpApi();
  FederationHttpApi(const FederationHttpApi&) = delete;
  FederationHttpApi& operator=(const FederationHttpApi&) = delete;

  void SetLog(Log log) { log_ = std::move(log); }
  void SetForget(Forget forget) { forget_ = std::move(forget); }

  // Before Start. Throws std::runtime_error naming a PEM file that cannot be read.
  void SetTransport(const FederationHttpTransport& transport);
  // Binds and listens; throws std::runtime_error ("cannot listen on 127.0.0.1:8080: Address
  // already in use", or plain HTTP not allowed). Port 0 picks a free port (see Port()).
  void Start();
  // Closes the listener and every open connection.
  void Stop();
  std::uint16_t Port() const { return port_; }
  // "https://127.0.0.1:8080": what Location headers and collection links start with.
  std::string BaseUrl() const;
  std::uint64_t HandshakesFailed() const;  // TLS handshakes refused, broken or timed out
  std::uint64_t RequestsAnswered() const;  // replies written, errors included

  // What one request produced (exposed for the session; not a public protocol).
  struct Reply {
    unsigned status = 200;
    std::string content_type;
    std::string body;
    std::string location;
    std::string allow;
    bool authenticate = false;  // add WWW-Authenticate: Bearer
    std::string etag;           // a validator of the body (collections and status resources)
    std::optional<std::int64_t> last_modified_unix;
    std::optional<std::int64_t> max_age_s;  // Cache-Control: max-age, with Expires
  };
  class Session;
  struct Link;

 private:
  friend class Session;
  // Checks everything the header alone decides (route, method, token, content type, length).
  // Returns a reply to send (and close) or, when the body should be read, nothing and the principal.
  std::optional<Reply> Precheck(const std::string& method, const std::string& target,
                                const std::string& authorization, const std::string& content_type,
                                std::optional<std::uint64_t> content_length, std::string& principal) const;
  Reply Handle(const std::string& method, const std::string& target, const std::string& principal,
               const std::string& idempotency_key, const std::string& if_none_match, const std::string& body);
  Reply Submit(const std::string& principal, const std::string& idempotency_key, const std::string& body);
  Reply Collection(const std::string& principal, const std::string& which) const;
  Reply StatusOf(const std::string& principal, const std::string& id) const;
  Reply Delete(const std::string& principal, const std::string& id);
  const CommandRecord* Owned(const std::string& principal, const std::string& id) const;
  // Adds the validators and freshness of a GET/HEAD 200; turns it into 304 when If-None-Match matches.
  Reply Conditional(Reply reply, const std::string& if_none_match) const;
  void OnStatusChange(const CommandRecord& record);
  std::string StatusUrl(const std::string& id) const;
  void Accept();

  boost::asio::io_context& io_;
  CommandInvocationSystem& cis_;
  const BearerTokenAuthority& tokens_;
  Endpoint listen_;
  double epoch_unix_s_;
  UnixNow unix_now_;
  FederationHttpLimits limits_;
  Log log_;
  Forget forget_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  bool allow_plain_bearer_ = false;
  std::shared_ptr<Link> link_;
  std::uint16_t port_ = 0;
  std::set<std::string> deleted_;            // hidden at once; kept by the CIS until it restarts
  std::set<std::string> forget_when_final_;  // deleted while running: dropped from the journal when final
};

}  // namespace cdnlab
