#pragma once
#include <map>

#include <ns3/socket.h>

#include "models/ports/datagram_transport.h"
#include "sim/net/network.h"

namespace cdnlab {

// DatagramTransport on ns-3 UDP sockets: each bound endpoint is a UdpSocket on the node that
// owns the address, so datagrams cross the simulated links with their delay and loss.
class Ns3DatagramTransport final : public DatagramTransport {
 public:
  explicit Ns3DatagramTransport(const SimNetwork& network);
  ~Ns3DatagramTransport() override;

  void Bind(const Endpoint& local, ReceiveHandler handler) override;
  void Unbind(const Endpoint& local) override;
  void Send(const Endpoint& from, const Endpoint& to, Bytes payload) override;
  // Reports what the simulated socket refuses at send time (EMSGSIZE and the like).
  void OnError(const Endpoint& local, ErrorHandler handler) override;

 private:
  struct Binding {
    ns3::Ptr<ns3::Socket> socket;
    ReceiveHandler handler;
    ErrorHandler on_error;
  };
  void OnReadable(const Endpoint& local, ns3::Ptr<ns3::Socket> socket);

  const SimNetwork& network_;
  std::map<Endpoint, Binding> bindings_;
};

}  // namespace cdnlab
