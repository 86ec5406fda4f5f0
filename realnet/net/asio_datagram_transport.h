#pragma once
#include <array>
#include <map>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "models/ports/datagram_transport.h"

namespace cdnlab {

// DatagramTransport on real UDP sockets: each bound endpoint is a socket on the host's
// address, receiving on the io_context; the same model code as in ns-3 talks through it.
// Errors are not swallowed: each socket has IP_RECVERR on, so an ICMP port unreachable
// (nothing listens at the peer) comes back as ECONNREFUSED with the peer's address from the
// socket's error queue, and a send the stack refuses (EMSGSIZE) is reported at once; both
// go to the handler given to OnError.
class AsioDatagramTransport final : public DatagramTransport {
 public:
  explicit AsioDatagramTransport(boost::asio::io_context& io);
  ~AsioDatagramTransport() override;

  void Bind(const Endpoint& local, ReceiveHandler handler) override;
  void Unbind(const Endpoint& local) override;
  void Send(const Endpoint& from, const Endpoint& to, Bytes payload) override;
  void OnError(const Endpoint& local, ErrorHandler handler) override;
  // The port actually bound (useful when binding port 0).
  std::uint16_t BoundPort(const Endpoint& local) const;

 private:
  struct Binding;
  void Receive(const std::shared_ptr<Binding>& binding);
  // Reads the socket's error queue (IP_RECVERR) and reports each entry; true if any.
  static bool DrainErrors(Binding& binding);
  static void Report(Binding& binding, const Endpoint& peer, int error, const std::string& detail);

  boost::asio::io_context& io_;
  std::map<Endpoint, std::shared_ptr<Binding>> bindings_;
};

boost::asio::ip::udp::endpoint ToAsio(const Endpoint& e);
Endpoint FromAsio(const boost::asio::ip::udp::endpoint& e);

}  // namespace cdnlab
