#include "realnet/net/asio_datagram_transport.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <linux/errqueue.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace cdnlab {

using boost::asio::ip::udp;

struct AsioDatagramTransport::Binding {
  explicit Binding(boost::asio::io_context& io) : socket(io) {}
  udp::socket socket;
  ReceiveHandler handler;
  ErrorHandler on_error;
  Endpoint local;
  std::array<std::uint8_t, 65536> buffer{};
  udp::endpoint peer;
  bool open = true;
};

udp::endpoint ToAsio(const Endpoint& e) { return {boost::asio::ip::address_v4(e.RequireV4("the real-socket datagram transport").value), e.port}; }

Endpoint FromAsio(const udp::endpoint& e) {
  return {Ipv4Address{e.address().is_v4() ? e.address().to_v4().to_uint() : 0}, e.port()};
}

AsioDatagramTransport::AsioDatagramTransport(boost::asio::io_context& io) : io_(io) {}

AsioDatagramTransport::~AsioDatagramTransport() {
  for (auto& [endpoint, b] : bindings_) {
    b->open = false;
    boost::system::error_code ignored;
    b->socket.close(ignored);
  }
}

void AsioDatagramTransport::Bind(const Endpoint& local, ReceiveHandler handler) {
  if (bindings_.count(local) != 0) throw std::logic_error("endpoint bound twice: " + local.ToString());
  auto b = std::make_shared<Binding>(io_);
  b->socket.open(udp::v4());
  boost::system::error_code ec;
  b->socket.bind(ToAsio(local), ec);
  if (ec) throw std::runtime_error("cannot bind UDP " + local.ToString() + ": " + ec.message());
  // ICMP errors (port unreachable...) to the error queue, with the failed datagram's destination.
  const int on = 1;
  ::setsockopt(b->socket.native_handle(), IPPROTO_IP, IP_RECVERR, &on, sizeof on);
  b->handler = std::move(handler);
  b->local = local;
  bindings_[local] = b;
  Receive(b);
}

void AsioDatagramTransport::Unbind(const Endpoint& local) {
  auto it = bindings_.find(local);
  if (it == bindings_.end()) return;
  it->second->open = false;
  boost::system::error_code ignored;
  it->second->socket.close(ignored);
  bindings_.erase(it);
}

void AsioDatagramTransport::Send(const Endpoint& from, const Endpoint& to, Bytes payload) {
  auto it = bindings_.find(from);
  if (it == bindings_.end()) throw std::logic_error("send from unbound endpoint " + from.ToString());
  const std::shared_ptr<Binding> b = it->second;  // a handler below may unbind
  boost::system::error_code ec;
  b->socket.send_to(boost::asio::buffer(payload), ToAsio(to), 0, ec);
  if (!ec) return;
  // With IP_RECVERR, an ICMP error for an earlier datagram (perhaps to another peer) fails this
  // send before the datagram leaves. Report that error for its own peer (the queue says which),
  // then send this datagram once more: a dead peer must not silence the healthy ones.
  if (DrainErrors(*b)) {
    if (!b->open) return;
    ec.clear();
    b->socket.send_to(boost::asio::buffer(payload), ToAsio(to), 0, ec);
    if (!ec) return;
    if (DrainErrors(*b)) return;
  }
  Report(*b, to, ec.value(), ec.message());
}

void AsioDatagramTransport::OnError(const Endpoint& local, ErrorHandler handler) {
  auto it = bindings_.find(local);
  if (it == bindings_.end()) throw std::logic_error("error handler for unbound endpoint " + local.ToString());
  it->second->on_error = std::move(handler);
}

void AsioDatagramTransport::Report(Binding& b, const Endpoint& peer, int error, const std::string& detail) {
  if (!b.on_error) return;
  DatagramFailure failure;
  failure.local = b.local;
  failure.peer = peer;
  failure.detail = detail;
  switch (error) {
    case EMSGSIZE: failure.error = DatagramError::kTooLarge; break;
    case ECONNREFUSED: failure.error = DatagramError::kRefused; break;
    case EHOSTUNREACH:
    case ENETUNREACH: failure.error = DatagramError::kUnreachable; break;
    default: failure.error = DatagramError::kOther; break;
  }
  const ErrorHandler handler = b.on_error;  // a copy: the handler may unbind
  handler(failure);
}

bool AsioDatagramTransport::DrainErrors(Binding& b) {
  bool any = false;
  for (int i = 0; i < 64 && b.open; ++i) {
    sockaddr_in dest{};
    char control[512];
    char data[1];
    iovec iov{data, sizeof data};
    msghdr msg{};
    msg.msg_name = &dest;
    msg.msg_namelen = sizeof dest;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    if (::recvmsg(b.socket.native_handle(), &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) break;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != IPPROTO_IP || c->cmsg_type != IP_RECVERR) continue;
      sock_extended_err ee{};
      std::memcpy(&ee, CMSG_DATA(c), sizeof ee);
      const Endpoint peer{Ipv4Address{ntohl(dest.sin_addr.s_addr)}, ntohs(dest.sin_port)};
      Report(b, peer, static_cast<int>(ee.ee_errno), std::strerror(static_cast<int>(ee.ee_errno)));
      any = true;
    }
  }
  return any;
}

std::uint16_t AsioDatagramTransport::BoundPort(const Endpoint& local) const {
  return bindings_.at(local)->socket.local_endpoint().port();
}

void AsioDatagramTransport::Receive(const std::shared_ptr<Binding>& b) {
  b->socket.async_receive_from(boost::asio::buffer(b->buffer), b->peer,
                               [this, b](const boost::system::error_code& ec, std::size_t n) {
                                 if (!b->open) return;  // unbound while waiting
                                 if (!ec) b->handler(FromAsio(b->peer), Bytes(b->buffer.begin(), b->buffer.begin() + n));
                                 // A pending ICMP error fails the receive: report it with its peer.
                                 if (ec && ec != boost::asio::error::operation_aborted) DrainErrors(*b);
                                 if (b->open) Receive(b);
                               });
}

}  // namespace cdnlab
