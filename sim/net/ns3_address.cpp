#include "sim/net/ns3_address.h"

#include <ns3/inet-socket-address.h>
#include <ns3/inet6-socket-address.h>

namespace cdnlab {

ns3::Ipv4Address ToNs3(Ipv4Address a) { return ns3::Ipv4Address(a.value); }

ns3::Ipv6Address ToNs3(const Ipv6Address& a) {
  std::uint8_t bytes[16];
  for (int i = 0; i < 16; ++i) bytes[i] = a.bytes[i];
  return ns3::Ipv6Address(bytes);
}

Ipv6Address FromNs3(const ns3::Ipv6Address& a) {
  Ipv6Address out;
  a.GetBytes(out.bytes.data());
  return out;
}

ns3::Address SocketAddressOf(const Endpoint& e) {
  if (e.address.IsV4()) return ns3::InetSocketAddress(ToNs3(e.address.V4()), e.port);
  return ns3::Inet6SocketAddress(ToNs3(e.address.V6()), e.port);
}

Endpoint EndpointOf(const ns3::Address& address) {
  if (ns3::Inet6SocketAddress::IsMatchingType(address)) {
    const auto inet6 = ns3::Inet6SocketAddress::ConvertFrom(address);
    return Endpoint{FromNs3(inet6.GetIpv6()), inet6.GetPort()};
  }
  const auto inet = ns3::InetSocketAddress::ConvertFrom(address);
  return Endpoint{Ipv4Address{inet.GetIpv4().Get()}, inet.GetPort()};
}

}  // namespace cdnlab
