#include "models/routing/group_arrivals.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "models/core/seeded_random_source.h"
#include "tests/support/manual_runtime.h"

namespace cdnlab {
namespace {

using testing::ManualRuntime;

using std::chrono::seconds;

struct Arrival {
  GroupIndex group;
  SimTime at;
};

// Every arrival of `groups` groups until `until`, on a fresh clock.
std::vector<Arrival> RunArrivals(GroupArrivalsConfig config, std::size_t groups, SimTime until, std::uint64_t seed = 1) {
  ManualRuntime rt;
  SeededRandomSource random(seed);
  std::vector<Arrival> seen;
  GroupArrivals arrivals(groups, config, rt, rt, random, [&](GroupIndex g) { seen.push_back({g, rt.Now()}); });
  arrivals.Start();
  rt.RunUntil(until);
  return seen;
}

TEST(GroupArrivalsTest, EachGroupArrivesAtItsRateBetweenStartAndStop) {
  GroupArrivalsConfig config{6, seconds(100), seconds(2100)};
  const auto seen = RunArrivals(config, 3, seconds(3000));
  std::map<GroupIndex, int> per_group;
  for (const auto& a : seen) {
    EXPECT_GT(a.at, config.start_at);
    EXPECT_LT(a.at, config.stop_at);
    ++per_group[a.group];
  }
  ASSERT_EQ(per_group.size(), 3u);
  // 6 per minute for 2000 s: 200 expected per group; Poisson sd ~14, so 150..250 is over 3 sd.
  for (const auto& [g, n] : per_group) {
    EXPECT_GT(n, 150) << "group " << g;
    EXPECT_LT(n, 250) << "group " << g;
  }
}

TEST(GroupArrivalsTest, SameSeedSameArrivalsOtherSeedOthers) {
  GroupArrivalsConfig config{12, seconds(0), seconds(60)};
  const auto a = RunArrivals(config, 4, seconds(100), 7);
  const auto b = RunArrivals(config, 4, seconds(100), 7);
  const auto c = RunArrivals(config, 4, seconds(100), 8);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].group, b[i].group);
    EXPECT_EQ(a[i].at, b[i].at);
  }
  bool differs = a.size() != c.size();
  for (std::size_t i = 0; !differs && i < a.size(); ++i) differs = a[i].at != c[i].at;
  EXPECT_TRUE(differs);
}

TEST(GroupArrivalsTest, NoRateNoArrivalsAndStopCancelsWhatIsPending) {
  EXPECT_TRUE(RunArrivals(GroupArrivalsConfig{0, seconds(0), seconds(60)}, 2, seconds(100)).empty());

  ManualRuntime rt;
  SeededRandomSource random(3);
  int count = 0;
  GroupArrivals arrivals(2, GroupArrivalsConfig{60, seconds(0), seconds(600)}, rt, rt, random,
                         [&](GroupIndex) { ++count; });
  arrivals.Start();
  rt.RunFor(seconds(10));
  const int before = count;
  EXPECT_GT(before, 0);
  arrivals.Stop();
  rt.RunFor(seconds(100));
  EXPECT_EQ(count, before);
}

}  // namespace
}  // namespace cdnlab
