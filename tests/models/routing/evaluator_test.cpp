#include "models/routing/evaluator.h"

#include <map>

#include <gtest/gtest.h>

#include "models/routing/metric_names.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using testing::Addr;
using std::chrono::seconds;

class RoutingEvaluatorTest : public ::testing::Test {
 protected:
  RoutingEvaluatorTest()
      : catalog_(testing::ThreePopCatalog()),
        answerer_(catalog_, {"example.net", "cdn.example.net", seconds(20)}),
        truth_(3, 3),
        evaluator_(catalog_, answerer_, truth_, runtime_, runtime_, metrics_, {seconds(1), 1000}) {
    Eigen::MatrixXd rtt(3, 3);
    rtt << 10, 80, 200,
           70, 12, 250,
           180, 240, 8;
    truth_.SetRttMs(rtt);
  }
  void Publish(std::vector<MappingEntry> rows) { ASSERT_TRUE(answerer_.ApplyDiff(master_.Replace(rows))); }
  std::vector<double> Regrets(const std::string& group) {
    std::vector<double> out;
    for (const auto& s : metrics_.SamplesNamed(metric::kRegretMs)) {
      if (s.labels[0].second == group) out.push_back(s.value);
    }
    return out;
  }

  RoutingCatalog catalog_;
  MappingTable master_;
  AuthoritativeAnswerer answerer_;
  GroundTruth truth_;
  testing::ManualRuntime runtime_;
  testing::RecordingMetricsSink metrics_;
  RoutingEvaluator evaluator_;
};

TEST_F(RoutingEvaluatorTest, RegretComparesTheAnsweredPopWithTheBest) {
  // Boston and Paris resolve through r0 with ECS: their own rows count. Osaka's resolver
  // sends no subnet, so the resolver row decides.
  Publish({{catalog_.groups[0].prefix, {1}},
           {catalog_.groups[1].prefix, {1}},
           {Ipv4Prefix::Of(catalog_.resolvers[1].address, 32), {0}}});
  evaluator_.SampleNow();
  EXPECT_EQ(Regrets("boston"), (std::vector<double>{70}));
  EXPECT_EQ(Regrets("paris"), (std::vector<double>{0}));
  EXPECT_EQ(Regrets("osaka"), (std::vector<double>{172}));
  EXPECT_EQ(evaluator_.EffectivePop(2), std::optional<PopIndex>(0));
}

TEST_F(RoutingEvaluatorTest, UnansweredOrFailedPopsCostThePenalty) {
  Publish({{catalog_.groups[0].prefix, {1}}});
  truth_.SetPopAvailable(1, false);
  evaluator_.SampleNow();
  EXPECT_EQ(Regrets("boston"), (std::vector<double>{1000}));
  EXPECT_EQ(Regrets("osaka"), (std::vector<double>{1000})) << "no row for Osaka's resolver";
}

TEST_F(RoutingEvaluatorTest, ChangesAreReportedAfterTheFirstSample) {
  Publish({{Ipv4Prefix{Ipv4Address{0}, 0}, {0}}});
  evaluator_.Start();
  runtime_.RunFor(seconds(2));
  EXPECT_TRUE(metrics_.SamplesNamed(metric::kEffectiveChange).empty());
  Publish({{Ipv4Prefix{Ipv4Address{0}, 0}, {2}}});
  runtime_.RunFor(seconds(1));
  const auto changes = metrics_.SamplesNamed(metric::kEffectiveChange);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].at, seconds(3));
  EXPECT_EQ(changes[0].labels[1], (std::pair<std::string, std::string>{"from", "nyc"}));
  EXPECT_EQ(changes[0].labels[2], (std::pair<std::string, std::string>{"to", "tyo"}));
  evaluator_.Stop();
  EXPECT_EQ(runtime_.PendingEvents(), 0u);
}

TEST_F(RoutingEvaluatorTest, WithCachesAGroupKeepsItsCachedAnswerUntilItExpires) {
  // Boston's resolver still holds an answer for London (cached before the mapping moved it to
  // New York); Paris has nothing cached and gets the authoritative's current answer.
  std::map<GroupIndex, std::optional<DnsAnswer>> cache;
  DnsAnswer london;
  london.addresses = {catalog_.pops[1].servers[0]};
  london.pop = 1;
  cache[0] = london;
  RoutingEvaluator cached(catalog_, answerer_, truth_, runtime_, runtime_, metrics_, {seconds(1), 1000});
  cached.UseResolverCaches([&cache](GroupIndex g, IpFamily) { return cache.count(g) ? cache.at(g) : std::nullopt; });
  Publish({{catalog_.groups[0].prefix, {0}}, {catalog_.groups[1].prefix, {0}}});
  EXPECT_EQ(cached.EffectivePop(0), std::optional<PopIndex>(1));
  EXPECT_EQ(cached.AuthoritativePop(0), std::optional<PopIndex>(0));
  EXPECT_EQ(cached.EffectivePop(1), std::optional<PopIndex>(0));
  cached.SampleNow();
  EXPECT_EQ(Regrets("boston"), (std::vector<double>{70})) << "London's 80 ms against New York's 10 ms";
  cache.erase(0);  // the TTL ran out
  EXPECT_EQ(cached.EffectivePop(0), std::optional<PopIndex>(0));
  EXPECT_EQ(evaluator_.EffectivePop(0), std::optional<PopIndex>(0)) << "without the option caches are ignored";
}

}  // namespace
}  // namespace cdnlab
