#include "sim/routing/object_server.h"

#include <algorithm>
#include <vector>

#include <ns3/inet-socket-address.h>
#include <ns3/inet6-socket-address.h>
#include <ns3/packet.h>
#include <ns3/tcp-socket-factory.h>

#include "sim/net/ipv6_segment_size.h"
#include "sim/routing/tcp_time_wait.h"

namespace cdnlab {

ObjectServer::ObjectServer(ns3::Ptr<ns3::Node> node, std::uint16_t port, bool ipv6)
    : node_(node), port_(port), ipv6_(ipv6) {}

ObjectServer::~ObjectServer() { Stop(); }

void ObjectServer::Start() {
  if (listener_) return;
  listener_ = Listen(ns3::InetSocketAddress(ns3::Ipv4Address::GetAny(), port_));
  if (ipv6_) listener6_ = Listen(ns3::Inet6SocketAddress(ns3::Ipv6Address::GetAny(), port_));
}

ns3::Ptr<ns3::Socket> ObjectServer::Listen(const ns3::Address& any) {
  ns3::Ptr<ns3::Socket> listener = ns3::Socket::CreateSocket(node_, ns3::TcpSocketFactory::GetTypeId());
  // Accepted connections inherit it; ns-3 only takes it on a closed socket.
  if (ns3::Inet6SocketAddress::IsMatchingType(any)) FitSegmentSizeToIpv6(listener);
  ShortenTimeWait(listener);
  listener->Bind(any);
  listener->Listen();
  listener->SetAcceptCallback(
      ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
      ns3::Callback<void, ns3::Ptr<ns3::Socket>, const ns3::Address&>(
          [this](ns3::Ptr<ns3::Socket> s, const ns3::Address& from) { OnAccept(s, from); }));
  return listener;
}

void ObjectServer::Stop() {
  for (auto& [socket, c] : connections_) {
    socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    socket->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, std::uint32_t>());
    socket->Close();
  }
  connections_.clear();
  for (ns3::Ptr<ns3::Socket>* listener : {&listener_, &listener6_}) {
    if (!*listener) continue;
    (*listener)->SetAcceptCallback(ns3::MakeNullCallback<bool, ns3::Ptr<ns3::Socket>, const ns3::Address&>(),
                                   ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, const ns3::Address&>());
    (*listener)->Close();
    *listener = nullptr;
  }
}

void ObjectServer::OnAccept(ns3::Ptr<ns3::Socket> socket, const ns3::Address&) {
  connections_[socket] = Connection{};
  socket->SetRecvCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>([this](ns3::Ptr<ns3::Socket> s) { OnReadable(s); }));
  socket->SetSendCallback(
      ns3::Callback<void, ns3::Ptr<ns3::Socket>, std::uint32_t>([this](ns3::Ptr<ns3::Socket> s, std::uint32_t) { Pump(s); }));
  socket->SetCloseCallbacks(ns3::Callback<void, ns3::Ptr<ns3::Socket>>([this](ns3::Ptr<ns3::Socket> s) { Forget(s); }),
                            ns3::Callback<void, ns3::Ptr<ns3::Socket>>([this](ns3::Ptr<ns3::Socket> s) { Forget(s); }));
}

void ObjectServer::OnReadable(ns3::Ptr<ns3::Socket> socket) {
  auto it = connections_.find(socket);
  while (ns3::Ptr<ns3::Packet> packet = socket->Recv()) {
    if (it == connections_.end()) continue;
    std::vector<std::uint8_t> bytes(packet->GetSize());
    packet->CopyData(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
    for (std::uint8_t b : bytes) {
      if (it->second.header_bytes == 8) break;  // anything after the request is ignored
      it->second.requested = (it->second.requested << 8) | b;
      ++it->second.header_bytes;
    }
  }
  if (it != connections_.end() && it->second.header_bytes == 8) Pump(socket);
}

void ObjectServer::Pump(ns3::Ptr<ns3::Socket> socket) {
  auto it = connections_.find(socket);
  if (it == connections_.end() || it->second.header_bytes < 8) return;
  Connection& c = it->second;
  while (c.sent < c.requested) {
    const std::uint32_t room = socket->GetTxAvailable();
    if (room == 0) return;  // the send callback calls us again when the buffer drains
    const auto chunk = static_cast<std::uint32_t>(std::min<std::uint64_t>({room, c.requested - c.sent, 64 * 1024}));
    const int accepted = socket->Send(ns3::Create<ns3::Packet>(chunk));
    if (accepted <= 0) return;
    c.sent += static_cast<std::uint64_t>(accepted);
  }
  ++served_;
  socket->SetSendCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>, std::uint32_t>());
  socket->Close();  // FIN after the data: the client sees the whole object, then the close
  connections_.erase(it);
}

void ObjectServer::Forget(ns3::Ptr<ns3::Socket> socket) { connections_.erase(socket); }

}  // namespace cdnlab
