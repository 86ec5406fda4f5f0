#pragma once
// The ingest pool's one virtual address on real sockets (`cdnlab realnet stream-balancer`):
//  - VIP (HTTP): a publisher's PUT /<stream>/... is proxied to the ingest that
//    IngestBalancer::Route(stream) picks (sticky per stream); GET/HEAD go to the stream's
//    current ingest (IngestOf: a read opens no publisher session). One log line per routing
//    decision. A proxied upload that fails in transport (refused, reset, timeout) changes no
//    health state by itself: it waits until the health checker has judged that ingest (or
//    at most the checker's detection time), is routed again and retried once, so a
//    publisher's upload lands on a healthy ingest as soon as the checker has noticed.
//  - admin (HTTP): POST /members {"id","http":"IP:PORT","health":"IP:PORT"} adds a member
//    (an ingest registers itself on start; nothing else is configured), GET /members lists
//    them, DELETE /members/<id> removes one.
//  - a MemberHealthChecker probing every member (UDP from the admin address, ephemeral
//    port); its changes go to IngestBalancer::SetHealthy.
// HTTPS on both endpoints when the config has a certificate (mutual with a client CA: ingests
// then register with a certificate); uploads reach the ingests over HTTPS with upstream_tls.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "models/net/endpoint.h"
#include "models/ports/datagram_transport.h"
#include "models/streaming/ingest_balancer.h"
#include "models/streaming/member_health_checker.h"
#include "realnet/net/asio_clock.h"
#include "realnet/net/http_client.h"
#include "realnet/net/http_server.h"

namespace cdnlab {

struct BalancerServiceConfig {
  Endpoint vip;
  Endpoint admin;
  IngestBalancing mode = IngestBalancing::kConsistentHash;
  HealthCheckConfig health;
  std::chrono::milliseconds proxy_timeout{5000};
  std::size_t max_upload_bytes = 64 << 20;
  TlsServerConfig tls;           // the VIP and the admin endpoint; empty: plain HTTP
  TlsClientConfig upstream_tls;  // uploads proxied to the ingests; empty: plain HTTP
};

class BalancerService {
 public:
  using Log = std::function<void(const std::string& line)>;

  BalancerService(boost::asio::io_context& io, AsioClock& clock, DatagramTransport& transport,
                  BalancerServiceConfig config, Log log);
  ~BalancerService();

  void Start();  // throws std::runtime_error when a port is taken
  void Stop();
  // Graceful shutdown (SIGTERM): no new connections, the requests in flight still answered.
  void Drain() {
    vip_.Drain();
    admin_.Drain();
  }
  bool Drained() const { return vip_.Idle() && admin_.Idle(); }
  std::uint16_t VipPort() const { return vip_.Port(); }
  std::uint16_t AdminPort() const { return admin_.Port(); }
  const StreamingHttpServer& VipHttp() const { return vip_; }
  const StreamingHttpServer& AdminHttp() const { return admin_; }
  const IngestBalancer& Balancer() const { return balancer_; }
  std::uint64_t Retries() const { return retries_; }

 private:
  struct Member {
    Endpoint http;
    Endpoint health;
  };
  struct Forwarded;
  struct Parked {
    std::string member;
    TimerId timer = 0;
    std::function<void()> retry;
  };
  void HandleVip(const StreamingHttpRequest& request, StreamingHttpServer::Respond respond);
  void HandleAdmin(const StreamingHttpRequest& request, StreamingHttpServer::Respond respond);
  StreamingHttpReply AddMember(const std::string& body);
  StreamingHttpReply ListMembers() const;
  StreamingHttpReply RemoveMember(const std::string& id);
  void Forward(const std::shared_ptr<Forwarded>& request, bool retry);
  void ParkUntilJudged(const std::string& member, std::function<void()> retry);
  void RunParked(std::uint64_t id);
  void OnHealthChange(const std::string& member, bool healthy);

  AsioClock& clock_;
  BalancerServiceConfig config_;
  Log log_;
  IngestBalancer balancer_;
  MemberHealthChecker checker_;
  StreamingHttpServer vip_;
  StreamingHttpServer admin_;
  StreamingHttpClient client_;
  std::map<std::string, Member> members_;
  std::map<std::uint64_t, Parked> parked_;
  std::uint64_t next_parked_ = 1;
  std::uint64_t retries_ = 0;
  bool running_ = false;
};

}  // namespace cdnlab
