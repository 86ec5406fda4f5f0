#include "models/routing/probe_scheduler.h"

#include <map>

#include <gtest/gtest.h>

#include "models/core/seeded_random_source.h"
#include "models/routing/probe_responder.h"
#include "models/routing/metric_names.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class ProbeSchedulerTest : public ::testing::Test {
 protected:
  ProbeSchedulerTest() : catalog_(testing::ThreePopCatalog()), random_(11) {
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
  std::unique_ptr<ProbeScheduler> Make(ProbeSchedulerConfig config = {}) {
    return std::make_unique<ProbeScheduler>(catalog_, agents_by_pop_, runtime_, random_, metrics_,
                                            [this](const ProbeOutcome& o) { outcomes_.push_back(o); }, config);
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

TEST_F(ProbeSchedulerTest, EveryPairIsProbedOncePerRound) {
  auto scheduler = Make();
  scheduler->Start();
  runtime_.RunUntil(seconds(25));  // rounds at 0, 10, 20; the last finishes by ~26 s
  EXPECT_EQ(scheduler->RoundsStarted(), 3u);
  runtime_.RunUntil(seconds(29));
  ASSERT_EQ(outcomes_.size(), 3u * 3u * 3u);
  std::map<std::pair<PopIndex, GroupIndex>, int> per_pair;
  for (const auto& o : outcomes_) ++per_pair[{o.pop, o.group}];
  EXPECT_EQ(per_pair.size(), 9u);
  for (const auto& [pair, n] : per_pair) EXPECT_EQ(n, 3);
}

TEST_F(ProbeSchedulerTest, OverheadIsCountedExactly) {
  runtime_.SetDropRule([](const Endpoint& from, const Endpoint&, const Bytes&) { return from.port == 7; });  // replies lost
  auto scheduler = Make();
  scheduler->RunRoundNow();
  runtime_.RunFor(seconds(9));
  // 9 trains x 5 requests of 64 bytes, no replies.
  EXPECT_EQ(scheduler->Overhead().trains, 9u);
  EXPECT_EQ(scheduler->Overhead().packets, 45u);
  EXPECT_EQ(scheduler->Overhead().bytes, 45u * 64u);
  EXPECT_EQ(metrics_.Counter(metric::kProbePackets), 45);
  EXPECT_TRUE(metrics_.SamplesNamed(metric::kProbeRttMs).empty());
}

TEST_F(ProbeSchedulerTest, ServersTakeTurns) {
  std::map<std::uint32_t, int> trains_per_server;
  runtime_.SetDropRule([&](const Endpoint& from, const Endpoint&, const Bytes& b) {
    if (from.port == 7000 && b[6] == 0 && b[7] == 0) ++trains_per_server[from.address.V4().value];  // seq 0
    return false;
  });
  auto scheduler = Make();
  scheduler->Start();
  runtime_.RunUntil(seconds(15));  // two rounds
  for (const auto& pop : catalog_.pops) {
    EXPECT_EQ(trains_per_server[pop.servers[0].value] + trains_per_server[pop.servers[1].value], 6);
    EXPECT_EQ(trains_per_server[pop.servers[0].value], 3);
  }
}

TEST_F(ProbeSchedulerTest, RejectsAPopWithoutAgents) {
  agents_by_pop_[1].clear();
  EXPECT_THROW(Make(), std::invalid_argument);
}

TEST_F(ProbeSchedulerTest, StopCancelsEverything) {
  auto scheduler = Make();
  scheduler->Start();
  scheduler->Stop();
  runtime_.RunFor(seconds(60));
  EXPECT_TRUE(outcomes_.empty());
}

}  // namespace
}  // namespace cdnlab
