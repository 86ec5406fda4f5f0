// The real-socket datagram transport reports what the kernel says instead of swallowing it:
// a datagram to a loopback port nobody listens on comes back as ECONNREFUSED (ICMP port
// unreachable, read from the socket's error queue) naming that port, and a datagram larger
// than UDP can carry is refused with EMSGSIZE at once. A queued error for a dead peer must not
// cost the next datagram to a live one (with IP_RECVERR it fails that send first).
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>
#include <thread>
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

// One transport bound on loopback, recording every error it reports.
class DatagramErrors : public ::testing::Test {
 protected:
  DatagramErrors() {
    transport_.Bind(local_, [](const Endpoint&, const Bytes&) {});
    transport_.OnError(local_, [this](const DatagramFailure& f) { failures_.push_back(f); });
  }
  // Sends to a closed port until the ICMP port unreachable comes back (at most 5 s).
  Endpoint SendUntilRefused() {
    const Endpoint nobody{Ipv4Address{kLoopback}, ClosedPort(io_)};
    transport_.Send(local_, nobody, Bytes{'h', 'i'});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (failures_.empty() && std::chrono::steady_clock::now() < deadline) {
      io_.run_for(std::chrono::milliseconds(50));
      if (failures_.empty()) transport_.Send(local_, nobody, Bytes{'h', 'i'});  // a send also surfaces a queued error
    }
    return nobody;
  }

  boost::asio::io_context io_;
  AsioDatagramTransport transport_{io_};
  const Endpoint local_{Ipv4Address{kLoopback}, 0};
  std::vector<DatagramFailure> failures_;
};

TEST_F(DatagramErrors, PortUnreachableIsReportedAsRefusedWithThePeer) {
  const Endpoint nobody = SendUntilRefused();
  ASSERT_FALSE(failures_.empty()) << "ICMP port unreachable was swallowed";
  EXPECT_EQ(failures_[0].error, DatagramError::kRefused);
  EXPECT_EQ(failures_[0].peer, nobody);
  EXPECT_EQ(failures_[0].local, local_);
}

TEST_F(DatagramErrors, APendingErrorForADeadPeerDoesNotSwallowTheNextDatagramToALiveOne) {
  boost::asio::ip::udp::socket live(io_, boost::asio::ip::udp::endpoint(boost::asio::ip::address_v4::loopback(), 0));
  const Endpoint live_peer{Ipv4Address{kLoopback}, live.local_endpoint().port()};
  // Leave an ICMP error queued: one datagram to a closed port, and time for the answer.
  const Endpoint nobody{Ipv4Address{kLoopback}, ClosedPort(io_)};
  transport_.Send(local_, nobody, Bytes{'h', 'i'});
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  transport_.Send(local_, live_peer, Bytes{'o', 'k'});
  live.non_blocking(true);
  std::array<char, 16> buffer{};
  boost::asio::ip::udp::endpoint from;
  boost::system::error_code ec;
  std::size_t n = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    n = live.receive_from(boost::asio::buffer(buffer), from, 0, ec);
    if (ec == boost::asio::error::would_block) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (ec == boost::asio::error::would_block && std::chrono::steady_clock::now() < deadline);
  ASSERT_FALSE(ec) << "the datagram to the live peer was lost: " << ec.message();
  EXPECT_EQ(std::string(buffer.data(), n), "ok");
  ASSERT_EQ(failures_.size(), 1u) << "the queued error is still reported, for its own peer";
  EXPECT_EQ(failures_[0].error, DatagramError::kRefused);
  EXPECT_EQ(failures_[0].peer, nobody);
}

TEST_F(DatagramErrors, OversizedDatagramIsReportedAsTooLarge) {
  const Endpoint peer{Ipv4Address{kLoopback}, ClosedPort(io_)};
  transport_.Send(local_, peer, Bytes(70000, 'x'));
  ASSERT_EQ(failures_.size(), 1u);
  EXPECT_EQ(failures_[0].error, DatagramError::kTooLarge);
  EXPECT_EQ(failures_[0].peer, peer);
}

}  // namespace
}  // namespace cdnlab
