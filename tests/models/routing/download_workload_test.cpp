#include "models/routing/download_workload.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "models/core/seeded_random_source.h"
#include "models/routing/metric_names.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Answers every name with PoP 1's first server after 5 ms, or fails when told to.
class FakeResolver final : public NameResolver {
 public:
  FakeResolver(TimerScheduler& timers, Ipv4Address answer) : timers_(timers), answer_(answer) {}
  void Resolve(const IpAddress& client, const std::string& hostname, Done done) override {
    ++queries;
    last_client = client;
    last_name = hostname;
    timers_.ScheduleAfter(milliseconds(5), [this, done] {
      ResolveResult r;
      r.rcode = fail ? DnsRcode::kServFail : DnsRcode::kNoError;
      if (!fail) r.addresses = {answer_};
      if (!fail && answer6) r.addresses6 = {*answer6};
      done(r);
    });
  }
  bool fail = false;
  int queries = 0;
  std::optional<Ipv6Address> answer6;  // AAAA, when set
  IpAddress last_client;
  std::string last_name;

 private:
  TimerScheduler& timers_;
  Ipv4Address answer_;
};

// Takes 40 ms per download, or fails when told to.
class FakeFetcher final : public ObjectFetcher {
 public:
  explicit FakeFetcher(TimerScheduler& timers) : timers_(timers) {}
  void Fetch(const IpAddress&, const Endpoint& server, std::uint64_t bytes, Done done) override {
    last_server = server;
    timers_.ScheduleAfter(milliseconds(40), [this, bytes, done] {
      FetchResult r;
      r.ok = !fail;
      r.bytes = bytes;
      r.elapsed = milliseconds(40);
      done(r);
    });
  }
  bool fail = false;
  Endpoint last_server;

 private:
  TimerScheduler& timers_;
};

class DownloadWorkloadTest : public ::testing::Test {
 protected:
  DownloadWorkloadTest()
      : catalog_(testing::ThreePopCatalog()), random_(3), resolver_(runtime_, catalog_.pops[1].servers[0]), fetcher_(runtime_) {}
  std::unique_ptr<DownloadWorkload> Make(double per_min, SimTime start, SimTime stop) {
    DownloadWorkloadConfig c;
    c.hostname = "cdn.example.net";
    c.object_bytes = 1000;
    c.downloads_per_group_per_min = per_min;
    c.server_port = 8080;
    c.start_at = start;
    c.stop_at = stop;
    return std::make_unique<DownloadWorkload>(catalog_, resolver_, fetcher_, runtime_, runtime_, random_, metrics_, c);
  }

  RoutingCatalog catalog_;
  testing::ManualRuntime runtime_;
  testing::RecordingMetricsSink metrics_;
  SeededRandomSource random_;
  FakeResolver resolver_;
  FakeFetcher fetcher_;
};

TEST_F(DownloadWorkloadTest, ArrivalsFollowTheRateWithinTheWindow) {
  auto w = Make(60, seconds(10), seconds(1010));  // 1 per second per group for 1000 s
  w->Start();
  runtime_.RunUntil(seconds(2000));
  EXPECT_NEAR(static_cast<double>(w->Started()), 3000, 200);
  EXPECT_EQ(w->Completed(), w->Started());
  const auto samples = metrics_.SamplesNamed(metric::kDownloadMs);
  ASSERT_EQ(samples.size(), w->Completed());
  for (const auto& s : samples) {
    EXPECT_GE(s.at, seconds(10));
    EXPECT_LT(s.at, seconds(1011));
    EXPECT_DOUBLE_EQ(s.value, 40.0);
    EXPECT_EQ(s.labels[1].second, "lon");
  }
  EXPECT_EQ(fetcher_.last_server.port, 8080);
  EXPECT_EQ(resolver_.last_name, "cdn.example.net");
}

Ipv6Address V6(std::uint8_t third, std::uint8_t last) {
  Ipv6Address a;
  a.bytes = {0x20, 0x01, 0x0d, 0xb8, 0, third};
  a.bytes[15] = last;
  return a;
}

TEST_F(DownloadWorkloadTest, DualStackGroupsDownloadOverIpv6ForTheirShare) {
  catalog_.pops[1].servers6 = {V6(0xcd, 1)};
  resolver_.answer6 = V6(0xcd, 1);
  catalog_.groups[0].prefix6 = Ipv6Prefix{V6(1, 0), 48};  // ipv6_share 1.0, the default
  catalog_.groups[1].prefix6 = Ipv6Prefix{V6(2, 0), 48};
  catalog_.groups[1].ipv6_share = 0.25;                   // group 2 stays IPv4 only
  SeededRandomSource family_random(9);
  FamilyChooser families(catalog_, family_random);
  auto w = Make(60, seconds(0), seconds(1000));
  w->UseFamilies(families);
  w->Start();
  runtime_.RunUntil(seconds(1100));
  std::map<std::string, std::pair<int, int>> by_group;  // (IPv4, IPv6) downloads
  for (const auto& s : metrics_.SamplesNamed(metric::kDownloadMs)) {
    const bool v6 = s.labels.size() == 3;
    if (v6) {
      EXPECT_EQ(s.labels[2], (std::pair<std::string, std::string>{metric::kLabelFamily, metric::kFamilyIpv6}));
    } else {
      EXPECT_EQ(s.labels.size(), 2u) << "IPv4 samples keep their labels";
    }
    EXPECT_EQ(s.labels[1].second, "lon") << "the AAAA answer's server is found in servers6";
    ++(v6 ? by_group[s.labels[0].second].second : by_group[s.labels[0].second].first);
  }
  EXPECT_EQ(by_group["boston"].first, 0);
  EXPECT_GT(by_group["boston"].second, 900);
  const double paris = by_group["paris"].second / static_cast<double>(by_group["paris"].first + by_group["paris"].second);
  EXPECT_NEAR(paris, 0.25, 0.05);
  EXPECT_EQ(by_group["osaka"].second, 0);
  EXPECT_GT(by_group["osaka"].first, 900);
  EXPECT_EQ(w->CompletedIpv6(), static_cast<std::uint64_t>(by_group["boston"].second + by_group["paris"].second));
  EXPECT_EQ(metrics_.Counter(metric::kDownloadCompletedIpv6), static_cast<double>(w->CompletedIpv6()));
  EXPECT_EQ(fetcher_.last_server.port, 8080);
}

TEST_F(DownloadWorkloadTest, FailuresAreCounted) {
  resolver_.fail = true;
  auto w = Make(60, seconds(0), seconds(100));
  w->Start();
  runtime_.RunUntil(seconds(200));
  EXPECT_GT(metrics_.Counter(metric::kDnsFailed), 200);
  EXPECT_EQ(w->Failed(), w->Started());
  resolver_.fail = false;
  fetcher_.fail = true;
  auto w2 = Make(60, seconds(200), seconds(300));
  w2->Start();
  runtime_.RunUntil(seconds(400));
  EXPECT_EQ(metrics_.Counter(metric::kDownloadFailed), static_cast<double>(w2->Failed()));
  EXPECT_GT(w2->Failed(), 200u);
}

TEST_F(DownloadWorkloadTest, StopSilencesCallbacksInFlight) {
  auto w = Make(600, seconds(0), seconds(100));
  w->Start();
  runtime_.RunUntil(seconds(5));
  w->Stop();
  const auto completed = w->Completed();
  runtime_.RunUntil(seconds(10));
  EXPECT_EQ(w->Completed(), completed);
  EXPECT_EQ(runtime_.PendingEvents(), 0u);
}

}  // namespace
}  // namespace cdnlab
