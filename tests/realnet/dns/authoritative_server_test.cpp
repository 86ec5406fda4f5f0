// cdnlab's authoritative server on loopback, queried by real clients (kdig) with EDNS
// Client Subnet from two subnets mapped to different PoPs, over UDP and TCP.
#include "realnet/dns/authoritative_server.h"

#include <array>
#include <future>
#include <thread>

#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "realnet/dns/static_mapping_config.h"
#include "tests/support/shell.h"

namespace cdnlab {
namespace {

class RealDnsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = LoadStaticMappingFile(std::string(CDNLAB_SOURCE_DIR) + "/tests/realnet/data/two_subnets.yaml");
    answerer_ = std::make_unique<AuthoritativeAnswerer>(config_.catalog, config_.dns);
    MappingTable table;
    ASSERT_TRUE(answerer_->ApplyDiff(table.Replace(config_.rows)));
    server_ = std::make_unique<RealDnsServer>(io_, *answerer_, Endpoint{Ipv4Address{0x7F000001}, 0});
    server_->Start();  // port 0: the kernel picks a free one
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    boost::asio::post(io_, [this] { server_->Stop(); });
    io_.stop();
    thread_.join();
  }
  // Stats live on the server's io thread; read them there.
  DnsServerStats Stats() {
    std::promise<DnsServerStats> stats;
    boost::asio::post(io_, [&] { stats.set_value(server_->Stats()); });
    return stats.get_future().get();
  }
  std::string Kdig(const std::string& args) {
    return testing::RunShell("kdig @127.0.0.1 -p " + std::to_string(server_->Port()) + " +time=2 +retry=0 " + args).output;
  }

  StaticMappingConfig config_;
  std::unique_ptr<AuthoritativeAnswerer> answerer_;
  boost::asio::io_context io_;
  std::unique_ptr<RealDnsServer> server_;
  std::thread thread_;
};

TEST_F(RealDnsServerTest, TwoSubnetsGetTheirOwnPopWithTheRightScope) {
  const std::string a = Kdig("cdn.example.net A +subnet=10.1.0.0/24");
  EXPECT_NE(a.find("status: NOERROR"), std::string::npos) << a;
  EXPECT_NE(a.find("192.0.2.10"), std::string::npos) << a;
  EXPECT_NE(a.find("CLIENT-SUBNET: 10.1.0.0/24/24"), std::string::npos) << a;

  const std::string b = Kdig("cdn.example.net A +subnet=10.2.7.0/24");
  EXPECT_NE(b.find("198.51.100.20"), std::string::npos) << b;
  EXPECT_NE(b.find("CLIENT-SUBNET: 10.2.7.0/24/16"), std::string::npos) << "scope is the /16 row" << b;
  EXPECT_EQ(b.find("192.0.2.10"), std::string::npos) << b;
}

// Adjacent rows on one PoP: the answer carries the /23 they make together, so a resolver may
// reuse it for both /24s; it is the same answer (same server) for both.
TEST_F(RealDnsServerTest, AdjacentSubnetsOnOnePopShareTheirWidestScope) {
  const std::string a = Kdig("cdn.example.net A +subnet=10.3.0.0/24");
  EXPECT_NE(a.find("CLIENT-SUBNET: 10.3.0.0/24/23"), std::string::npos) << a;
  EXPECT_NE(a.find("198.51.100.20"), std::string::npos) << a;
  const std::string b = Kdig("cdn.example.net A +subnet=10.3.1.0/24");
  EXPECT_NE(b.find("CLIENT-SUBNET: 10.3.1.0/24/23"), std::string::npos) << b;
  EXPECT_NE(b.find("198.51.100.20"), std::string::npos) << b;
}

TEST(StaticMappingConfig, ScopeAggregationCanBeTurnedOff) {
  const std::string base = "zone: example.net\nhostname: cdn.example.net\nttl_s: 30\n"
                           "pops: [{id: a, servers: [192.0.2.10]}]\nmapping: [{prefix: 10.3.0.0/24, pops: [a]}]\n";
  EXPECT_TRUE(LoadStaticMappingText(base, "m.yaml").dns.scope_aggregation);
  EXPECT_FALSE(LoadStaticMappingText(base + "scope_aggregation: false\n", "m.yaml").dns.scope_aggregation);
}

TEST_F(RealDnsServerTest, TcpAnswersTheSame) {
  const std::string b = Kdig("+tcp cdn.example.net A +subnet=10.2.7.0/24");
  EXPECT_NE(b.find("198.51.100.20"), std::string::npos) << b;
  EXPECT_NE(b.find("TCP"), std::string::npos) << b;
  EXPECT_GE(Stats().tcp_queries, 1u);
}

TEST_F(RealDnsServerTest, NoSubnetFallsBackToTheResolverAddress) {
  // From 127.0.0.1 with no ECS only the default row matches: pop-a.
  const std::string r = Kdig("cdn.example.net A +nosubnet");
  EXPECT_NE(r.find("192.0.2.10"), std::string::npos) << r;
}

TEST_F(RealDnsServerTest, NegativeAnswersAndOtherZones) {
  const std::string nx = Kdig("www.example.net A");
  EXPECT_NE(nx.find("status: NXDOMAIN"), std::string::npos) << nx;
  EXPECT_NE(nx.find("SOA"), std::string::npos) << nx;
  EXPECT_NE(Kdig("cdn.example.org A").find("status: REFUSED"), std::string::npos);
  const std::string nodata = Kdig("cdn.example.net AAAA");
  EXPECT_NE(nodata.find("status: NOERROR"), std::string::npos) << nodata;
  EXPECT_NE(nodata.find("ANSWER: 0"), std::string::npos) << nodata;
}

TEST_F(RealDnsServerTest, GarbageGetsFormErrOrNothingAndTheServerKeepsServing) {
  boost::asio::io_context client_io;
  boost::asio::ip::udp::socket s(client_io, boost::asio::ip::udp::endpoint(boost::asio::ip::udp::v4(), 0));
  const boost::asio::ip::udp::endpoint server(boost::asio::ip::make_address_v4("127.0.0.1"), server_->Port());
  const std::vector<Bytes> hostile = {
      {0x00},                                                            // shorter than a header
      {0xAB, 0xCD, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 0x0C, 0, 1, 0, 1},  // compression loop
      {0xAB, 0xCD, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63, 'a'},            // label past the end
  };
  for (const auto& h : hostile) s.send_to(boost::asio::buffer(h), server);
  s.non_blocking(false);
  struct timeval tv{5, 0};  // generous: CI machines are loaded
  setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::array<std::uint8_t, 512> reply{};
  boost::asio::ip::udp::endpoint from;
  for (int i = 0; i < 2; ++i) {  // the 1-byte datagram gets no reply; the other two get FORMERR
    const std::size_t n = s.receive_from(boost::asio::buffer(reply), from);
    ASSERT_GE(n, 12u);
    EXPECT_EQ(reply[0], 0xAB);
    EXPECT_EQ(reply[3] & 0x0F, 1) << "FORMERR";
  }
  EXPECT_NE(Kdig("cdn.example.net A +subnet=10.1.0.0/24").find("192.0.2.10"), std::string::npos);
  EXPECT_EQ(Stats().dropped, 1u);
  EXPECT_EQ(Stats().errors_sent, 2u);
}

}  // namespace
}  // namespace cdnlab
