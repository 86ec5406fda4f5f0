#pragma once
#include <atomic>
#include <memory>
#include <stdexcept>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "models/net/endpoint.h"
#include "models/routing/authoritative_answerer.h"
#include "realnet/dns/published_answerer.h"
#include "realnet/dns/query_counters.h"
#include "realnet/dns/udp_workers.h"
#include "realnet/dns/wire_codec.h"

namespace cdnlab {

struct DnsServerStats {
  std::uint64_t udp_queries = 0;
  std::uint64_t tcp_queries = 0;
  std::uint64_t errors_sent = 0;   // FORMERR / NOTIMP / REFUSED / BADVERS for unusable queries
  std::uint64_t dropped = 0;       // too short to answer, responses, or over 4 KiB over UDP
  std::uint64_t truncated = 0;
  std::uint64_t send_errors = 0;   // UDP replies the kernel would not take
};

struct DnsServerOptions {
  int udp_threads = 0;  // threads serving each UDP socket; 0 = one per core
};

// cdnlab's own authoritative DNS server on real sockets, UDP and TCP on one port, on any
// number of IPv4 and IPv6 addresses: every well-formed query is answered by the
// AuthoritativeAnswerer, by EDNS Client Subnet when present, else by the resolver's address
// (an IPv6 resolver has no IPv4 row: it gets the default row).
//  - UDP: a pool of threads per socket (UdpWorkers), batching with recvmmsg/sendmmsg.
//  - TCP: on the io_context's thread (RFC 7766: several queries per connection, idle close).
// Workers read a published copy of the answerer; after applying a diff to the live one, call
// Refresh() (on the thread that owns it) so answers follow.
class RealDnsServer {
 public:
  RealDnsServer(boost::asio::io_context& io, const AuthoritativeAnswerer& answerer, Endpoint listen,
                DnsServerOptions options = {});
  RealDnsServer(boost::asio::io_context& io, const AuthoritativeAnswerer& answerer,
                std::vector<boost::asio::ip::udp::endpoint> listen, DnsServerOptions options = {});
  ~RealDnsServer();
  void Start();  // binds UDP and TCP on every address; throws std::runtime_error when a port is taken
  void Stop();
  void Refresh();
  std::uint16_t Port() const { return port_; }
  DnsServerStats Stats() const;
  // Responses sent, by rcode and PoP (UDP and TCP).
  const DnsQueryCounters& Queries() const { return queries_; }
  // The live answerer it serves from (its PoP ids name the Queries() rows).
  const AuthoritativeAnswerer& Answerer() const { return answerer_; }

  // The reply to one message from `peer` ({} = send nothing). Public for tests and fuzzing.
  Bytes Respond(const std::uint8_t* data, std::size_t size, const IpAddress& peer, bool over_udp);

 private:
  class TcpSession;
  struct Listener;
  // A port already in use (thrown by BindListeners, which Start may retry).
  struct PortTaken : std::runtime_error {
    using std::runtime_error::runtime_error;
  };
  std::vector<std::unique_ptr<Listener>> BindListeners();
  void RespondInto(const AuthoritativeAnswerer& answerer, const std::uint8_t* data, std::size_t size,
                   const IpAddress& peer, bool over_udp, Bytes& out);
  void Accept(Listener& listener);

  boost::asio::io_context& io_;
  const AuthoritativeAnswerer& answerer_;
  PublishedAnswerer published_;
  std::vector<boost::asio::ip::udp::endpoint> listen_;
  DnsServerOptions options_;
  std::uint16_t port_ = 0;
  std::vector<std::unique_ptr<Listener>> listeners_;
  bool running_ = false;
  std::atomic<std::uint64_t> tcp_queries_{0};
  std::atomic<std::uint64_t> errors_sent_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> truncated_{0};
  DnsQueryCounters queries_;
  std::uint64_t udp_total_ = 0;  // of listeners already stopped
  std::uint64_t udp_dropped_total_ = 0;
  std::uint64_t send_errors_total_ = 0;
};

}  // namespace cdnlab
