#include "models/routing/candidate_chooser.h"

#include <algorithm>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "models/core/seeded_random_source.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using std::chrono::seconds;

// Six PoPs (the three of the fixture plus three more), so exploration has a choice.
RoutingCatalog SixPopCatalog() {
  RoutingCatalog c = testing::ThreePopCatalog();
  for (int i = 3; i < 6; ++i) {
    c.pops.push_back({"pop" + std::to_string(i), {0, 0}, {testing::Addr(100, 64, static_cast<std::uint8_t>(i), 1)}, 100});
  }
  return c;
}

class RumCandidateChooser : public ::testing::Test {
 protected:
  std::vector<PopIndex> Choose(CandidateChooserConfig config = {}, std::uint64_t seed = 7, GroupIndex g = 0) {
    SeededRandomSource random(seed);
    CandidateChooser chooser(catalog, store, random, config);
    return chooser.Choose(g, now);
  }
  void Measure(PopIndex p, double rtt, SimTime at) { store.AddSample(0, p, at, rtt, 0.0); }

  RoutingCatalog catalog = SixPopCatalog();
  MeasurementStore store{catalog.groups.size(), catalog.pops.size(), {0.3, seconds(60)}};
  SimTime now = seconds(100);
};

TEST_F(RumCandidateChooser, NothingMeasuredExploresDistinctPops) {
  const auto chosen = Choose();
  ASSERT_EQ(chosen.size(), 3u);
  EXPECT_EQ(std::set<PopIndex>(chosen.begin(), chosen.end()).size(), 3u);
  for (PopIndex p : chosen) EXPECT_LT(p, catalog.pops.size());
}

TEST_F(RumCandidateChooser, BestAndRunnerUpFirstThenAnUnmeasuredPop) {
  Measure(0, 50, now);
  Measure(1, 10, now);
  Measure(2, 30, now);
  Measure(3, 90, now);
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const auto chosen = Choose({}, seed);
    ASSERT_EQ(chosen.size(), 3u);
    EXPECT_EQ(chosen[0], 1u) << "best fresh first";
    EXPECT_EQ(chosen[1], 2u) << "runner-up second";
    EXPECT_TRUE(chosen[2] == 4 || chosen[2] == 5) << "unmeasured explored first, got " << chosen[2];
  }
}

TEST_F(RumCandidateChooser, NeverMeasuredBeforeStaleBeforeMeasured) {
  Measure(0, 10, now);
  Measure(1, 11, now);
  Measure(2, 12, now);
  Measure(3, 5, now - seconds(61));  // stale: it was the best once
  Measure(4, 14, now);
  // pop 5 never measured, pop 3 stale: with 4 slots (2 exploit), both are explored before 2 or 4.
  CandidateChooserConfig config{4, 2};
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const auto chosen = Choose(config, seed);
    ASSERT_EQ(chosen.size(), 4u);
    EXPECT_EQ(chosen[0], 0u);
    EXPECT_EQ(chosen[1], 1u);
    EXPECT_EQ(chosen[2], 5u) << "never measured first";
    EXPECT_EQ(chosen[3], 3u) << "then stale";
  }
}

TEST_F(RumCandidateChooser, AllFreshExploresEveryOtherPopOverTime) {
  for (PopIndex p = 0; p < catalog.pops.size(); ++p) Measure(p, 10.0 * static_cast<double>(p + 1), now);
  SeededRandomSource random(3);
  CandidateChooser chooser(catalog, store, random);
  std::set<PopIndex> explored;
  for (int i = 0; i < 200; ++i) {
    const auto chosen = chooser.Choose(0, now);
    ASSERT_EQ(chosen.size(), 3u);
    EXPECT_EQ(chosen[0], 0u);
    EXPECT_EQ(chosen[1], 1u);
    EXPECT_GE(chosen[2], 2u);
    explored.insert(chosen[2]);
  }
  EXPECT_EQ(explored, (std::set<PopIndex>{2, 3, 4, 5})) << "every non-best PoP gets explored";
}

TEST_F(RumCandidateChooser, AlwaysIncludesTheBestFreshPop) {
  SeededRandomSource noise(99);
  for (int round = 0; round < 100; ++round) {
    store = MeasurementStore{catalog.groups.size(), catalog.pops.size(), {0.3, seconds(60)}};
    double best_rtt = 1e9;
    PopIndex best = 0;
    for (PopIndex p = 0; p < catalog.pops.size(); ++p) {
      if (noise.Uniform01() < 0.5) continue;  // leave some unmeasured
      const double rtt = noise.Uniform(1, 200);
      Measure(p, rtt, now);
      if (rtt < best_rtt) {
        best_rtt = rtt;
        best = p;
      }
    }
    const auto chosen = Choose({}, static_cast<std::uint64_t>(round));
    ASSERT_FALSE(chosen.empty());
    if (best_rtt < 1e9) {
      EXPECT_EQ(chosen[0], best) << "round " << round;
    }
  }
}

TEST_F(RumCandidateChooser, BoundedByMaxCandidatesAndByThePopCount) {
  for (std::size_t k = 1; k <= 8; ++k) {
    const auto chosen = Choose({k, std::min<std::size_t>(k, 2)});
    EXPECT_EQ(chosen.size(), std::min(k, catalog.pops.size())) << k;
    EXPECT_EQ(std::set<PopIndex>(chosen.begin(), chosen.end()).size(), chosen.size()) << "distinct";
  }
}

TEST_F(RumCandidateChooser, FewerFreshThanExploitLeavesTheRestToExploration) {
  Measure(4, 20, now);
  const auto chosen = Choose({3, 2});
  ASSERT_EQ(chosen.size(), 3u);
  EXPECT_EQ(chosen[0], 4u);
  EXPECT_NE(chosen[1], 4u);
  EXPECT_NE(chosen[2], 4u);
}

TEST_F(RumCandidateChooser, FailedButFreshPopIsNotExploitedYetStillRetried) {
  Measure(0, 10, now);
  store.AddSample(0, 1, now, std::nullopt, 1.0);  // fresh, every fetch failed
  for (PopIndex p = 2; p < catalog.pops.size(); ++p) Measure(p, 50, now);
  std::set<PopIndex> seen;
  for (std::uint64_t seed = 0; seed < 100; ++seed) {
    const auto chosen = Choose({3, 2}, seed);
    EXPECT_NE(chosen[1], 1u) << "a PoP without an RTT is never the runner-up";
    seen.insert(chosen[2]);
  }
  EXPECT_TRUE(seen.count(1)) << "but exploration retries it";
}

TEST_F(RumCandidateChooser, DeterministicForASeedAndVariesAcrossSeeds) {
  Measure(0, 10, now);
  std::set<std::vector<PopIndex>> distinct;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const auto a = Choose({3, 1}, seed);
    EXPECT_EQ(a, Choose({3, 1}, seed)) << "same seed, same choice";
    distinct.insert(a);
  }
  EXPECT_GT(distinct.size(), 1u) << "exploration is random across seeds";
}

TEST_F(RumCandidateChooser, ExploitOnlyConfigurationPicksTheBest) {
  Measure(0, 30, now);
  Measure(1, 20, now);
  Measure(2, 10, now);
  EXPECT_EQ(Choose({2, 2}), (std::vector<PopIndex>{2, 1}));
}

TEST_F(RumCandidateChooser, RejectsBadConfigAndUnknownGroup) {
  SeededRandomSource random(1);
  EXPECT_THROW(CandidateChooser(catalog, store, random, {0, 0}), std::invalid_argument);
  EXPECT_THROW(CandidateChooser(catalog, store, random, {2, 3}), std::invalid_argument);
  MeasurementStore wrong{1, 1};
  EXPECT_THROW(CandidateChooser(catalog, wrong, random), std::invalid_argument);
  CandidateChooser chooser(catalog, store, random);
  EXPECT_THROW(chooser.Choose(catalog.groups.size(), now), std::out_of_range);
}

}  // namespace
}  // namespace cdnlab
