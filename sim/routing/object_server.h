#pragma once
#include <map>

#include <ns3/node.h>
#include <ns3/socket.h>

namespace cdnlab {

// The HTTP-like object service of a PoP server in the simulation, over ns-3 TCP: a client
// sends an 8-byte big-endian byte count, the server sends that many bytes and closes.
// The point is the TCP dynamics (handshake, slow start, loss recovery) on the scenario's
// links, not HTTP parsing, which realnet/ does for real.
class ObjectServer {
 public:
  static constexpr std::uint16_t kPort = 80;

  // With `ipv6`, it listens on IPv6 as well (ns-3 TCP sockets are one family each).
  explicit ObjectServer(ns3::Ptr<ns3::Node> node, std::uint16_t port = kPort, bool ipv6 = false);
  ~ObjectServer();
  void Start();
  void Stop();
  std::uint64_t ObjectsServed() const { return served_; }

 private:
  struct Connection {
    std::uint64_t requested = 0;
    int header_bytes = 0;
    std::uint64_t sent = 0;
  };
  ns3::Ptr<ns3::Socket> Listen(const ns3::Address& any);
  void OnAccept(ns3::Ptr<ns3::Socket> socket, const ns3::Address& from);
  void OnReadable(ns3::Ptr<ns3::Socket> socket);
  void Pump(ns3::Ptr<ns3::Socket> socket);
  void Forget(ns3::Ptr<ns3::Socket> socket);

  ns3::Ptr<ns3::Node> node_;
  std::uint16_t port_;
  bool ipv6_;
  ns3::Ptr<ns3::Socket> listener_;
  ns3::Ptr<ns3::Socket> listener6_;
  std::map<ns3::Ptr<ns3::Socket>, Connection> connections_;
  std::uint64_t served_ = 0;
};

}  // namespace cdnlab
