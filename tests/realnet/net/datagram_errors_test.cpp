// The real-socket datagram transport reports what the kernel says instead of swallowing it:
// a datagram to a loopback port nobody listens on comes back as ECONNREFUSED (ICMP port
// unreachable, read from the socket's error queue) naming that port, and a datagram larger
// than UDP can carry is refused with EMSGSIZE at once.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "realnet/net/asio_datagram_transport.h"

namespace cdnlab {
namespace {

constexpr std::uint32_t kLoopback = 0x7F000001;

// A loopback port that was free a moment ago and has no socket now.
std::uint16_t ClosedPort(boost::asio::io_context& io) {
  boost::asio::ip::udp::socket probe(io, boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  return probe.local_endpoint().port();
}

TEST(DatagramErrors, PortUnreachableIsReportedAsRefusedWithThePeer) {
  boost::asio::io_context io;
  AsioDatagramTransport transport(io);
  const Endpoint local{Ipv4Address{kLoopback}, 0};
  transport.Bind(local, [](const Endpoint&, const Bytes&) {});
  std::vector<DatagramFailure> failures;
  transport.OnError(local, [&](const DatagramFailure& f) { failures.push_back(f); });
  const Endpoint nobody{Ipv4Address{kLoopback}, ClosedPort(io)};
  transport.Send(local, nobody, Bytes{'h', 'i'});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (failures.empty() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(50));
    if (failures.empty()) transport.Send(local, nobody, Bytes{'h', 'i'});  // a send also surfaces a queued error
  }
  ASSERT_FALSE(failures.empty()) << "ICMP port unreachable was swallowed";
  EXPECT_EQ(failures[0].error, DatagramError::kRefused);
  EXPECT_EQ(failures[0].peer, nobody);
  EXPECT_EQ(failures[0].local, local);
}

TEST(DatagramErrors, OversizedDatagramIsReportedAsTooLarge) {
  boost::asio::io_context io;
  AsioDatagramTransport transport(io);
  const Endpoint local{Ipv4Address{kLoopback}, 0};
  transport.Bind(local, [](const Endpoint&, const Bytes&) {});
  std::vector<DatagramFailure> failures;
  transport.OnError(local, [&](const DatagramFailure& f) { failures.push_back(f); });
  const Endpoint peer{Ipv4Address{kLoopback}, ClosedPort(io)};
  transport.Send(local, peer, Bytes(70000, 'x'));
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].error, DatagramError::kTooLarge);
  EXPECT_EQ(failures[0].peer, peer);
}

}  // namespace
}  // namespace cdnlab
