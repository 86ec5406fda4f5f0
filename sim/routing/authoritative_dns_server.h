#pragma once
#include <array>
#include <map>
#include <utility>
#include <vector>

#include "models/ports/clock.h"
#include "models/ports/datagram_transport.h"
#include "models/ports/metrics_sink.h"
#include "models/routing/authoritative_answerer.h"
#include "sim/routing/dns_message.h"

namespace cdnlab {

// The CDN's authoritative DNS node in the simulation: answers queries on port 53 from its
// mapping replica, and takes mapping diffs (chunked) from the controller on the config
// port, acknowledging each version it holds so the pusher can retransmit what was lost.
class AuthoritativeDnsServer {
 public:
  static constexpr std::uint16_t kDnsPort = 53;
  static constexpr std::uint16_t kConfigPort = 5300;

  AuthoritativeDnsServer(Ipv4Address address, AuthoritativeAnswerer& answerer, DatagramTransport& transport,
                         Clock& clock, MetricsSink& metrics);
  ~AuthoritativeDnsServer();
  void Start();
  void Stop();

  std::uint64_t QueriesAnswered() const { return answered_; }
  // Answers sent with `rcode` (NOERROR, NXDOMAIN for names outside the hostname, ...).
  std::uint64_t QueriesAnswered(DnsRcode rcode) const { return answered_by_rcode_.at(static_cast<std::size_t>(rcode)); }
  // IPv6 questions (see sim_metric::kDnsAaaaQueries and the two after it).
  std::uint64_t AaaaQueries() const { return aaaa_queries_; }
  std::uint64_t Ecs6Queries() const { return ecs6_queries_; }
  std::uint64_t Ecs6AnsweredByRow() const { return ecs6_answered_by_row_; }
  std::uint64_t MalformedDropped() const { return malformed_; }
  std::uint64_t ReplicaVersion() const { return answerer_.Table().Version(); }

 private:
  void OnQuery(const Endpoint& from, const Bytes& payload);
  void OnConfig(const Endpoint& from, const Bytes& payload);

  Ipv4Address address_;
  AuthoritativeAnswerer& answerer_;
  DatagramTransport& transport_;
  Clock& clock_;
  MetricsSink& metrics_;
  bool running_ = false;
  std::uint64_t answered_ = 0;
  std::array<std::uint64_t, 6> answered_by_rcode_{};  // by DnsRcode value (0..5)
  std::uint64_t malformed_ = 0;
  std::uint64_t aaaa_queries_ = 0;
  std::uint64_t ecs6_queries_ = 0;
  std::uint64_t ecs6_answered_by_row_ = 0;
  void CountIpv6(const DnsQuestion& question, const DnsAnswer& answer);
  // Chunks of diffs being reassembled, by (from, to) version.
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::vector<std::optional<MappingDiffChunk>>> partial_;
};

}  // namespace cdnlab
