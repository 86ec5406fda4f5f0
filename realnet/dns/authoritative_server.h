#pragma once
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "models/routing/authoritative_answerer.h"
#include "realnet/dns/wire_codec.h"

namespace cdnlab {

struct DnsServerStats {
  std::uint64_t udp_queries = 0;
  std::uint64_t tcp_queries = 0;
  std::uint64_t errors_sent = 0;   // FORMERR / NOTIMP / REFUSED for unusable queries
  std::uint64_t dropped = 0;       // too short to answer, or responses
  std::uint64_t truncated = 0;
};

// cdnlab's own authoritative DNS server on real sockets (UDP and TCP on one port): every
// well-formed query is answered by the AuthoritativeAnswerer from the live mapping, by
// EDNS Client Subnet when present, else by the resolver's address.
class RealDnsServer {
 public:
  RealDnsServer(boost::asio::io_context& io, const AuthoritativeAnswerer& answerer, Endpoint listen);
  ~RealDnsServer();
  void Start();  // binds UDP and TCP; throws std::runtime_error when the port is taken
  void Stop();
  std::uint16_t Port() const { return port_; }
  const DnsServerStats& Stats() const { return stats_; }

  // The reply to one message from `peer` ({} = send nothing). Public for tests and fuzzing.
  Bytes Respond(const std::uint8_t* data, std::size_t size, Ipv4Address peer, bool over_udp);

 private:
  class TcpSession;
  void ReceiveUdp();
  void Accept();

  const AuthoritativeAnswerer& answerer_;
  Endpoint listen_;
  std::uint16_t port_ = 0;
  boost::asio::ip::udp::socket udp_;
  boost::asio::ip::tcp::acceptor tcp_;
  std::array<std::uint8_t, 65536> udp_buffer_{};
  boost::asio::ip::udp::endpoint udp_peer_;
  bool running_ = false;
  DnsServerStats stats_;
};

}  // namespace cdnlab
