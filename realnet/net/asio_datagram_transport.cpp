#include "realnet/net/asio_datagram_transport.h"

#include <stdexcept>

namespace cdnlab {

using boost::asio::ip::udp;

struct AsioDatagramTransport::Binding {
  explicit Binding(boost::asio::io_context& io) : socket(io) {}
  udp::socket socket;
  ReceiveHandler handler;
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
  b->handler = std::move(handler);
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
  boost::system::error_code ec;  // UDP: a failed send is a lost datagram, as in the network
  it->second->socket.send_to(boost::asio::buffer(payload), ToAsio(to), 0, ec);
}

std::uint16_t AsioDatagramTransport::BoundPort(const Endpoint& local) const {
  return bindings_.at(local)->socket.local_endpoint().port();
}

void AsioDatagramTransport::Receive(const std::shared_ptr<Binding>& b) {
  b->socket.async_receive_from(boost::asio::buffer(b->buffer), b->peer,
                               [this, b](const boost::system::error_code& ec, std::size_t n) {
                                 if (!b->open) return;  // unbound while waiting
                                 if (!ec) b->handler(FromAsio(b->peer), Bytes(b->buffer.begin(), b->buffer.begin() + n));
                                 if (b->open) Receive(b);
                               });
}

}  // namespace cdnlab
