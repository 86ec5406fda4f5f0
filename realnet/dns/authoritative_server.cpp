#include "realnet/dns/authoritative_server.h"

#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "realnet/net/asio_datagram_transport.h"

namespace cdnlab {

using boost::asio::ip::tcp;
using boost::asio::ip::udp;

namespace {

// The resolver's address as the mapping matches it: a v4-mapped IPv6 peer (a dual-stack
// socket's IPv4 client) is the IPv4 address it maps.
IpAddress PeerAddress(const boost::asio::ip::address& a) {
  if (a.is_v4()) return Ipv4Address{a.to_v4().to_uint()};
  const auto v6 = a.to_v6();
  if (v6.is_v4_mapped()) return Ipv4Address{boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_uint()};
  Ipv6Address out;
  const auto bytes = v6.to_bytes();
  std::copy(bytes.begin(), bytes.end(), out.bytes.begin());
  return out;
}

IpAddress PeerAddress(const sockaddr_storage& peer) {
  if (peer.ss_family == AF_INET) return Ipv4Address{ntohl(reinterpret_cast<const sockaddr_in&>(peer).sin_addr.s_addr)};
  if (peer.ss_family == AF_INET6) {
    const auto& a6 = reinterpret_cast<const sockaddr_in6&>(peer).sin6_addr;
    boost::asio::ip::address_v6::bytes_type bytes;
    std::memcpy(bytes.data(), a6.s6_addr, 16);
    return PeerAddress(boost::asio::ip::address(boost::asio::ip::address_v6(bytes)));
  }
  return Ipv4Address{0};
}

// A UDP socket bound to `at` (IPv6 sockets only for IPv6, so v4 and v6 can be listed apart).
int BindUdp(const udp::endpoint& at) {
  const int family = at.address().is_v4() ? AF_INET : AF_INET6;
  const int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("cannot open a UDP socket: " + std::string(std::strerror(errno)));
  const int one = 1;
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (::bind(fd, at.data(), static_cast<socklen_t>(at.size())) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    throw std::runtime_error("cannot bind DNS UDP " + at.address().to_string() + " port " +
                             std::to_string(at.port()) + ": " + why);
  }
  return fd;
}

std::uint16_t BoundPort(int fd) {
  sockaddr_storage local{};
  socklen_t size = sizeof local;
  getsockname(fd, reinterpret_cast<sockaddr*>(&local), &size);
  return ntohs(local.ss_family == AF_INET ? reinterpret_cast<sockaddr_in&>(local).sin_port
                                          : reinterpret_cast<sockaddr_in6&>(local).sin6_port);
}

}  // namespace

// One address served: its UDP socket with the worker threads, and its TCP acceptor.
struct RealDnsServer::Listener {
  explicit Listener(boost::asio::io_context& io) : acceptor(io) {}
  ~Listener() {
    *alive = false;   // an accept completion still queued must not touch this acceptor
    workers.reset();  // joins before the socket closes under them
    if (udp_fd >= 0) ::close(udp_fd);
  }
  int udp_fd = -1;
  std::unique_ptr<UdpWorkers> workers;
  tcp::acceptor acceptor;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);
};

// One TCP client: length-prefixed messages (RFC 1035 4.2.2), several per connection,
// closed after 10 s without a complete query so idle or slow clients cannot pile up.
class RealDnsServer::TcpSession : public std::enable_shared_from_this<TcpSession> {
 public:
  TcpSession(RealDnsServer& server, tcp::socket socket)
      : server_(server), reader_(server.published_), socket_(std::move(socket)), idle_(socket_.get_executor()) {}

  void Start() { ReadLength(); }

 private:
  void ArmIdleTimer() {
    idle_.expires_after(std::chrono::seconds(10));
    idle_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->Close();
    });
  }
  void Close() {
    boost::system::error_code ignored;
    idle_.cancel();
    socket_.close(ignored);
  }
  void ReadLength() {
    ArmIdleTimer();
    boost::asio::async_read(socket_, boost::asio::buffer(length_),
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                              if (ec) return self->Close();
                              const std::size_t n = (self->length_[0] << 8) | self->length_[1];
                              if (n == 0) return self->Close();
                              self->message_.resize(n);
                              self->ReadMessage();
                            });
  }
  void ReadMessage() {
    boost::asio::async_read(socket_, boost::asio::buffer(message_),
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                              if (ec) return self->Close();
                              self->Reply();
                            });
  }
  void Reply() {
    boost::system::error_code ec;
    const tcp::endpoint remote = socket_.remote_endpoint(ec);
    if (ec) return Close();
    server_.tcp_queries_.fetch_add(1, std::memory_order_relaxed);
    Bytes reply;
    server_.RespondInto(reader_.Get(), message_.data(), message_.size(), PeerAddress(remote.address()), false, reply);
    if (reply.empty()) return Close();
    out_ = {static_cast<std::uint8_t>(reply.size() >> 8), static_cast<std::uint8_t>(reply.size() & 0xFF)};
    out_.insert(out_.end(), reply.begin(), reply.end());
    boost::asio::async_write(socket_, boost::asio::buffer(out_),
                             [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
                               if (ec) return self->Close();
                               self->ReadLength();
                             });
  }

  RealDnsServer& server_;
  PublishedAnswerer::Reader reader_;
  tcp::socket socket_;
  boost::asio::steady_timer idle_;
  std::array<std::uint8_t, 2> length_{};
  Bytes message_;
  Bytes out_;
};

RealDnsServer::RealDnsServer(boost::asio::io_context& io, const AuthoritativeAnswerer& answerer, Endpoint listen,
                             DnsServerOptions options)
    : RealDnsServer(io, answerer, std::vector<udp::endpoint>{ToAsio(listen)}, options) {}

RealDnsServer::RealDnsServer(boost::asio::io_context& io, const AuthoritativeAnswerer& answerer,
                             std::vector<udp::endpoint> listen, DnsServerOptions options)
    : io_(io), answerer_(answerer), published_(answerer), listen_(std::move(listen)), options_(options) {
  if (listen_.empty()) throw std::invalid_argument("a DNS server needs at least one address to listen on");
}

RealDnsServer::~RealDnsServer() { Stop(); }

void RealDnsServer::Refresh() { published_.Publish(answerer_); }

// Every listen address bound, UDP and TCP on one port per address.
std::vector<std::unique_ptr<RealDnsServer::Listener>> RealDnsServer::BindListeners() {
  std::vector<std::unique_ptr<Listener>> listeners;
  std::uint16_t port = 0;
  for (udp::endpoint at : listen_) {
    // Port 0 asks the kernel for one; every further address then uses the same port.
    if (at.port() == 0 && port != 0) at.port(port);
    auto l = std::make_unique<Listener>(io_);
    l->udp_fd = BindUdp(at);
    port = BoundPort(l->udp_fd);
    const tcp::endpoint tcp_at(at.address(), port);
    boost::system::error_code ec;
    l->acceptor.open(tcp_at.protocol());
    l->acceptor.set_option(tcp::acceptor::reuse_address(true));
    if (at.address().is_v6()) l->acceptor.set_option(boost::asio::ip::v6_only(true));
    l->acceptor.bind(tcp_at, ec);
    if (ec) {
      const std::string why = "cannot bind DNS TCP " + at.address().to_string() + " port " + std::to_string(port) +
                              ": " + ec.message();
      if (ec == boost::asio::error::address_in_use) throw PortTaken(why);
      throw std::runtime_error(why);
    }
    l->acceptor.listen();
    listeners.push_back(std::move(l));
  }
  return listeners;
}

void RealDnsServer::Start() {
  if (running_) return;
  Refresh();
  const int threads = options_.udp_threads > 0 ? options_.udp_threads
                                               : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // With every port 0 the kernel picks a free UDP port, and TCP must take the same number,
  // which another process may hold: then pick again (a few times), rather than fail at random.
  const bool kernel_picks = std::all_of(listen_.begin(), listen_.end(), [](const udp::endpoint& e) { return e.port() == 0; });
  std::vector<std::unique_ptr<Listener>> listeners;
  for (int attempt = 1;; ++attempt) {
    try {
      listeners = BindListeners();
      break;
    } catch (const PortTaken&) {
      if (!kernel_picks || attempt == 20) throw;
    }
  }
  port_ = BoundPort(listeners.front()->udp_fd);
  for (auto& l : listeners) {
    l->workers = std::make_unique<UdpWorkers>(
        l->udp_fd, threads,
        [this](const std::uint8_t* data, std::size_t size, const sockaddr_storage& peer, Bytes& reply) {
          // Worker threads live from Start to Stop of this server, so each keeps one reader.
          thread_local PublishedAnswerer::Reader reader(published_);
          RespondInto(reader.Get(), data, size, PeerAddress(peer), true, reply);
        });
    Accept(*l);
  }
  listeners_ = std::move(listeners);
  running_ = true;
}

void RealDnsServer::Stop() {
  if (!running_) return;
  running_ = false;
  for (auto& l : listeners_) {
    boost::system::error_code ignored;
    l->acceptor.close(ignored);
    udp_total_ += l->workers->Received();
    udp_dropped_total_ += l->workers->Oversize();
    send_errors_total_ += l->workers->SendErrors();
    l->workers.reset();
  }
  listeners_.clear();
}

DnsServerStats RealDnsServer::Stats() const {
  DnsServerStats s;
  s.udp_queries = udp_total_;
  s.dropped = udp_dropped_total_ + dropped_.load(std::memory_order_relaxed);
  s.send_errors = send_errors_total_;
  for (const auto& l : listeners_) {
    if (!l->workers) continue;
    s.udp_queries += l->workers->Received();
    s.dropped += l->workers->Oversize();
    s.send_errors += l->workers->SendErrors();
  }
  s.tcp_queries = tcp_queries_.load(std::memory_order_relaxed);
  s.errors_sent = errors_sent_.load(std::memory_order_relaxed);
  s.truncated = truncated_.load(std::memory_order_relaxed);
  return s;
}

Bytes RealDnsServer::Respond(const std::uint8_t* data, std::size_t size, const IpAddress& peer, bool over_udp) {
  Bytes reply;
  RespondInto(*published_.Current(), data, size, peer, over_udp, reply);
  return reply;
}

void RealDnsServer::RespondInto(const AuthoritativeAnswerer& answerer, const std::uint8_t* data, std::size_t size,
                                const IpAddress& peer, bool over_udp, Bytes& out) {
  out.clear();
  ParsedQuery parsed = ParseDnsQuery(data, size);
  switch (parsed.verdict) {
    case QueryVerdict::kDrop:
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return;
    case QueryVerdict::kError:
      errors_sent_.fetch_add(1, std::memory_order_relaxed);
      queries_.Add(parsed.error_rcode, std::nullopt);
      WriteDnsError(parsed, out);
      return;
    case QueryVerdict::kAnswer:
      break;
  }
  parsed.query.question.source = peer;
  const DnsAnswer answer = answerer.Answer(parsed.query.question);
  WriteDnsResponse(parsed.query, answer, answerer.Config(), static_cast<std::uint32_t>(answerer.Table().Version()),
                   over_udp, out);
  if (out.size() > 3 && (out[2] & 0x02) != 0) truncated_.fetch_add(1, std::memory_order_relaxed);
  queries_.Add(static_cast<std::uint16_t>(answer.rcode), answer.pop);
}

void RealDnsServer::Accept(Listener& listener) {
  listener.acceptor.async_accept(
      [this, &listener, alive = listener.alive](const boost::system::error_code& ec, tcp::socket socket) {
        if (!*alive) return;
        if (!ec) std::make_shared<TcpSession>(*this, std::move(socket))->Start();
        Accept(listener);
      });
}

}  // namespace cdnlab
