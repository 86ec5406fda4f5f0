// The simulated RUM tool: what one page view tests and reports, and how the workload schedules
// page views and feeds the collector's store through the network.
#include "models/routing/rum_page_view.h"

#include <map>
#include <set>
#include <variant>

#include <gtest/gtest.h>

#include "models/core/seeded_random_source.h"
#include "models/routing/beacon_codec.h"
#include "models/routing/beacon_collector.h"
#include "models/routing/metric_names.h"
#include "models/routing/rum_workload.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::Addr;

// Answers every name with one server after 5 ms, or fails when told to.
class FakeResolver final : public NameResolver {
 public:
  FakeResolver(TimerScheduler& timers, Ipv4Address answer) : timers_(timers), answer_(answer) {}
  void Resolve(const IpAddress&, const std::string&, Done done) override {
    ++queries;
    timers_.ScheduleAfter(milliseconds(5), [this, done] {
      ResolveResult r;
      r.rcode = fail ? DnsRcode::kServFail : DnsRcode::kNoError;
      if (!fail) r.addresses = {answer_};
      done(r);
    });
  }
  bool fail = false;
  int queries = 0;

 private:
  TimerScheduler& timers_;
  Ipv4Address answer_;
};

// A fetch from a server takes two of its round trips; the first byte comes after one.
// Servers in `dead` never answer and fail after 5 s.
class FakeFetcher final : public ObjectFetcher {
 public:
  explicit FakeFetcher(TimerScheduler& timers) : timers_(timers) {}
  void Fetch(const IpAddress& client, const Endpoint& server, std::uint64_t bytes, Done done) override {
    fetches.push_back({client, server, bytes});
    const bool ok = dead.count(server.address.V4().value) == 0;
    const Duration rtt = milliseconds(rtt_ms.count(server.address.V4().value) ? rtt_ms.at(server.address.V4().value) : 50);
    timers_.ScheduleAfter(ok ? 2 * rtt : seconds(5), [this, ok, rtt, bytes, done] {
      FetchResult r;
      r.ok = ok;
      r.bytes = ok ? bytes : 0;
      r.elapsed = ok ? 2 * rtt : seconds(5);
      if (ok && report_first_byte) r.request_to_first_byte = rtt;
      done(r);
    });
  }
  struct Call {
    IpAddress client;
    Endpoint server;
    std::uint64_t bytes;
  };
  std::vector<Call> fetches;
  std::map<std::uint32_t, int> rtt_ms;
  std::set<std::uint32_t> dead;
  bool report_first_byte = true;

 private:
  TimerScheduler& timers_;
};

const Endpoint kCollector{Addr(100, 66, 0, 1), 8081};

class RumPageViewTest : public ::testing::Test {
 protected:
  RumPageViewTest() : catalog_(testing::ThreePopCatalog()), resolver_(runtime_, catalog_.pops[0].servers[0]), fetcher_(runtime_) {
    runtime_.SetDefaultDelay(milliseconds(10));
    runtime_.Bind(kCollector, [this](const Endpoint& from, const Bytes& p) {
      received_.push_back({from, std::string(p.begin(), p.end())});
    });
    config_.hostname = "cdn.example.net";
    config_.server_port = 80;
    config_.page_bytes = 20000;
    config_.test_object_bytes = 10000;
    config_.collector = kCollector;
    config_.beacon_port = 40080;
  }

  // Runs one page view of `group` to completion and returns its report.
  RumPageViewReport View(GroupIndex group, std::vector<PopIndex> candidates) {
    runtime_.Bind(Endpoint{catalog_.groups[group].representative, config_.beacon_port}, [](const Endpoint&, const Bytes&) {});
    std::optional<RumPageViewReport> report;
    auto view = std::make_shared<RumPageView>(catalog_, resolver_, fetcher_, runtime_, runtime_, group,
                                              std::move(candidates), "pv-1", config_);
    view->Start([&](const RumPageViewReport& r) { report = r; });
    view.reset();  // the view keeps itself alive while it runs
    runtime_.RunFor(seconds(30));
    EXPECT_TRUE(report.has_value());
    return report.value_or(RumPageViewReport{});
  }

  Beacon OnlyBeacon() {
    EXPECT_EQ(received_.size(), 1u);
    if (received_.empty()) return {};
    auto decoded = DecodeBeacon(received_[0].second, received_[0].first.address.V4());
    EXPECT_TRUE(std::holds_alternative<Beacon>(decoded)) << std::get<BeaconDecodeError>(decoded).reason;
    return std::holds_alternative<Beacon>(decoded) ? std::get<Beacon>(decoded) : Beacon{};
  }

  RoutingCatalog catalog_;
  testing::ManualRuntime runtime_;
  FakeResolver resolver_;
  FakeFetcher fetcher_;
  RumPageViewConfig config_;
  std::vector<std::pair<Endpoint, std::string>> received_;
};

TEST_F(RumPageViewTest, TestsEveryCandidateAndReportsTheirTimings) {
  fetcher_.rtt_ms[catalog_.pops[0].servers[0].value] = 8;  // boston (group 0) tests each PoP's server 0
  fetcher_.rtt_ms[catalog_.pops[1].servers[0].value] = 40;
  fetcher_.rtt_ms[catalog_.pops[2].servers[0].value] = 150;
  const RumPageViewReport report = View(0, {0, 1, 2});

  // The tests start at once, from the group's host, one per candidate; the page comes from the
  // answered server once resolved.
  ASSERT_EQ(fetcher_.fetches.size(), 4u);
  std::set<std::uint32_t> tested;
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(fetcher_.fetches[i].client, IpAddress(catalog_.groups[0].representative));
    EXPECT_EQ(fetcher_.fetches[i].bytes, 10000u);
    EXPECT_EQ(fetcher_.fetches[i].server.port, 80);
    tested.insert(fetcher_.fetches[i].server.address.V4().value);
  }
  EXPECT_EQ(fetcher_.fetches[3].bytes, 20000u);
  EXPECT_EQ(fetcher_.fetches[3].server.address, catalog_.pops[0].servers[0]);
  EXPECT_EQ(tested, (std::set<std::uint32_t>{catalog_.pops[0].servers[0].value, catalog_.pops[1].servers[0].value,
                                              catalog_.pops[2].servers[0].value}));

  const Beacon beacon = OnlyBeacon();
  EXPECT_EQ(received_[0].first, (Endpoint{catalog_.groups[0].representative, 40080}));
  EXPECT_EQ(beacon.page_view_id, "pv-1");
  ASSERT_EQ(beacon.timings.size(), 3u);
  const double expected_rtt[] = {8, 40, 150};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(beacon.timings[i].pop, catalog_.pops[i].id);
    EXPECT_TRUE(beacon.timings[i].ok);
    EXPECT_NEAR(*beacon.timings[i].rtt_ms, expected_rtt[i], 1e-9);
    EXPECT_NEAR(*beacon.timings[i].duration_ms, 2 * expected_rtt[i], 1e-9);
    EXPECT_EQ(beacon.timings[i].bytes, 10000u);
  }
  // Sent once the slowest test finished (parallel: 300 ms, not the sum).
  EXPECT_NEAR(beacon.page_time_s, 0.300, 1e-9);
  EXPECT_EQ(report.test_fetches, 3u);
  EXPECT_EQ(report.test_bytes, 30000u);
  EXPECT_EQ(report.beacon_bytes, received_[0].second.size());
}

TEST_F(RumPageViewTest, ServersAreSpreadOverGroups) {
  EXPECT_EQ(RumPageView::TestServer(catalog_.pops[1], 0), catalog_.pops[1].servers[0]);
  EXPECT_EQ(RumPageView::TestServer(catalog_.pops[1], 1), catalog_.pops[1].servers[1]);
  EXPECT_EQ(RumPageView::TestServer(catalog_.pops[1], 2), catalog_.pops[1].servers[0]);
}

TEST_F(RumPageViewTest, WithoutTimeToFirstByteTheRttIsHalfTheFetch) {
  fetcher_.report_first_byte = false;
  fetcher_.rtt_ms[catalog_.pops[1].servers[0].value] = 30;
  View(0, {1});
  const Beacon beacon = OnlyBeacon();
  ASSERT_EQ(beacon.timings.size(), 1u);
  EXPECT_NEAR(*beacon.timings[0].rtt_ms, 30, 1e-9);
  EXPECT_NEAR(*beacon.timings[0].duration_ms, 60, 1e-9);
}

TEST_F(RumPageViewTest, ADeadCandidateIsReportedAsFailedWithoutTimings) {
  fetcher_.dead.insert(catalog_.pops[2].servers[0].value);
  View(0, {0, 2});
  const Beacon beacon = OnlyBeacon();
  ASSERT_EQ(beacon.timings.size(), 2u);
  EXPECT_TRUE(beacon.timings[0].ok);
  EXPECT_FALSE(beacon.timings[1].ok);
  EXPECT_FALSE(beacon.timings[1].rtt_ms.has_value());
  EXPECT_FALSE(beacon.timings[1].duration_ms.has_value());
  EXPECT_EQ(beacon.timings[1].bytes, 0u);
}

TEST_F(RumPageViewTest, TheToolRunsEvenWhenThePageCannotBeResolved) {
  resolver_.fail = true;
  const RumPageViewReport report = View(1, {1});
  EXPECT_EQ(fetcher_.fetches.size(), 1u) << "no page download, but the test";
  EXPECT_EQ(OnlyBeacon().timings.size(), 1u);
  EXPECT_EQ(report.test_fetches, 1u);
}

TEST_F(RumPageViewTest, NoCandidatesNoBeacon) {
  const RumPageViewReport report = View(0, {});
  EXPECT_TRUE(received_.empty());
  EXPECT_EQ(report.beacon_bytes, 0u);
  EXPECT_EQ(report.test_fetches, 0u);
}

TEST_F(RumPageViewTest, BadGroupOrCandidateIsRefused) {
  EXPECT_THROW(RumPageView(catalog_, resolver_, fetcher_, runtime_, runtime_, 7, {0}, "pv", config_),
               std::invalid_argument);
  EXPECT_THROW(RumPageView(catalog_, resolver_, fetcher_, runtime_, runtime_, 0, {3}, "pv", config_),
               std::invalid_argument);
  catalog_.pops[1].servers.clear();
  EXPECT_THROW(RumPageView(catalog_, resolver_, fetcher_, runtime_, runtime_, 0, {1}, "pv", config_),
               std::invalid_argument);
}

// The workload's page views reach a real collector over the transport and fill its store.
class RumWorkloadTest : public RumPageViewTest {
 protected:
  RumWorkloadTest()
      : store_(catalog_.groups.size(), catalog_.pops.size()),
        chooser_random_(5, 1),
        random_(5, 2),
        chooser_(catalog_, store_, chooser_random_, CandidateChooserConfig{2, 1}),
        collector_(catalog_, store_, runtime_, metrics_) {
    runtime_.Unbind(kCollector);
    runtime_.Bind(kCollector, [this](const Endpoint& from, const Bytes& p) {
      auto decoded = DecodeBeacon(std::string(p.begin(), p.end()), from.address.V4());
      ASSERT_TRUE(std::holds_alternative<Beacon>(decoded));
      verdicts_.push_back(collector_.Accept(std::get<Beacon>(decoded)));
    });
  }
  std::unique_ptr<RumWorkload> Make(double per_min, SimTime stop) {
    RumWorkloadConfig c;
    c.page_views_per_group_per_min = per_min;
    c.start_at = SimTime{0};
    c.stop_at = stop;
    c.page = config_;
    return std::make_unique<RumWorkload>(catalog_, resolver_, fetcher_, runtime_, chooser_, runtime_, runtime_, random_,
                                         metrics_, c);
  }

  MeasurementStore store_;
  SeededRandomSource chooser_random_;
  SeededRandomSource random_;
  CandidateChooser chooser_;
  testing::RecordingMetricsSink metrics_;
  BeaconCollector collector_;
  std::vector<BeaconVerdict> verdicts_;
};

TEST_F(RumWorkloadTest, PoissonPageViewsFeedTheStoreThroughTheCollector) {
  fetcher_.rtt_ms[catalog_.pops[2].servers[0].value] = 7;
  auto workload = Make(6, seconds(600));
  workload->Start();
  runtime_.RunUntil(seconds(620));

  // 6 per minute for 10 minutes for 3 groups: about 180.
  EXPECT_GT(workload->PageViews(), 130u);
  EXPECT_LT(workload->PageViews(), 230u);
  EXPECT_EQ(workload->TestFetches(), 2 * workload->PageViews()) << "two candidates each";
  EXPECT_EQ(workload->BeaconsSent(), workload->PageViews());
  EXPECT_EQ(metrics_.Counter(metric::kRumTestFetches), static_cast<double>(workload->TestFetches()));
  EXPECT_EQ(metrics_.Counter(metric::kRumBytes), static_cast<double>(workload->BytesOnWire()));
  EXPECT_GT(workload->BytesOnWire(), workload->TestFetches() * 10000);

  // Every beacon was fresh, unique and in range.
  ASSERT_EQ(verdicts_.size(), workload->BeaconsSent());
  for (const auto v : verdicts_) EXPECT_EQ(v, BeaconVerdict::kAccepted) << BeaconVerdictName(v);
  // Exploration reached every PoP for every group, and the store holds what was measured.
  for (GroupIndex g = 0; g < catalog_.groups.size(); ++g) {
    for (PopIndex p = 0; p < catalog_.pops.size(); ++p) EXPECT_GT(store_.SampleCount(g, p), 0u) << g << "," << p;
  }
  EXPECT_NEAR(*store_.RttMs(2, 2, runtime_.Now()), 7, 1e-9) << "osaka tests tyo's server 0";
}

TEST_F(RumWorkloadTest, NothingStartsAfterStopAndStopIsQuiet) {
  auto workload = Make(60, seconds(10));
  workload->Start();
  runtime_.RunUntil(seconds(5));
  const auto at_five = workload->PageViews();
  EXPECT_GT(at_five, 0u);
  workload->Stop();
  runtime_.RunUntil(seconds(60));
  EXPECT_EQ(workload->PageViews(), at_five);
}

}  // namespace
}  // namespace cdnlab
