#pragma once
#include <ns3/double.h>
#include <ns3/ptr.h>
#include <ns3/socket.h>

namespace cdnlab {

// A closed connection's ns-3 TCP socket stays in TIME_WAIT for twice this (seconds). ns-3's
// default is RFC 793's 2-minute MSL: every connection of a run kept its endpoint for 240 s, and
// ns-3 finds an arriving segment's socket by scanning all endpoints of the node, so with
// thousands of downloads per PoP server that scan was about a third of a packet run's CPU.
// ns-3's TIME_WAIT ignores every segment it receives (it does not re-ACK a retransmitted FIN),
// so a short one only changes what a segment arriving later for that connection gets: a RST
// instead of silence (a FIN resent after a lost final ACK; a client reusing the port).
constexpr double kTcpMaxSegmentLifetimeS = 1.0;

// Accepted sockets inherit it from their listener.
inline void ShortenTimeWait(ns3::Ptr<ns3::Socket> socket) {
  socket->SetAttribute("MaxSegLifetime", ns3::DoubleValue(kTcpMaxSegmentLifetimeS));
}

}  // namespace cdnlab
