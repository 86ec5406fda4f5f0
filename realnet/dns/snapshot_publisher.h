#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "models/net/endpoint.h"
#include "models/federation/identity.h"
#include "models/ports/resolver_config_sink.h"
#include "models/routing/mapping_table.h"
#include "realnet/dns/mapping_snapshot.h"
#include "realnet/net/http_server.h"

namespace cdnlab {

// The controller's side of "many DNS servers": each mapping version becomes one signed
// snapshot (MappingSnapshot), served over HTTP to any number of followers:
//   GET /mapping/snapshot              the newest snapshot (503 before the first version)
//   GET /mapping/snapshot?after=N      long poll: the newest at once if newer than N, else
//                                      held until a newer version or `hold` (then 204)
//   GET /healthz                       "ok <version>"
// Replies carry X-Cdnlab-Mapping-Version. Followers verify the signature, so the content needs
// no trust in the channel; HTTPS (EnableTls, mutual when a client CA is required) keeps the
// mapping private and admits only the DNS servers holding a client certificate.
class SnapshotPublisher final : public ResolverConfigSink {
 public:
  SnapshotPublisher(boost::asio::io_context& io, const RoutingCatalog& catalog, AuthoritativeConfig dns,
                    FederationIdentity identity, std::string signer, Endpoint listen,
                    std::chrono::milliseconds hold = std::chrono::seconds(25));
  ~SnapshotPublisher() override;
  // HTTPS instead of HTTP (before Start); throws std::runtime_error naming an unreadable PEM file.
  void EnableTls(const TlsServerConfig& tls) { http_.EnableTls(tls); }
  std::uint64_t HandshakesFailed() const { return http_.HandshakesFailed(); }
  std::uint64_t RequestsServed() const { return http_.RequestsServed(); }
  void Start();  // throws std::runtime_error when the address is taken
  void Stop();
  // Graceful shutdown: no new connections; the polls held for a newer version are answered now
  // (204), so followers are not kept waiting for the hold. Drained() once every reply is out.
  void Drain();
  bool Drained() const { return http_.Idle(); }
  std::uint16_t Port() const { return http_.Port(); }

  void Apply(const MappingDiff& diff) override;
  // A reloaded TTL or PoP servers (SIGHUP): in every snapshot from the next version on (followers
  // take only newer versions, so the current one is not re-signed).
  void Reconfigure(const RoutingCatalog& catalog, const AuthoritativeConfig& dns) override {
    pops_ = catalog.pops;
    dns_ = WithApexDefaults(dns);
  }
  std::uint64_t Version() const { return table_.Version(); }
  std::uint64_t SnapshotsServed() const { return served_; }

 private:
  struct Waiter {
    std::uint64_t after;
    StreamingHttpServer::Respond respond;
    std::unique_ptr<boost::asio::steady_timer> timer;
  };
  void Handle(const StreamingHttpRequest& request, StreamingHttpServer::Respond respond);
  StreamingHttpReply Current();

  boost::asio::io_context& io_;
  std::vector<PopInfo> pops_;
  AuthoritativeConfig dns_;
  FederationIdentity identity_;
  std::string signer_;
  std::chrono::milliseconds hold_;
  MappingTable table_;  // replica of the controller's
  std::shared_ptr<const std::string> signed_;
  std::vector<std::shared_ptr<Waiter>> waiters_;
  std::uint64_t served_ = 0;
  StreamingHttpServer http_;
};

}  // namespace cdnlab
