#pragma once
// Conversions between the core's addresses and ns-3's, for either family.
#include <ns3/address.h>
#include <ns3/ipv4-address.h>
#include <ns3/ipv6-address.h>

#include "models/net/endpoint.h"

namespace cdnlab {

ns3::Ipv4Address ToNs3(Ipv4Address a);
ns3::Ipv6Address ToNs3(const Ipv6Address& a);
Ipv6Address FromNs3(const ns3::Ipv6Address& a);
// An InetSocketAddress or Inet6SocketAddress, by the endpoint's family.
ns3::Address SocketAddressOf(const Endpoint& e);
// The reverse, for what ns-3 sockets report as a peer.
Endpoint EndpointOf(const ns3::Address& address);

}  // namespace cdnlab
