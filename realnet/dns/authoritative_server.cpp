#include "realnet/dns/authoritative_server.h"

#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "realnet/net/asio_datagram_transport.h"

namespace cdnlab {

using boost::asio::ip::tcp;
using boost::asio::ip::udp;

// One TCP client: length-prefixed messages (RFC 1035 4.2.2), several per connection,
// closed after 10 s without a complete query so idle or slow clients cannot pile up.
class RealDnsServer::TcpSession : public std::enable_shared_from_this<TcpSession> {
 public:
  TcpSession(RealDnsServer& server, tcp::socket socket)
      : server_(server), socket_(std::move(socket)), idle_(socket_.get_executor()) {}

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
    const Ipv4Address peer = FromAsio(udp::endpoint(remote.address(), 0)).address;
    ++server_.stats_.tcp_queries;
    Bytes reply = server_.Respond(message_.data(), message_.size(), peer, false);
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
  tcp::socket socket_;
  boost::asio::steady_timer idle_;
  std::array<std::uint8_t, 2> length_{};
  Bytes message_;
  Bytes out_;
};

RealDnsServer::RealDnsServer(boost::asio::io_context& io, const AuthoritativeAnswerer& answerer, Endpoint listen)
    : answerer_(answerer), listen_(listen), udp_(io), tcp_(io) {}

RealDnsServer::~RealDnsServer() { Stop(); }

void RealDnsServer::Start() {
  if (running_) return;
  boost::system::error_code ec;
  udp_.open(udp::v4());
  udp_.bind(ToAsio(listen_), ec);
  if (ec) throw std::runtime_error("cannot bind DNS UDP " + listen_.ToString() + ": " + ec.message());
  port_ = udp_.local_endpoint().port();
  const tcp::endpoint tcp_endpoint(boost::asio::ip::address_v4(listen_.address.value), port_);
  tcp_.open(tcp::v4());
  tcp_.set_option(tcp::acceptor::reuse_address(true));
  tcp_.bind(tcp_endpoint, ec);
  if (ec) throw std::runtime_error("cannot bind DNS TCP " + listen_.ToString() + ": " + ec.message());
  tcp_.listen();
  running_ = true;
  ReceiveUdp();
  Accept();
}

void RealDnsServer::Stop() {
  if (!running_) return;
  running_ = false;
  boost::system::error_code ignored;
  udp_.close(ignored);
  tcp_.close(ignored);
}

Bytes RealDnsServer::Respond(const std::uint8_t* data, std::size_t size, Ipv4Address peer, bool over_udp) {
  ParsedQuery parsed = ParseDnsQuery(data, size);
  switch (parsed.verdict) {
    case QueryVerdict::kDrop:
      ++stats_.dropped;
      return {};
    case QueryVerdict::kError:
      ++stats_.errors_sent;
      return BuildDnsError(parsed);
    case QueryVerdict::kAnswer:
      break;
  }
  parsed.query.question.source = peer;
  const DnsAnswer answer = answerer_.Answer(parsed.query.question);
  Bytes reply = BuildDnsResponse(parsed.query, answer, answerer_.Config(),
                                 static_cast<std::uint32_t>(answerer_.Table().Version()), over_udp);
  if (reply.size() > 3 && (reply[2] & 0x02) != 0) ++stats_.truncated;
  return reply;
}

void RealDnsServer::ReceiveUdp() {
  udp_.async_receive_from(boost::asio::buffer(udp_buffer_), udp_peer_,
                          [this](const boost::system::error_code& ec, std::size_t n) {
                            if (!running_) return;
                            if (!ec) {
                              ++stats_.udp_queries;
                              const Bytes reply = Respond(udp_buffer_.data(), n, FromAsio(udp_peer_).address, true);
                              boost::system::error_code send_error;
                              if (!reply.empty()) udp_.send_to(boost::asio::buffer(reply), udp_peer_, 0, send_error);
                            }
                            ReceiveUdp();
                          });
}

void RealDnsServer::Accept() {
  tcp_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (!running_) return;
    if (!ec) std::make_shared<TcpSession>(*this, std::move(socket))->Start();
    Accept();
  });
}

}  // namespace cdnlab
