// LivePlayer skipping like hls.js and ffmpeg: when the segment it wants next is no longer
// listed (the playlist window moved past it during an outage, or a failover lost segments and
// the sequence jumps), it jumps to the first listed segment after it and counts the content it
// skipped; in steady state it skips nothing. Also the playback observer the runtimes use for
// glass-to-glass latency.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/streaming/live_player.h"
#include "models/streaming/metric_names.h"
#include "tests/support/live_streaming_fakes.h"
#include "tests/support/recording_metrics_sink.h"

namespace cdnlab {
namespace {

using testing::EndpointOf;
using testing::FakeContentFetcher;
using testing::FakeLiveOrigin;
using testing::ManualRuntime;
using testing::RecordingMetricsSink;

constexpr Duration kSegment = std::chrono::seconds(2);

// An origin whose playlist lists exactly the sequences the test says (a failover that lost
// some shows as a gap); every listed segment can be fetched. 10 ms each way.
class ScriptedOrigin final : public ContentFetcher {
 public:
  explicit ScriptedOrigin(ManualRuntime& runtime) : runtime_(runtime) {}
  void List(std::vector<std::uint64_t> sequences) { listed_ = std::move(sequences); }
  void Fetch(const std::string&, const Endpoint&, const ContentKey& key, Done done) override {
    if (!key.playlist) requested_.push_back(key.sequence);
    ContentResponse r;
    LivePlaylist playlist;
    playlist.stream = key.stream;
    playlist.target_duration = kSegment;
    for (auto seq : listed_) playlist.segments.push_back({seq, kSegment, 1000});
    if (key.playlist) {
      r.found = true;
      r.playlist = playlist;
    } else {
      r.found = std::find(listed_.begin(), listed_.end(), key.sequence) != listed_.end();
      r.bytes = 1000;
    }
    runtime_.ScheduleAfter(std::chrono::milliseconds(20), [done = std::move(done), r] { done(r); });
  }
  const std::vector<std::uint64_t>& Requested() const { return requested_; }

 private:
  ManualRuntime& runtime_;
  std::vector<std::uint64_t> listed_;
  std::vector<std::uint64_t> requested_;
};

TEST(PlayerSkipTest, SkipsTheSequenceGapAFailoverLeftAndCountsItsContent) {
  ManualRuntime runtime;
  RecordingMetricsSink metrics;
  ScriptedOrigin origin(runtime);
  origin.List({0, 1, 2, 3, 4, 5});
  LivePlayer player("viewer-1", "edge", EndpointOf(1), "news", PlayerConfig{}, origin, runtime, runtime, metrics);
  player.Join();  // starts 3 behind the newest: 2, 3, 4, 5 fill the buffer
  runtime.RunUntil(FromSeconds(3));
  ASSERT_TRUE(player.Stats().startup_delay.has_value());
  // The new ingest continues at 9: 6, 7 and 8 never reached it.
  origin.List({5, 9, 10, 11});
  runtime.RunUntil(FromSeconds(30));
  const auto& requested = origin.Requested();
  for (std::uint64_t lost : {6, 7, 8}) {
    EXPECT_EQ(std::count(requested.begin(), requested.end(), lost), 0) << "asked for lost segment " << lost;
  }
  EXPECT_NE(std::find(requested.begin(), requested.end(), 9), requested.end());
  EXPECT_EQ(player.Stats().skips, 1u);
  EXPECT_EQ(player.Stats().skipped, 3 * kSegment);
  const auto samples = metrics.SamplesNamed(streaming_metrics::kSkipped);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_DOUBLE_EQ(samples[0].value, 6000);
}

TEST(PlayerSkipTest, JumpsPastSegmentsThatLeftTheWindowDuringAnOutage) {
  ManualRuntime runtime;
  RecordingMetricsSink metrics;
  FakeLiveOrigin origin("origin", /*window=*/3);
  origin.AddStream("news", FakeLiveOrigin::Stream{});
  origin.AddOutage(FromSeconds(12), FromSeconds(40));  // 14 segments long, the window is 3
  FakeContentFetcher fetcher(runtime);
  const Endpoint at = EndpointOf(1);
  fetcher.AddOrigin(at, origin);
  fetcher.SetDefaultOneWayDelay(std::chrono::milliseconds(25));
  runtime.RunUntil(FromSeconds(10.5));
  LivePlayer player("viewer-1", "origin", at, "news", PlayerConfig{}, fetcher, runtime, runtime, metrics);
  player.Join();
  runtime.RunUntil(FromSeconds(60));

  std::vector<std::uint64_t> requested;
  for (const auto& r : fetcher.LogFrom("viewer-1")) {
    if (!r.key.playlist && (requested.empty() || requested.back() != r.key.sequence)) {
      requested.push_back(r.key.sequence);
    }
  }
  // The one jump in what it asked for is the skip it reports, segment for segment.
  std::uint64_t jumped = 0;
  int jumps = 0;
  for (std::size_t i = 1; i < requested.size(); ++i) {
    ASSERT_GT(requested[i], requested[i - 1]);
    if (requested[i] > requested[i - 1] + 1) {
      jumped += requested[i] - requested[i - 1] - 1;
      ++jumps;
    }
  }
  EXPECT_EQ(jumps, 1);
  EXPECT_GE(jumped, 10u);  // most of the outage left the 3-segment window
  EXPECT_EQ(player.Stats().skips, 1u);
  EXPECT_EQ(player.Stats().skipped, static_cast<Duration::rep>(jumped) * kSegment);
  EXPECT_EQ(player.Stats().stalls, 1u);
  EXPECT_EQ(player.Stats().stalled_since, std::nullopt);  // playing again
}

TEST(PlayerSkipTest, SkipsNothingInSteadyStateAndReportsEachPlaybackStart) {
  ManualRuntime runtime;
  RecordingMetricsSink metrics;
  FakeLiveOrigin origin;
  origin.AddStream("news", FakeLiveOrigin::Stream{});
  FakeContentFetcher fetcher(runtime);
  const Endpoint at = EndpointOf(1);
  fetcher.AddOrigin(at, origin);
  fetcher.SetDefaultOneWayDelay(std::chrono::milliseconds(25));
  runtime.RunUntil(FromSeconds(10.5));
  LivePlayer player("viewer-1", "origin", at, "news", PlayerConfig{}, fetcher, runtime, runtime, metrics);
  std::vector<std::pair<std::uint64_t, SimTime>> played;
  player.OnPlayback([&](const SegmentInfo& segment, SimTime started) { played.emplace_back(segment.sequence, started); });
  player.Join();
  runtime.RunUntil(FromSeconds(40));
  EXPECT_EQ(player.Stats().skips, 0u);
  EXPECT_EQ(player.Stats().skipped, Duration{0});
  EXPECT_EQ(player.Stats().stalls, 0u);
  ASSERT_GE(played.size(), 10u);
  EXPECT_EQ(played.front().first, 1u);  // three behind the newest (4) at the join
  for (std::size_t i = 1; i < played.size(); ++i) {
    EXPECT_EQ(played[i].first, played[i - 1].first + 1);
    EXPECT_EQ(played[i].second - played[i - 1].second, kSegment);  // back to back: constant latency
  }
  // Segment n was captured from 2n s: latency = playback start - 2n s, constant without stalls.
  const Duration latency = played.front().second - static_cast<Duration::rep>(played.front().first) * kSegment;
  EXPECT_GT(latency, 4 * kSegment);  // joined 3 behind the newest, which took a segment to capture
  EXPECT_LT(latency, 5 * kSegment);
}

}  // namespace
}  // namespace cdnlab
