// Adaptive probing: a selector (the CandidateChooser in the runtimes) decides which PoPs probe
// each group per round; the scheduler probes exactly those and counts overhead as usual.
#include <map>
#include <set>
#include <stdexcept>

#include <gtest/gtest.h>

#include "models/core/seeded_random_source.h"
#include "models/routing/candidate_chooser.h"
#include "models/routing/measurement_store.h"
#include "models/routing/probe_responder.h"
#include "models/routing/probe_scheduler.h"
#include "models/routing/metric_names.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class AdaptiveProbingTest : public ::testing::Test {
 protected:
  AdaptiveProbingTest() : catalog_(testing::ThreePopCatalog()), random_(5) {
    for (const auto& g : catalog_.groups) {
      responders_.push_back(std::make_unique<ProbeResponder>(Endpoint{g.representative, 7}, runtime_));
      responders_.back()->Start();
    }
    for (PopIndex p = 0; p < catalog_.pops.size(); ++p) {
      agents_by_pop_.emplace_back();
      for (const auto& s : catalog_.pops[p].servers) {
        agents_.push_back(std::make_unique<ProbeAgent>(p, Endpoint{s, 7000}, runtime_, runtime_, runtime_));
        agents_.back()->Start();
        agents_by_pop_.back().push_back(agents_.back().get());
      }
    }
  }
  std::unique_ptr<ProbeScheduler> Make(ProbeTargetSelector selector, const Clock* clock) {
    ProbeSchedulerConfig config;
    config.selector = std::move(selector);
    config.clock = clock;
    return std::make_unique<ProbeScheduler>(catalog_, agents_by_pop_, runtime_, random_, metrics_,
                                            [this](const ProbeOutcome& o) { outcomes_.push_back(o); }, config);
  }
  // (round, group) -> the PoPs that probed it.
  std::map<std::pair<int, GroupIndex>, std::multiset<PopIndex>> ByRound() const {
    std::map<std::pair<int, GroupIndex>, std::multiset<PopIndex>> out;
    for (const auto& o : outcomes_) {
      out[{static_cast<int>(o.finished_at / seconds(10)), o.group}].insert(o.pop);
    }
    return out;
  }

  RoutingCatalog catalog_;
  testing::ManualRuntime runtime_;
  testing::RecordingMetricsSink metrics_;
  SeededRandomSource random_;
  std::vector<std::unique_ptr<ProbeResponder>> responders_;
  std::vector<std::unique_ptr<ProbeAgent>> agents_;
  std::vector<std::vector<ProbeTrainRunner*>> agents_by_pop_;
  std::vector<ProbeOutcome> outcomes_;
};

TEST_F(AdaptiveProbingTest, OnlyTheSelectedPopsProbeAndOverheadIsCountedAsUsual) {
  std::vector<std::pair<GroupIndex, SimTime>> asked;
  auto scheduler = Make(
      [&](GroupIndex g, SimTime now) -> std::vector<PopIndex> {
        asked.emplace_back(g, now);
        if (g == 0) return {2};
        if (g == 1) return {1, 0, 1, 9};  // a repeat and an unknown PoP are ignored
        return {};
      },
      &runtime_);
  runtime_.RunFor(seconds(3));
  scheduler->RunRoundNow();
  runtime_.RunFor(seconds(9));
  EXPECT_EQ(asked, (std::vector<std::pair<GroupIndex, SimTime>>{{0, seconds(3)}, {1, seconds(3)}, {2, seconds(3)}}));
  std::set<std::pair<PopIndex, GroupIndex>> pairs;
  for (const auto& o : outcomes_) pairs.insert({o.pop, o.group});
  EXPECT_EQ(pairs, (std::set<std::pair<PopIndex, GroupIndex>>{{2, 0}, {0, 1}, {1, 1}}));
  ASSERT_EQ(outcomes_.size(), 3u);
  // Every reply arrives: 3 trains x (5 requests + 5 replies) of 64 bytes.
  EXPECT_EQ(scheduler->Overhead().trains, 3u);
  EXPECT_EQ(scheduler->Overhead().packets, 30u);
  EXPECT_EQ(scheduler->Overhead().bytes, 30u * 64u);
  EXPECT_EQ(metrics_.Counter(metric::kProbePackets), 30);
  EXPECT_EQ(metrics_.Counter(metric::kProbeTrains), 3);
}

TEST_F(AdaptiveProbingTest, ASelectorNeedsAClock) {
  EXPECT_THROW(Make([](GroupIndex, SimTime) { return std::vector<PopIndex>{0}; }, nullptr), std::invalid_argument);
}

TEST_F(AdaptiveProbingTest, WithTheCandidateChooserEachGroupCostsKTrainsAndTheBestPopIsKeptMeasured) {
  // Boston is 5 ms from London's servers and 40 ms from everything else.
  runtime_.SetDefaultDelay(milliseconds(40));
  for (const auto& s : catalog_.pops[1].servers) runtime_.SetDelay(catalog_.groups[0].representative, s, milliseconds(5));
  MeasurementStore store(catalog_.groups.size(), catalog_.pops.size());
  SeededRandomSource chooser_random(17);
  CandidateChooser chooser(catalog_, store, chooser_random, CandidateChooserConfig{2, 1});
  ProbeSchedulerConfig config;
  config.selector = [&](GroupIndex g, SimTime now) { return chooser.Choose(g, now); };
  config.clock = &runtime_;
  ProbeScheduler scheduler(catalog_, agents_by_pop_, runtime_, random_, metrics_,
                           [&](const ProbeOutcome& o) {
                             outcomes_.push_back(o);
                             store.AddSample(o.group, o.pop, o.finished_at, o.rtt_ms, o.loss);
                           },
                           config);
  scheduler.Start();
  runtime_.RunUntil(seconds(59));  // rounds at 0, 10, ..., 50
  scheduler.Stop();
  ASSERT_EQ(scheduler.RoundsStarted(), 6u);
  ASSERT_EQ(outcomes_.size(), 6u * 3u * 2u) << "2 of 3 PoPs per group per round";
  const auto by_round = ByRound();
  for (const auto& [key, pops] : by_round) {
    EXPECT_EQ(pops.size(), 2u);
    EXPECT_EQ(std::set<PopIndex>(pops.begin(), pops.end()).size(), 2u) << "distinct PoPs";
    // After two rounds every PoP has been measured once (never-measured go first), so from
    // then on London, boston's best, is always one of the two.
    if (key.second == 0 && key.first >= 2) {
      EXPECT_EQ(pops.count(1), 1u) << "round " << key.first;
    }
  }
  std::set<PopIndex> explored;
  for (const auto& o : outcomes_) {
    if (o.group == 0) explored.insert(o.pop);
  }
  EXPECT_EQ(explored.size(), 3u) << "exploration still reaches every PoP";
  EXPECT_EQ(scheduler.Overhead().packets, outcomes_.size() * 10u);
  EXPECT_EQ(metrics_.Counter(metric::kProbeTrains), static_cast<double>(outcomes_.size()));
}

}  // namespace
}  // namespace cdnlab
