#include "sim/net/ns3_datagram_transport.h"

#include <stdexcept>
#include <string>

#include <ns3/packet.h>
#include <ns3/udp-socket-factory.h>

#include "sim/net/ns3_address.h"

namespace cdnlab {

Ns3DatagramTransport::Ns3DatagramTransport(const SimNetwork& network) : network_(network) {}

Ns3DatagramTransport::~Ns3DatagramTransport() {
  for (auto& [endpoint, binding] : bindings_) {
    binding.socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
    binding.socket->Close();
  }
}

void Ns3DatagramTransport::Bind(const Endpoint& local, ReceiveHandler handler) {
  if (bindings_.count(local) != 0) throw std::logic_error("endpoint bound twice: " + local.ToString());
  ns3::Ptr<ns3::Socket> socket =
      ns3::Socket::CreateSocket(network_.NodeOf(local.address), ns3::UdpSocketFactory::GetTypeId());
  if (socket->Bind(SocketAddressOf(local)) != 0) {
    throw std::runtime_error("cannot bind simulated UDP socket " + local.ToString());
  }
  socket->SetRecvCallback(ns3::Callback<void, ns3::Ptr<ns3::Socket>>(
      [this, local](ns3::Ptr<ns3::Socket> s) { OnReadable(local, s); }));
  bindings_[local] = Binding{socket, std::move(handler), {}};
}

void Ns3DatagramTransport::Unbind(const Endpoint& local) {
  auto it = bindings_.find(local);
  if (it == bindings_.end()) return;
  it->second.socket->SetRecvCallback(ns3::MakeNullCallback<void, ns3::Ptr<ns3::Socket>>());
  it->second.socket->Close();
  bindings_.erase(it);
}

void Ns3DatagramTransport::Send(const Endpoint& from, const Endpoint& to, Bytes payload) {
  auto it = bindings_.find(from);
  if (it == bindings_.end()) throw std::logic_error("send from unbound endpoint " + from.ToString());
  ns3::Ptr<ns3::Packet> packet = ns3::Create<ns3::Packet>(payload.data(), static_cast<std::uint32_t>(payload.size()));
  if (it->second.socket->SendTo(packet, 0, SocketAddressOf(to)) >= 0 || !it->second.on_error) return;
  const ns3::Socket::SocketErrno error = it->second.socket->GetErrno();
  DatagramFailure failure{from, to, DatagramError::kOther, "ns-3 socket error " + std::to_string(error)};
  if (error == ns3::Socket::ERROR_MSGSIZE) failure.error = DatagramError::kTooLarge;
  if (error == ns3::Socket::ERROR_NOROUTETOHOST) failure.error = DatagramError::kUnreachable;
  const ErrorHandler handler = it->second.on_error;  // a copy: the handler may unbind
  handler(failure);
}

void Ns3DatagramTransport::OnError(const Endpoint& local, ErrorHandler handler) {
  auto it = bindings_.find(local);
  if (it == bindings_.end()) throw std::logic_error("error handler for unbound endpoint " + local.ToString());
  it->second.on_error = std::move(handler);
}

void Ns3DatagramTransport::OnReadable(const Endpoint& local, ns3::Ptr<ns3::Socket> socket) {
  ns3::Address from_address;
  while (ns3::Ptr<ns3::Packet> packet = socket->RecvFrom(from_address)) {
    Bytes bytes(packet->GetSize());
    packet->CopyData(bytes.data(), static_cast<std::uint32_t>(bytes.size()));
    const Endpoint from = EndpointOf(from_address);
    // The handler may unbind this endpoint; look it up again for every datagram.
    auto it = bindings_.find(local);
    if (it == bindings_.end()) return;
    ReceiveHandler handler = it->second.handler;
    handler(from, bytes);
  }
}

}  // namespace cdnlab
