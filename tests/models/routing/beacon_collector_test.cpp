#include "models/routing/beacon_collector.h"

#include <cmath>
#include <limits>
#include <map>
#include <utility>
#include <string>

#include <gtest/gtest.h>

#include "models/routing/metric_names.h"
#include "tests/support/recording_metrics_sink.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using testing::Addr;

class SettableClock final : public Clock {
 public:
  SimTime Now() const override { return now; }
  SimTime now{seconds(1000)};
};

// Boston (group 0) measured nyc and lon.
Beacon GoodBeacon(const std::string& id, double page_time_s = 1000) {
  Beacon b;
  b.page_view_id = id;
  b.client = Addr(10, 1, 0, 77);
  b.page_time_s = page_time_s;
  b.timings = {{"nyc", true, 8.0, 20.0, 10000}, {"lon", true, 80.0, 200.0, 10000}};
  return b;
}

class RumBeaconCollector : public ::testing::Test {
 protected:
  BeaconCollector Make(BeaconCollectorConfig config = {}) {
    return BeaconCollector(catalog, store, clock, metrics, config);
  }
  // Nothing in the store changed since the fixture was built.
  void ExpectStoreUntouched() {
    for (GroupIndex g = 0; g < store.Groups(); ++g) {
      for (PopIndex p = 0; p < store.Pops(); ++p) EXPECT_EQ(store.SampleCount(g, p), 0u) << g << "," << p;
    }
  }

  RoutingCatalog catalog = testing::ThreePopCatalog();
  MeasurementStore store{catalog.groups.size(), catalog.pops.size()};
  SettableClock clock;
  testing::RecordingMetricsSink metrics;
};

TEST_F(RumBeaconCollector, AcceptedBeaconFeedsTheStoreAndTheMetrics) {
  auto collector = Make();
  EXPECT_EQ(collector.Accept(GoodBeacon("pv1")), BeaconVerdict::kAccepted);
  EXPECT_DOUBLE_EQ(*store.RttMs(0, 0, clock.now), 8.0);
  EXPECT_DOUBLE_EQ(*store.RttMs(0, 1, clock.now), 80.0);
  EXPECT_DOUBLE_EQ(*store.Loss(0, 0, clock.now), 0.0);
  EXPECT_EQ(store.SampleCount(0, 2), 0u);
  EXPECT_EQ(store.SampleCount(1, 0), 0u) << "only the sender's group";
  EXPECT_EQ(collector.Count(BeaconVerdict::kAccepted), 1u);
  EXPECT_DOUBLE_EQ(metrics.Counter(metric::kRumBeacons), 1.0);
  const auto rtts = metrics.SamplesNamed(metric::kRumRttMs);
  ASSERT_EQ(rtts.size(), 2u);
  EXPECT_DOUBLE_EQ(rtts[0].value, 8.0);
  EXPECT_EQ(rtts[0].labels, (MetricLabels{{"group", "boston"}, {"pop", "nyc"}}));
  EXPECT_EQ(rtts[1].labels, (MetricLabels{{"group", "boston"}, {"pop", "lon"}}));
}

TEST_F(RumBeaconCollector, FailedFetchCountsAsLossWithoutRtt) {
  auto collector = Make();
  Beacon b = GoodBeacon("pv1");
  b.timings = {{"tyo", false, std::nullopt, std::nullopt, 0}};
  EXPECT_EQ(collector.Accept(b), BeaconVerdict::kAccepted);
  EXPECT_EQ(store.SampleCount(0, 2), 1u);
  EXPECT_DOUBLE_EQ(*store.Loss(0, 2, clock.now), 1.0);
  EXPECT_FALSE(store.RttMs(0, 2, clock.now).has_value());
  EXPECT_TRUE(metrics.SamplesNamed(metric::kRumRttMs).empty());
}

TEST_F(RumBeaconCollector, UnknownClient) {
  auto collector = Make();
  Beacon b = GoodBeacon("pv1");
  b.client = Addr(192, 0, 2, 1);
  EXPECT_EQ(collector.Accept(b), BeaconVerdict::kUnknownClient);
  ExpectStoreUntouched();
  EXPECT_EQ(collector.Count(BeaconVerdict::kUnknownClient), 1u);
}

TEST_F(RumBeaconCollector, UnknownPopRefusesTheWholeBeacon) {
  auto collector = Make();
  Beacon b = GoodBeacon("pv1");
  b.timings.push_back({"mars", true, 1.0, 2.0, 1});
  EXPECT_EQ(collector.Accept(b), BeaconVerdict::kUnknownPop);
  ExpectStoreUntouched();
}

TEST_F(RumBeaconCollector, OutOfRangeTimings) {
  BeaconCollectorConfig config;
  config.min_ms = 0.1;
  config.max_ms = 10000;
  auto collector = Make(config);
  int id = 0;
  const auto with = [&id](BeaconTiming t) {
    Beacon b = GoodBeacon("pv-" + std::to_string(++id));
    b.timings = {t};
    return b;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(collector.Accept(with({"nyc", true, 0.01, 5.0, 1})), BeaconVerdict::kOutOfRange) << "below min";
  EXPECT_EQ(collector.Accept(with({"nyc", true, 10001.0, 20000.0, 1})), BeaconVerdict::kOutOfRange) << "above max";
  EXPECT_EQ(collector.Accept(with({"nyc", true, 5.0, 20000.0, 1})), BeaconVerdict::kOutOfRange) << "duration";
  EXPECT_EQ(collector.Accept(with({"nyc", true, 30.0, 20.0, 1})), BeaconVerdict::kOutOfRange) << "rtt > duration";
  EXPECT_EQ(collector.Accept(with({"nyc", true, std::nullopt, 20.0, 1})), BeaconVerdict::kOutOfRange) << "ok, no rtt";
  EXPECT_EQ(collector.Accept(with({"nyc", true, 5.0, 20.0, 0})), BeaconVerdict::kOutOfRange) << "ok, no bytes";
  EXPECT_EQ(collector.Accept(with({"nyc", true, nan, 20.0, 1})), BeaconVerdict::kOutOfRange) << "NaN";
  EXPECT_EQ(collector.Accept(with({"nyc", true, -1.0, 20.0, 1})), BeaconVerdict::kOutOfRange) << "negative";
  Beacon empty = GoodBeacon("pv-empty");
  empty.timings.clear();
  EXPECT_EQ(collector.Accept(empty), BeaconVerdict::kOutOfRange) << "nothing measured";
  Beacon one_bad = GoodBeacon("pv-mixed");
  one_bad.timings.push_back({"tyo", true, 1e9, 1e9, 1});
  EXPECT_EQ(collector.Accept(one_bad), BeaconVerdict::kOutOfRange) << "one bad timing spoils the beacon";
  EXPECT_EQ(collector.Count(BeaconVerdict::kOutOfRange), 10u);
  ExpectStoreUntouched();
  // Exactly at the bounds is accepted.
  EXPECT_EQ(collector.Accept(with({"nyc", true, 0.1, 10000.0, 1})), BeaconVerdict::kAccepted);
}

TEST_F(RumBeaconCollector, StaleWhenThePageClockIsTooFarOff) {
  BeaconCollectorConfig config;
  config.max_clock_skew = seconds(30);
  config.epoch_offset_s = 1.7e9;  // realnet: page times are Unix seconds, the clock starts at 0
  auto collector = Make(config);
  const double now_unix = 1.7e9 + 1000;
  EXPECT_EQ(collector.Accept(GoodBeacon("old", now_unix - 31)), BeaconVerdict::kStale);
  EXPECT_EQ(collector.Accept(GoodBeacon("future", now_unix + 31)), BeaconVerdict::kStale);
  EXPECT_EQ(collector.Accept(GoodBeacon("nan", std::numeric_limits<double>::quiet_NaN())), BeaconVerdict::kStale);
  ExpectStoreUntouched();
  EXPECT_EQ(collector.Accept(GoodBeacon("late-ok", now_unix - 29.5)), BeaconVerdict::kAccepted);
  EXPECT_EQ(collector.Accept(GoodBeacon("early-ok", now_unix + 29.5)), BeaconVerdict::kAccepted);
}

TEST_F(RumBeaconCollector, ReplayWithinTheWindowIsRefusedAfterItIsForgotten) {
  BeaconCollectorConfig config;
  config.replay_window = minutes(10);
  config.max_clock_skew = minutes(60);
  auto collector = Make(config);
  ASSERT_EQ(collector.Accept(GoodBeacon("pv1")), BeaconVerdict::kAccepted);
  const auto samples = store.SampleCount(0, 0);
  clock.now += minutes(9);
  EXPECT_EQ(collector.Accept(GoodBeacon("pv1")), BeaconVerdict::kReplayed);
  EXPECT_EQ(store.SampleCount(0, 0), samples) << "a replay changes nothing";
  // A different client replaying the same page view is still a replay.
  Beacon other = GoodBeacon("pv1");
  other.client = Addr(10, 1, 0, 99);
  EXPECT_EQ(collector.Accept(other), BeaconVerdict::kReplayed);
  clock.now += minutes(1) + milliseconds(1);
  EXPECT_EQ(collector.Accept(GoodBeacon("pv1")), BeaconVerdict::kAccepted) << "outside the window";
  EXPECT_EQ(collector.Count(BeaconVerdict::kReplayed), 2u);
}

TEST_F(RumBeaconCollector, RefusedBeaconsDoNotReserveTheirPageView) {
  auto collector = Make();
  Beacon bad = GoodBeacon("pv1");
  bad.timings[0].rtt_ms = 1e9;
  EXPECT_EQ(collector.Accept(bad), BeaconVerdict::kOutOfRange);
  EXPECT_EQ(collector.Accept(GoodBeacon("pv1")), BeaconVerdict::kAccepted);
}

TEST_F(RumBeaconCollector, TokenBucketPerClientRefillsAtTheRate) {
  BeaconCollectorConfig config;
  config.rate_per_client_per_s = 2;
  config.burst_per_client = 3;
  auto collector = Make(config);
  int id = 0;
  const auto next = [&](Ipv4Address client) {
    Beacon b = GoodBeacon("pv" + std::to_string(++id));
    b.client = client;
    return collector.Accept(b);
  };
  const Ipv4Address a = Addr(10, 1, 0, 1), b = Addr(10, 1, 0, 2);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(next(a), BeaconVerdict::kAccepted) << i;
  const auto samples = store.SampleCount(0, 0);
  EXPECT_EQ(next(a), BeaconVerdict::kRateLimited);
  EXPECT_EQ(store.SampleCount(0, 0), samples) << "a rate-limited beacon changes nothing";
  EXPECT_EQ(next(b), BeaconVerdict::kAccepted) << "buckets are per client address";
  clock.now += milliseconds(400);  // 0.8 tokens: not enough
  EXPECT_EQ(next(a), BeaconVerdict::kRateLimited);
  clock.now += milliseconds(100);  // 1.0 token
  EXPECT_EQ(next(a), BeaconVerdict::kAccepted);
  EXPECT_EQ(next(a), BeaconVerdict::kRateLimited);
  clock.now += seconds(100);  // refills to the burst, never beyond
  for (int i = 0; i < 3; ++i) EXPECT_EQ(next(a), BeaconVerdict::kAccepted) << i;
  EXPECT_EQ(next(a), BeaconVerdict::kRateLimited);
  EXPECT_EQ(collector.Count(BeaconVerdict::kRateLimited), 4u);
}

TEST_F(RumBeaconCollector, RateLimitedPageViewCanBeSentAgainLater) {
  BeaconCollectorConfig config;
  config.rate_per_client_per_s = 1;
  config.burst_per_client = 1;
  auto collector = Make(config);
  ASSERT_EQ(collector.Accept(GoodBeacon("pv1")), BeaconVerdict::kAccepted);
  EXPECT_EQ(collector.Accept(GoodBeacon("pv2")), BeaconVerdict::kRateLimited);
  clock.now += seconds(1);
  EXPECT_EQ(collector.Accept(GoodBeacon("pv2", 1001)), BeaconVerdict::kAccepted);
}

TEST_F(RumBeaconCollector, ChecksInTheDocumentedOrder) {
  auto collector = Make();
  Beacon b = GoodBeacon("pv1", 0);  // stale
  b.timings.push_back({"mars", true, 1.0, 2.0, 1});
  EXPECT_EQ(collector.Accept(b), BeaconVerdict::kUnknownPop) << "pop before clock";
  b.client = Addr(192, 0, 2, 1);
  EXPECT_EQ(collector.Accept(b), BeaconVerdict::kUnknownClient) << "client first";
}

// Keeps counters by name and labels (the shared recording sink drops labels).
class LabelledCounters final : public MetricsSink {
 public:
  void Count(std::string_view name, double delta, const MetricLabels& labels) override {
    counters[{std::string(name), labels}] += delta;
  }
  void Sample(std::string_view, SimTime, double, const MetricLabels&) override {}
  std::map<std::pair<std::string, MetricLabels>, double> counters;
};

TEST(RumBeaconCollectorMetrics, EmitsOneCounterPerVerdictLabel) {
  RoutingCatalog catalog = testing::ThreePopCatalog();
  MeasurementStore store{catalog.groups.size(), catalog.pops.size()};
  SettableClock clock;
  LabelledCounters metrics;
  BeaconCollector collector(catalog, store, clock, metrics);
  collector.Accept(GoodBeacon("pv1"));
  collector.Accept(GoodBeacon("pv1"));
  collector.Accept(GoodBeacon("pv2"));
  const auto counter = [&](const char* verdict) {
    return metrics.counters[{metric::kRumBeacons, MetricLabels{{metric::kLabelVerdict, verdict}}}];
  };
  EXPECT_DOUBLE_EQ(counter("accepted"), 2.0);
  EXPECT_DOUBLE_EQ(counter("replayed"), 1.0);
  EXPECT_EQ(metrics.counters.size(), 2u);
  EXPECT_EQ(collector.Count(BeaconVerdict::kAccepted), 2u);
  EXPECT_EQ(collector.Count(BeaconVerdict::kReplayed), 1u);
  EXPECT_EQ(collector.Count(BeaconVerdict::kStale), 0u);
}

TEST(RumBeaconCollectorNames, EveryVerdictHasADistinctName) {
  EXPECT_STREQ(BeaconVerdictName(BeaconVerdict::kAccepted), "accepted");
  EXPECT_STREQ(BeaconVerdictName(BeaconVerdict::kUnknownClient), "unknown_client");
  EXPECT_STREQ(BeaconVerdictName(BeaconVerdict::kUnknownPop), "unknown_pop");
  EXPECT_STREQ(BeaconVerdictName(BeaconVerdict::kOutOfRange), "out_of_range");
  EXPECT_STREQ(BeaconVerdictName(BeaconVerdict::kStale), "stale");
  EXPECT_STREQ(BeaconVerdictName(BeaconVerdict::kReplayed), "replayed");
  EXPECT_STREQ(BeaconVerdictName(BeaconVerdict::kRateLimited), "rate_limited");
}

TEST(RumBeaconCollectorConfig, RejectsNonsense) {
  RoutingCatalog catalog = testing::ThreePopCatalog();
  MeasurementStore store{catalog.groups.size(), catalog.pops.size()};
  SettableClock clock;
  NullMetricsSink metrics;
  BeaconCollectorConfig bad_range;
  bad_range.min_ms = 10;
  bad_range.max_ms = 5;
  EXPECT_THROW(BeaconCollector(catalog, store, clock, metrics, bad_range), std::invalid_argument);
  BeaconCollectorConfig no_burst;
  no_burst.burst_per_client = 0.5;
  EXPECT_THROW(BeaconCollector(catalog, store, clock, metrics, no_burst), std::invalid_argument);
  MeasurementStore wrong_shape{1, 1};
  EXPECT_THROW(BeaconCollector(catalog, wrong_shape, clock, metrics), std::invalid_argument);
}

}  // namespace
}  // namespace cdnlab
