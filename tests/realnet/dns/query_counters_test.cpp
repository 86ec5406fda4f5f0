#include "realnet/dns/query_counters.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

std::uint64_t CountOf(const DnsQueryCounters& c, std::uint16_t rcode, int pop) {
  for (const auto& row : c.Totals()) {
    if (row.rcode == rcode && row.pop == pop) return row.count;
  }
  return 0;
}

TEST(DnsQueryCounters, CountsByRcodeAndPop) {
  DnsQueryCounters c;
  c.Add(0, PopIndex{1});
  c.Add(0, PopIndex{1});
  c.Add(0, PopIndex{0});
  c.Add(5, std::nullopt);
  c.Add(16, std::nullopt);  // BADVERS
  c.Add(0, PopIndex{DnsQueryCounters::kMaxPops + 3});
  EXPECT_EQ(CountOf(c, 0, 1), 2u);
  EXPECT_EQ(CountOf(c, 0, 0), 1u);
  EXPECT_EQ(CountOf(c, 5, DnsQueryCounters::kNoPop), 1u);
  EXPECT_EQ(CountOf(c, 16, DnsQueryCounters::kNoPop), 1u);
  EXPECT_EQ(CountOf(c, 0, DnsQueryCounters::kOtherPop), 1u);
  EXPECT_EQ(c.Totals().size(), 5u);  // only non-zero cells
  EXPECT_STREQ(DnsRcodeName(0), "NOERROR");
  EXPECT_STREQ(DnsRcodeName(3), "NXDOMAIN");
  EXPECT_STREQ(DnsRcodeName(16), "BADVERS");
}

TEST(DnsQueryCounters, NoCountIsLostAcrossThreads) {
  DnsQueryCounters c;
  constexpr int kThreads = 12;  // more than the shards: some threads share one
  constexpr int kEach = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&c, t] {
      for (int i = 0; i < kEach; ++i) c.Add(0, PopIndex(t % 2));
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(CountOf(c, 0, 0) + CountOf(c, 0, 1), std::uint64_t{kThreads} * kEach);
  EXPECT_EQ(CountOf(c, 0, 0), std::uint64_t{kThreads / 2} * kEach);
}

}  // namespace
}  // namespace cdnlab
