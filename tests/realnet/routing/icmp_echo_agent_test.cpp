// ICMP echo probing against loopback addresses (the kernel answers echo for all of 127/8).
#include "realnet/routing/icmp_echo_agent.h"

#include <gtest/gtest.h>

#include "realnet/net/asio_clock.h"

namespace cdnlab {
namespace {

TEST(IcmpEchoAgent, MeasuresLoopbackRoundTrips) {
  boost::asio::io_context io;
  AsioClock clock(io);
  std::unique_ptr<IcmpEchoAgent> agent;
  try {
    agent = std::make_unique<IcmpEchoAgent>(io, 3, Ipv4Address{0x7F000001}, clock, clock);
  } catch (const IcmpNotPermitted& e) {
    GTEST_SKIP() << "ICMP not permitted for this user (CI runs as root, where it is): " << e.what();
  }
  std::vector<ProbeOutcome> outcomes;
  for (std::uint32_t target : {0x7F000001u, 0x7F000102u}) {  // 127.0.0.1, 127.0.1.2
    ProbeTrainSpec spec;
    spec.group = target & 0xFF;
    spec.target = Endpoint{Ipv4Address{target}, 0};
    spec.packets = 5;
    spec.spacing = std::chrono::milliseconds(5);
    spec.timeout = std::chrono::milliseconds(500);
    agent->RunTrain(spec, [&](const ProbeOutcome& o) { outcomes.push_back(o); });
  }
  clock.ScheduleAfter(std::chrono::seconds(3), [&] { io.stop(); });  // bound: never hangs
  io.run_for(std::chrono::seconds(5));
  ASSERT_EQ(outcomes.size(), 2u);
  for (const auto& o : outcomes) {
    EXPECT_EQ(o.pop, 3u);
    EXPECT_EQ(o.sent, 5);
    EXPECT_EQ(o.received, 5) << "group " << o.group;
    EXPECT_DOUBLE_EQ(o.loss, 0.0);
    ASSERT_TRUE(o.rtt_ms.has_value());
    EXPECT_GE(*o.rtt_ms, 0.0);
    EXPECT_LT(*o.rtt_ms, 50.0) << "loopback";
    EXPECT_GT(o.bytes_received, 0u);
  }
}

}  // namespace
}  // namespace cdnlab
