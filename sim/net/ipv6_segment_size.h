#pragma once
// TCP over IPv6 carries 20 bytes less payload per packet than over IPv4 (a 40-byte header
// instead of 20), as real stacks do (MSS 1440 vs 1460 on Ethernet). Without this a segment
// sized for IPv4 would not fit the link MTU over IPv6 and every one would be fragmented.
#include <ns3/socket.h>
#include <ns3/uinteger.h>

namespace cdnlab {

inline void FitSegmentSizeToIpv6(ns3::Ptr<ns3::Socket> tcp_socket) {
  constexpr std::uint64_t kExtraHeaderBytes = 40 - 20;
  ns3::UintegerValue size;
  tcp_socket->GetAttribute("SegmentSize", size);
  tcp_socket->SetAttribute("SegmentSize", ns3::UintegerValue(size.Get() - kExtraHeaderBytes));
}

}  // namespace cdnlab
