#pragma once
#include <map>
#include <optional>
#include <string>

#include "models/ports/clock.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/metrics_sink.h"
#include "models/ports/timer_scheduler.h"
#include "models/routing/resolver_cache.h"
#include "sim/routing/dns_message.h"

namespace cdnlab {

// A recursive resolver host in the simulation: answers its clients from a ResolverCache
// scoped by RFC 7871, and on a miss asks the authoritative node, adding the client's /24
// as EDNS Client Subnet when configured to. Unanswered upstream queries are retried once
// after 1 s; then the client gets SERVFAIL. With an IPv6 address it also serves IPv6 clients
// there (their client subnet is a /56, ECS family 2); it asks the authoritative over IPv4
// either way, so mapping by resolver address finds its row for both families.
class CachingResolver {
 public:
  static constexpr std::uint16_t kPort = 53;
  static constexpr std::uint8_t kClientSubnetLength = 24;
  static constexpr std::uint8_t kClientSubnetLength6 = 56;  // RFC 7871 11.1

  CachingResolver(Ipv4Address address, Endpoint authoritative, bool sends_client_subnet, DatagramTransport& transport,
                  Clock& clock, TimerScheduler& timers, MetricsSink& metrics,
                  std::optional<Ipv6Address> address6 = std::nullopt);
  ~CachingResolver();
  void Start();
  void Stop();

  const ResolverCache& Cache() const { return cache_; }
  // The answer a client would get from the cache right now (its TTL not yet run out), without
  // touching the cache's statistics; nullopt when its query would go to the authoritative.
  std::optional<DnsAnswer> CachedAnswer(const std::string& qname, const IpAddress& client, SimTime now,
                                        std::uint16_t qtype = static_cast<std::uint16_t>(DnsType::kA)) const;
  std::uint64_t UpstreamQueries() const { return upstream_queries_; }

 private:
  struct Pending {
    Endpoint client;
    std::uint16_t client_id = 0;
    DnsQuestion question;
    int attempts = 0;
    std::optional<TimerId> timer;
  };
  void OnDatagram(const Endpoint& from, const Bytes& payload);
  void OnClientQuery(const Endpoint& from, const SimDnsQuery& query);
  void OnUpstreamResponse(const SimDnsResponse& response);
  void SendUpstream(std::uint16_t id);
  void Reply(const Endpoint& client, std::uint16_t id, const DnsAnswer& answer);

  // The local endpoint that talks to `peer`'s family.
  const Endpoint& LocalFor(const Endpoint& peer) const { return peer.address.IsV6() && local6_ ? *local6_ : local_; }

  Endpoint local_;
  std::optional<Endpoint> local6_;
  Endpoint authoritative_;
  bool sends_client_subnet_;
  DatagramTransport& transport_;
  Clock& clock_;
  TimerScheduler& timers_;
  MetricsSink& metrics_;
  bool running_ = false;
  ResolverCache cache_;
  std::map<std::uint16_t, Pending> pending_;
  std::uint16_t next_id_ = 1;
  std::uint64_t upstream_queries_ = 0;
};

}  // namespace cdnlab
