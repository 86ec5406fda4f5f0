// One ingest server: keeps a window of the newest segments in its playlist and a longer
// retention for late caches, ignores resent or reordered segments, and tells its announcer
// when a stream starts, progresses and ends.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/streaming/ingest_server.h"
#include "models/streaming/stream_announcement.h"
#include "models/streaming/metric_names.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"

namespace cdnlab {
namespace {

namespace sm = streaming_metrics;
using testing::ManualRuntime;
using testing::RecordingMetricsSink;

Endpoint At(std::uint32_t host, std::uint16_t port = 7300) { return Endpoint{Ipv4Address{0x0A000000u + host}, port}; }

SegmentInfo Segment(std::uint64_t sequence) {
  return SegmentInfo{sequence, FromSeconds(2), 750'000 + sequence};
}

std::vector<std::uint64_t> Sequences(const LivePlaylist& playlist) {
  std::vector<std::uint64_t> out;
  for (const auto& s : playlist.segments) out.push_back(s.sequence);
  return out;
}

class IngestServerTest : public ::testing::Test {
 protected:
  IngestServerTest() {
    rt_.Bind(At(20), [this](const Endpoint&, const Bytes& payload) {
      const auto m = DecodeAnnouncementMessage(std::string(payload.begin(), payload.end()));
      ASSERT_TRUE(m);
      announcements_.push_back(std::get<StreamAnnouncement>(*m));
    });
    announcer_.Start();
    rt_.RunFor(FromMillis(100));
    announcements_.clear();  // the empty start-up announcement
  }
  IngestConfig Config() {
    IngestConfig config;
    config.window_segments = 3;
    config.retained_segments = 5;
    config.target_duration = FromSeconds(2);
    return config;
  }

  ManualRuntime rt_;
  RecordingMetricsSink metrics_;
  StreamAnnouncer announcer_{"ingest-1", At(1), At(1, 8080), {At(20)}, AnnouncerConfig{}, rt_, rt_, metrics_};
  std::vector<StreamAnnouncement> announcements_;
};

TEST_F(IngestServerTest, PlaylistListsTheNewestWindow) {
  IngestServer ingest("ingest-1", Config(), announcer_, rt_, metrics_);
  EXPECT_FALSE(ingest.Holds("news"));
  const auto missing = ingest.Serve(ContentKey{"news", true, 0});
  EXPECT_FALSE(missing.found);
  EXPECT_EQ(missing.served_by, "ingest-1");

  ingest.AcceptSegment("news", Segment(0));
  EXPECT_TRUE(ingest.Holds("news"));
  auto response = ingest.Serve(ContentKey{"news", true, 0});
  ASSERT_TRUE(response.found);
  ASSERT_TRUE(response.playlist);
  EXPECT_EQ(Sequences(*response.playlist), (std::vector<std::uint64_t>{0}));

  for (std::uint64_t s = 1; s < 8; ++s) ingest.AcceptSegment("news", Segment(s));
  response = ingest.Serve(ContentKey{"news", true, 0});
  ASSERT_TRUE(response.found && response.playlist);
  const LivePlaylist& playlist = *response.playlist;
  EXPECT_EQ(playlist.stream, "news");
  EXPECT_EQ(playlist.target_duration, FromSeconds(2));
  EXPECT_FALSE(playlist.ended);
  EXPECT_EQ(Sequences(playlist), (std::vector<std::uint64_t>{5, 6, 7}));
  EXPECT_EQ(playlist.segments.back().bytes, 750'007u);
  EXPECT_EQ(response.served_by, "ingest-1");
  EXPECT_FALSE(response.from_cache);
  // The size of a playlist is the size of its m3u8 text, which is also its body.
  EXPECT_EQ(response.bytes, playlist.ToM3u8().size());
  ASSERT_TRUE(response.body);
  EXPECT_EQ(*response.body, playlist.ToM3u8());
}

TEST_F(IngestServerTest, RetainsMoreSegmentsThanTheWindowAndForgetsOlderOnes) {
  IngestServer ingest("ingest-1", Config(), announcer_, rt_, metrics_);
  for (std::uint64_t s = 0; s < 10; ++s) ingest.AcceptSegment("news", Segment(s));
  // Retained: 5..9 (5 segments); the window is 7..9.
  for (std::uint64_t s = 0; s < 5; ++s) EXPECT_FALSE(ingest.Serve(ContentKey{"news", false, s}).found) << s;
  for (std::uint64_t s = 5; s < 10; ++s) {
    const auto r = ingest.Serve(ContentKey{"news", false, s});
    ASSERT_TRUE(r.found) << s;
    EXPECT_EQ(r.bytes, 750'000u + s);
    EXPECT_EQ(r.served_by, "ingest-1");
    EXPECT_FALSE(r.playlist);
  }
  EXPECT_FALSE(ingest.Serve(ContentKey{"news", false, 10}).found);  // not yet produced
  EXPECT_FALSE(ingest.Serve(ContentKey{"sport", false, 9}).found);  // another stream
}

TEST_F(IngestServerTest, RetentionIsNeverShorterThanTheWindow) {
  IngestConfig config = Config();
  config.window_segments = 4;
  config.retained_segments = 1;
  IngestServer ingest("ingest-1", config, announcer_, rt_, metrics_);
  for (std::uint64_t s = 0; s < 6; ++s) ingest.AcceptSegment("news", Segment(s));
  const auto playlist = ingest.Serve(ContentKey{"news", true, 0}).playlist;
  ASSERT_TRUE(playlist);
  EXPECT_EQ(Sequences(*playlist), (std::vector<std::uint64_t>{2, 3, 4, 5}));
  for (std::uint64_t s = 2; s < 6; ++s) EXPECT_TRUE(ingest.Serve(ContentKey{"news", false, s}).found) << s;
}

TEST_F(IngestServerTest, IgnoresDuplicateAndOlderSegments) {
  IngestServer ingest("ingest-1", Config(), announcer_, rt_, metrics_);
  ingest.AcceptSegment("news", Segment(4));
  ingest.AcceptSegment("news", Segment(5));
  ingest.AcceptSegment("news", Segment(5));  // resent after a lost acknowledgement
  ingest.AcceptSegment("news", Segment(3));  // late
  ingest.AcceptSegment("news", Segment(7));  // a gap (a dropped segment) is fine
  const auto playlist = ingest.Serve(ContentKey{"news", true, 0}).playlist;
  ASSERT_TRUE(playlist);
  // Issue 17: the dropped segment is listed as an EXT-X-GAP placeholder (the Nth entry stays
  // media sequence + N) and the one after it carries EXT-X-DISCONTINUITY.
  EXPECT_EQ(Sequences(*playlist), (std::vector<std::uint64_t>{4, 5, 6, 7}));
  EXPECT_TRUE(playlist->segments[2].gap);
  EXPECT_TRUE(playlist->segments[3].discontinuity);
  EXPECT_EQ(metrics_.Counter(sm::kSegmentsIngested), 3);
  EXPECT_FALSE(ingest.Serve(ContentKey{"news", false, 3}).found);
  EXPECT_FALSE(ingest.Serve(ContentKey{"news", false, 6}).found);
}

TEST_F(IngestServerTest, AnnouncesStartProgressAndEnd) {
  IngestServer ingest("ingest-1", Config(), announcer_, rt_, metrics_);
  ingest.AcceptSegment("news", Segment(0));  // the stream starts here: announced at once
  rt_.RunFor(FromMillis(50));
  ASSERT_EQ(announcements_.size(), 1u);
  ASSERT_EQ(announcements_[0].streams.size(), 1u);
  EXPECT_EQ(announcements_[0].ingest, "ingest-1");
  EXPECT_EQ(announcements_[0].streams[0].stream, "news");
  EXPECT_EQ(announcements_[0].streams[0].state, StreamState::kLive);
  EXPECT_EQ(announcements_[0].streams[0].last_sequence, 0u);

  ingest.AcceptSegment("news", Segment(1));  // progress rides on the next heartbeat
  ingest.AcceptSegment("news", Segment(2));
  rt_.RunFor(FromMillis(50));
  EXPECT_EQ(announcements_.size(), 1u);
  rt_.RunUntil(FromMillis(1050));  // heartbeat at 1 s
  ASSERT_EQ(announcements_.size(), 2u);
  EXPECT_EQ(announcements_[1].streams[0].last_sequence, 2u);

  ingest.EndStream("news");
  rt_.RunFor(FromMillis(50));
  ASSERT_EQ(announcements_.size(), 3u);
  ASSERT_EQ(announcements_[2].streams.size(), 1u);
  EXPECT_EQ(announcements_[2].streams[0].state, StreamState::kStopped);
  ingest.EndStream("news");     // already ended
  ingest.EndStream("unknown");  // never held
  rt_.RunFor(FromMillis(50));
  EXPECT_EQ(announcements_.size(), 3u);

  // The ended stream's playlist says so (ENDLIST) and still serves its window.
  const auto response = ingest.Serve(ContentKey{"news", true, 0});
  ASSERT_TRUE(response.found && response.playlist);
  EXPECT_TRUE(response.playlist->ended);
  EXPECT_EQ(Sequences(*response.playlist), (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(response.bytes, response.playlist->ToM3u8().size());
  EXPECT_TRUE(ingest.Serve(ContentKey{"news", false, 2}).found);
}

TEST_F(IngestServerTest, CountsSegmentsPerIngestAndStream) {
  IngestServer ingest("ingest-1", Config(), announcer_, rt_, metrics_);
  for (std::uint64_t s = 0; s < 4; ++s) ingest.AcceptSegment("news", Segment(s));
  for (std::uint64_t s = 10; s < 12; ++s) ingest.AcceptSegment("sport", Segment(s));
  EXPECT_EQ(metrics_.Counter(sm::kSegmentsIngested), 6);
  rt_.RunFor(FromMillis(50));
  ASSERT_EQ(announcements_.size(), 2u);  // one per new stream
  EXPECT_EQ(announcements_[1].streams.size(), 2u);
}

}  // namespace
}  // namespace cdnlab
