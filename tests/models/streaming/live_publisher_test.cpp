// The live publisher: one segment per segment duration, uploaded through the virtual
// address; a failed upload makes it reconnect (a new balancer session) and resend the same
// segment, which lands on a healthy ingest with nothing but the load balancer involved.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/streaming/ingest_balancer.h"
#include "models/streaming/live_publisher.h"
#include "models/streaming/metric_names.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"

namespace cdnlab {
namespace {

namespace sm = streaming_metrics;
using testing::ManualRuntime;
using testing::RecordingMetricsSink;

// The virtual address: a balancer in front of ingests that can die. An upload on the current
// session goes to that session's ingest; `reconnect` opens a new session (Route). A live
// ingest acknowledges after `ack`; a dead one fails the upload after `failure_timeout`.
class FakePool final : public SegmentUploader {
 public:
  struct Call {
    SimTime at;
    SegmentInfo segment;
    bool reconnect;
    std::string ingest;  // where it went ("" = no healthy ingest)
  };
  FakePool(ManualRuntime& rt, std::vector<std::string> ingests) : rt_(rt), balancer_(IngestBalancing::kConsistentHash) {
    for (const auto& i : ingests) balancer_.AddMember(i);
  }

  void Upload(const StreamId& stream, const SegmentInfo& segment, bool reconnect, Done done) override {
    if (reconnect || session_.empty()) {
      const auto routed = balancer_.Route(stream);
      session_ = routed.value_or("");
    }
    const std::string ingest = session_;
    calls.push_back({rt_.Now(), segment, reconnect, ingest});
    const bool fail = ingest.empty() || dead.count(ingest) > 0 || (fail_next_ > 0 && fail_next_-- > 0);
    rt_.ScheduleAfter(fail ? failure_timeout : ack, [this, ingest, segment, fail, done] {
      if (!fail) received[ingest].push_back(segment.sequence);
      done(!fail, ingest);
    });
  }

  // The ingest crashes: uploads to it fail, and the health checker tells the balancer.
  void Kill(const std::string& ingest) {
    dead.insert(ingest);
    balancer_.SetHealthy(ingest, false);
  }
  void FailNext(int n) { fail_next_ = n; }
  IngestBalancer& Balancer() { return balancer_; }

  std::vector<Call> calls;
  std::map<std::string, std::vector<std::uint64_t>> received;
  std::set<std::string> dead;
  Duration ack = FromMillis(50);
  Duration failure_timeout = FromMillis(300);

 private:
  ManualRuntime& rt_;
  IngestBalancer balancer_;
  std::string session_;
  int fail_next_ = 0;
};

PublisherConfig Config() {
  PublisherConfig config;
  config.segment_duration = FromSeconds(2);
  config.bitrate_bps = 3'000'000;
  config.reconnect_delay = FromMillis(500);
  config.max_resends = 3;
  return config;
}

TEST(LivePublisherTest, ProducesOneSegmentPerDurationAtTheBitrate) {
  ManualRuntime rt;
  RecordingMetricsSink metrics;
  FakePool pool(rt, {"ingest-a", "ingest-b"});
  LivePublisher publisher("news", Config(), pool, rt, rt, metrics);
  EXPECT_EQ(publisher.CurrentIngest(), "");
  publisher.Start();
  rt.RunUntil(FromMillis(10100));
  ASSERT_EQ(pool.calls.size(), 5u);  // segments complete at 2, 4, 6, 8, 10 s
  for (std::size_t i = 0; i < pool.calls.size(); ++i) {
    const auto& call = pool.calls[i];
    EXPECT_EQ(call.at, FromSeconds(2.0 * static_cast<double>(i + 1)));
    EXPECT_EQ(call.segment.sequence, i);
    EXPECT_EQ(call.segment.duration, FromSeconds(2));
    EXPECT_EQ(call.segment.bytes, 750'000u);  // 3 Mbit/s x 2 s / 8
    EXPECT_EQ(call.reconnect, i == 0);         // a session is opened once
  }
  EXPECT_EQ(publisher.SegmentsPublished(), 5u);
  const std::string ingest = *pool.Balancer().IngestOf("news");
  EXPECT_EQ(publisher.CurrentIngest(), ingest);
  EXPECT_EQ(pool.received[ingest], (std::vector<std::uint64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(publisher.Reconnects(), 0u);
  EXPECT_EQ(metrics.Counter(sm::kPublisherReconnects), 0);
}

TEST(LivePublisherTest, BytesFollowBitrateAndDuration) {
  ManualRuntime rt;
  RecordingMetricsSink metrics;
  FakePool pool(rt, {"ingest-a"});
  PublisherConfig config = Config();
  config.segment_duration = FromMillis(4000);
  config.bitrate_bps = 800'000;
  LivePublisher publisher("news", config, pool, rt, rt, metrics);
  publisher.Start();
  rt.RunUntil(FromSeconds(4));
  ASSERT_EQ(pool.calls.size(), 1u);
  EXPECT_EQ(pool.calls[0].segment.bytes, 400'000u);
}

TEST(LivePublisherTest, AFailedUploadIsResentAfterTheDelayOnANewSession) {
  ManualRuntime rt;
  RecordingMetricsSink metrics;
  FakePool pool(rt, {"ingest-a"});
  LivePublisher publisher("news", Config(), pool, rt, rt, metrics);
  publisher.Start();
  rt.RunUntil(FromMillis(2100));  // segment 0 done
  pool.FailNext(1);
  rt.RunUntil(FromMillis(5000));
  // Segment 1 at 4 s fails at 4.3 s; resent at 4.8 s with reconnect.
  ASSERT_EQ(pool.calls.size(), 3u);
  EXPECT_EQ(pool.calls[1].segment.sequence, 1u);
  EXPECT_FALSE(pool.calls[1].reconnect);
  EXPECT_EQ(pool.calls[2].at, FromMillis(4800));
  EXPECT_EQ(pool.calls[2].segment.sequence, 1u);
  EXPECT_EQ(pool.calls[2].segment.bytes, pool.calls[1].segment.bytes);
  EXPECT_TRUE(pool.calls[2].reconnect);
  EXPECT_EQ(publisher.Reconnects(), 1u);
  EXPECT_EQ(metrics.Counter(sm::kPublisherReconnects), 1);
  // Back on a working session: the next segment goes without reconnecting.
  rt.RunUntil(FromMillis(6100));
  ASSERT_EQ(pool.calls.size(), 4u);
  EXPECT_EQ(pool.calls[3].segment.sequence, 2u);
  EXPECT_FALSE(pool.calls[3].reconnect);
  EXPECT_EQ(pool.received["ingest-a"], (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(publisher.SegmentsDropped(), 0u);
}

TEST(LivePublisherTest, ReconnectsToANewIngestWhenItsIngestDies) {
  ManualRuntime rt;
  RecordingMetricsSink metrics;
  FakePool pool(rt, {"ingest-a", "ingest-b", "ingest-c"});
  LivePublisher publisher("news", Config(), pool, rt, rt, metrics);
  publisher.Start();
  rt.RunUntil(FromMillis(6100));
  const std::string first = publisher.CurrentIngest();
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(pool.received[first], (std::vector<std::uint64_t>{0, 1, 2}));

  // Its ingest crashes at 7 s; the health checker has marked it unhealthy by the time the
  // segment 3 upload (8 s) fails at 8.3 s. The resend at 8.8 s opens a new session.
  rt.RunUntil(FromSeconds(7));
  pool.Kill(first);
  rt.RunUntil(FromSeconds(12.5));
  const std::string second = publisher.CurrentIngest();
  ASSERT_FALSE(second.empty());
  EXPECT_NE(second, first);
  EXPECT_EQ(pool.Balancer().IngestOf("news"), second);
  EXPECT_EQ(pool.received[second], (std::vector<std::uint64_t>{3, 4, 5}));  // nothing lost
  EXPECT_EQ(publisher.Reconnects(), 1u);
  EXPECT_EQ(pool.Balancer().HealthySessionsMoved(), 0u);
  const auto resend = std::find_if(pool.calls.begin(), pool.calls.end(),
                                   [](const FakePool::Call& c) { return c.segment.sequence == 3 && c.reconnect; });
  ASSERT_NE(resend, pool.calls.end());
  EXPECT_EQ(resend->at, FromMillis(8800));
  EXPECT_EQ(resend->ingest, second);
}

TEST(LivePublisherTest, KeepsOrderWhileRetryingAndGivesUpAfterMaxResends) {
  ManualRuntime rt;
  RecordingMetricsSink metrics;
  FakePool pool(rt, {"ingest-a"});
  PublisherConfig config = Config();
  config.max_resends = 3;
  config.reconnect_delay = FromSeconds(1);
  LivePublisher publisher("news", config, pool, rt, rt, metrics);
  publisher.Start();
  rt.RunUntil(FromMillis(2100));
  pool.Kill("ingest-a");  // the only ingest: nothing to reconnect to
  // Segment 1 (4 s): first try + 3 resends, each failing 300 ms later and waiting 1 s:
  // tries at 4, 5.3, 6.6, 7.9 s; dropped at 8.2 s. Segments 2 (6 s) and 3 (8 s) wait in order.
  rt.RunUntil(FromMillis(8250));
  EXPECT_EQ(publisher.SegmentsDropped(), 1u);
  EXPECT_EQ(metrics.Counter(sm::kPublisherSegmentsDropped), 1);
  std::vector<std::uint64_t> tried;
  for (const auto& call : pool.calls) tried.push_back(call.segment.sequence);
  EXPECT_EQ(tried, (std::vector<std::uint64_t>{0, 1, 1, 1, 1}));
  EXPECT_EQ(publisher.Reconnects(), 1u);  // one outage, however many attempts

  // A new ingest joins (the only change, at the balancer); the backlog goes up in order.
  pool.Balancer().AddMember("ingest-new");
  rt.RunUntil(FromSeconds(13));
  EXPECT_EQ(pool.received["ingest-new"], (std::vector<std::uint64_t>{2, 3, 4, 5}));
  EXPECT_EQ(publisher.CurrentIngest(), "ingest-new");
  EXPECT_EQ(publisher.SegmentsDropped(), 1u);
}

TEST(LivePublisherTest, NoHealthyIngestKeepsRetrying) {
  ManualRuntime rt;
  RecordingMetricsSink metrics;
  FakePool pool(rt, {});
  LivePublisher publisher("news", Config(), pool, rt, rt, metrics);
  publisher.Start();
  rt.RunUntil(FromSeconds(3));
  ASSERT_GE(pool.calls.size(), 2u);
  for (const auto& call : pool.calls) {
    EXPECT_TRUE(call.reconnect);
    EXPECT_EQ(call.ingest, "");
  }
  EXPECT_EQ(publisher.CurrentIngest(), "");
  EXPECT_EQ(publisher.Reconnects(), 0u);  // never connected, so never reconnected
}

TEST(LivePublisherTest, StopCancelsTimersAndIgnoresLateAcknowledgements) {
  ManualRuntime rt;
  RecordingMetricsSink metrics;
  FakePool pool(rt, {"ingest-a"});
  pool.ack = FromSeconds(1);
  {
    LivePublisher publisher("news", Config(), pool, rt, rt, metrics);
    publisher.Start();
    rt.RunUntil(FromMillis(2500));  // segment 0 in flight until 3 s
    publisher.Stop();
    rt.RunUntil(FromSeconds(10));
    EXPECT_EQ(pool.calls.size(), 1u);
    EXPECT_EQ(rt.PendingEvents(), 0u);
    EXPECT_EQ(publisher.CurrentIngest(), "");  // the late acknowledgement went to nobody

    // Restartable; then destroyed with an upload in flight.
    publisher.Start();
    rt.RunUntil(FromMillis(12500));
    EXPECT_EQ(pool.calls.size(), 2u);
    EXPECT_TRUE(pool.calls[1].reconnect);  // a restart opens a new session
    EXPECT_EQ(pool.calls[1].segment.sequence, 1u);  // numbering continues
  }
  rt.RunUntil(FromSeconds(20));  // the acknowledgement at 13 s finds no publisher: no crash
  EXPECT_EQ(rt.PendingEvents(), 0u);
  EXPECT_EQ(pool.calls.size(), 2u);
}

TEST(LivePublisherTest, SynchronousUploadersAreFine) {
  // A runtime may call `done` from inside Upload (e.g. refused at once).
  struct Immediate final : SegmentUploader {
    void Upload(const StreamId&, const SegmentInfo& segment, bool reconnect, Done done) override {
      calls.push_back({segment.sequence, reconnect});
      done(ok, "ingest-x");
    }
    bool ok = true;
    std::vector<std::pair<std::uint64_t, bool>> calls;
  } uploader;
  ManualRuntime rt;
  RecordingMetricsSink metrics;
  LivePublisher publisher("news", Config(), uploader, rt, rt, metrics);
  publisher.Start();
  rt.RunUntil(FromSeconds(4));
  uploader.ok = false;
  rt.RunUntil(FromMillis(6600));  // 6 s fails, resend at 6.5 s fails
  uploader.ok = true;
  rt.RunUntil(FromMillis(7100));  // resend at 7 s succeeds
  using P = std::pair<std::uint64_t, bool>;
  EXPECT_EQ(uploader.calls, (std::vector<P>{{0, true}, {1, false}, {2, false}, {2, true}, {2, true}}));
  EXPECT_EQ(publisher.CurrentIngest(), "ingest-x");
}

}  // namespace
}  // namespace cdnlab
