// Failover continuity at the ingest (issue 17 item 4): a gap in the publisher's sequence is
// tagged EXT-X-DISCONTINUITY and counted into EXT-X-DISCONTINUITY-SEQUENCE as it slides out;
// a playlist lists at least three target durations; an ingest that takes a stream over
// continues it from the segments its dead peer replicated (same numbering, no shrink).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/streaming/ingest_server.h"
#include "models/streaming/metric_names.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"

namespace cdnlab {
namespace {

using testing::ManualRuntime;
using testing::RecordingMetricsSink;

Endpoint At(std::uint32_t host, std::uint16_t port = 7300) { return Endpoint{Ipv4Address{0x0A000000u + host}, port}; }

SegmentInfo Segment(std::uint64_t sequence, double seconds = 2) {
  SegmentInfo s;
  s.sequence = sequence;
  s.duration = FromSeconds(seconds);
  s.bytes = 1000 + sequence;
  return s;
}

std::vector<std::uint64_t> Sequences(const LivePlaylist& playlist) {
  std::vector<std::uint64_t> out;
  for (const auto& s : playlist.segments) out.push_back(s.sequence);
  return out;
}
std::vector<std::uint64_t> Gaps(const LivePlaylist& playlist) {
  std::vector<std::uint64_t> out;
  for (const auto& s : playlist.segments) {
    if (s.gap) out.push_back(s.sequence);
  }
  return out;
}
std::vector<std::uint64_t> Discontinuities(const LivePlaylist& playlist) {
  std::vector<std::uint64_t> out;
  for (const auto& s : playlist.segments) {
    if (s.discontinuity) out.push_back(s.sequence);
  }
  return out;
}

class IngestContinuity : public ::testing::Test {
 protected:
  static IngestConfig Config(std::size_t window = 3) {
    IngestConfig c;
    c.window_segments = window;
    c.retained_segments = 10;
    c.target_duration = FromSeconds(2);
    return c;
  }
  LivePlaylist PlaylistOf(const IngestServer& ingest) {
    ContentResponse r = ingest.Serve(ContentKey{"news", true, 0});
    EXPECT_TRUE(r.found);
    return r.playlist.value_or(LivePlaylist{});
  }

  ManualRuntime rt_;
  RecordingMetricsSink metrics_;
  StreamAnnouncer announcer_a_{"a", At(1), At(1, 8080), {At(20)}, AnnouncerConfig{}, rt_, rt_, metrics_};
  StreamAnnouncer announcer_b_{"b", At(2), At(2, 8080), {At(20)}, AnnouncerConfig{}, rt_, rt_, metrics_};
};

TEST_F(IngestContinuity, AGapIsTaggedAndCountedAsItSlidesOut) {
  IngestServer ingest("a", Config(3), announcer_a_, rt_, metrics_);
  for (std::uint64_t n : {10, 11, 12, 15, 16}) ingest.AcceptSegment("news", Segment(n));
  LivePlaylist p = PlaylistOf(ingest);
  // 13 and 14 were lost: listed as EXT-X-GAP (numbers stay the publisher's), 15 is tagged.
  EXPECT_EQ(Sequences(p), (std::vector<std::uint64_t>{12, 13, 14, 15, 16}));  // 3 x 2 s of content + gaps
  EXPECT_EQ(Gaps(p), (std::vector<std::uint64_t>{13, 14}));
  EXPECT_EQ(Discontinuities(p), (std::vector<std::uint64_t>{15}));
  EXPECT_EQ(p.discontinuity_sequence, 0u);
  const std::string text = p.ToM3u8();
  EXPECT_NE(text.find("#EXT-X-GAP\n#EXTINF:2.000,\nseg-14.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\nseg-15.ts\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("#EXT-X-DISCONTINUITY-SEQUENCE"), std::string::npos) << text;
  EXPECT_FALSE(ingest.Serve(ContentKey{"news", false, 13}).found);  // a gap has no content

  ingest.AcceptSegment("news", Segment(17));  // 15 is first: its tag is still listed
  p = PlaylistOf(ingest);
  EXPECT_EQ(Sequences(p), (std::vector<std::uint64_t>{15, 16, 17}));
  EXPECT_EQ(p.discontinuity_sequence, 0u);
  ingest.AcceptSegment("news", Segment(18));  // 15's tag slides out: the sequence counts it
  ingest.AcceptSegment("news", Segment(20));  // and a second gap
  p = PlaylistOf(ingest);
  EXPECT_EQ(Sequences(p), (std::vector<std::uint64_t>{17, 18, 19, 20}));
  EXPECT_EQ(p.discontinuity_sequence, 1u);
  EXPECT_EQ(Discontinuities(p), (std::vector<std::uint64_t>{20}));
  EXPECT_NE(p.ToM3u8().find("#EXT-X-MEDIA-SEQUENCE:17\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n"), std::string::npos);
}

TEST_F(IngestContinuity, PlaylistListsAtLeastThreeTargetDurations) {
  // A window of 2 segments of 2 s would list 4 s < 3 x 2 s: it lists 3 (6 s).
  IngestServer two("a", Config(2), announcer_a_, rt_, metrics_);
  for (std::uint64_t n = 0; n < 6; ++n) two.AcceptSegment("news", Segment(n));
  EXPECT_EQ(Sequences(PlaylistOf(two)), (std::vector<std::uint64_t>{3, 4, 5}));
  // Short segments (1 s) under a 2 s target: 6 of them.
  IngestServer shorts("b", Config(3), announcer_b_, rt_, metrics_);
  for (std::uint64_t n = 0; n < 10; ++n) shorts.AcceptSegment("news", Segment(n, 1.0));
  const LivePlaylist p = PlaylistOf(shorts);
  EXPECT_EQ(Sequences(p), (std::vector<std::uint64_t>{4, 5, 6, 7, 8, 9}));
  EXPECT_GE(p.TotalDuration(), 3 * p.target_duration);
}

TEST_F(IngestContinuity, ATakeoverContinuesFromReplicasWithTheSameNumbering) {
  IngestServer a("a", Config(3), announcer_a_, rt_, metrics_);
  IngestServer b("b", Config(3), announcer_b_, rt_, metrics_);
  a.OnAccepted([&b](const StreamId& stream, const ReplicatedSegment& r) { b.AcceptReplica(stream, r); });
  for (std::uint64_t n : {0, 1, 3, 4, 5, 6}) a.AcceptSegment("news", Segment(n));  // a gap before 3
  const LivePlaylist before = PlaylistOf(a);
  EXPECT_EQ(Sequences(before), (std::vector<std::uint64_t>{4, 5, 6}));
  EXPECT_EQ(before.discontinuity_sequence, 1u);  // 3's tag slid out
  EXPECT_FALSE(b.Holds("news"));  // replicas are not a live stream
  EXPECT_FALSE(b.Serve(ContentKey{"news", true, 0}).found);

  // a dies; segment 7 was uploaded to it and lost; the publisher's next upload lands on b.
  b.AcceptSegment("news", Segment(8));
  const LivePlaylist after = PlaylistOf(b);
  EXPECT_EQ(Sequences(after), (std::vector<std::uint64_t>{5, 6, 7, 8}));  // no shrink, no jump back
  EXPECT_EQ(Gaps(after), (std::vector<std::uint64_t>{7}));
  EXPECT_EQ(Discontinuities(after), (std::vector<std::uint64_t>{8}));   // where 7 is missing
  EXPECT_EQ(after.discontinuity_sequence, 1u);                          // a's count carried over
  EXPECT_TRUE(b.Serve(ContentKey{"news", false, 5}).found);             // a's segments served by b
  EXPECT_EQ(b.TakeOvers(), 1u);
  EXPECT_EQ(metrics_.Counter(streaming_metrics::kStreamsTakenOver), 1.0);

  b.AcceptSegment("news", Segment(9));
  b.AcceptSegment("news", Segment(10));
  const LivePlaylist later = PlaylistOf(b);
  EXPECT_EQ(Sequences(later), (std::vector<std::uint64_t>{8, 9, 10}));
  EXPECT_EQ(later.discontinuity_sequence, 1u);  // 8's tag still listed
  b.AcceptSegment("news", Segment(11));
  EXPECT_EQ(PlaylistOf(b).discontinuity_sequence, 2u);
}

TEST_F(IngestContinuity, NoGapNoDiscontinuity) {
  IngestServer a("a", Config(3), announcer_a_, rt_, metrics_);
  IngestServer b("b", Config(3), announcer_b_, rt_, metrics_);
  a.OnAccepted([&b](const StreamId& stream, const ReplicatedSegment& r) { b.AcceptReplica(stream, r); });
  for (std::uint64_t n = 0; n < 5; ++n) a.AcceptSegment("news", Segment(n));
  b.AcceptSegment("news", Segment(5));  // nothing lost
  const LivePlaylist p = PlaylistOf(b);
  EXPECT_EQ(Sequences(p), (std::vector<std::uint64_t>{3, 4, 5}));
  EXPECT_TRUE(Discontinuities(p).empty());
  EXPECT_EQ(p.discontinuity_sequence, 0u);
  // A resend of a replicated segment (the publisher's playlist lists it again) changes nothing.
  b.AcceptSegment("news", Segment(4));
  EXPECT_EQ(Sequences(PlaylistOf(b)), (std::vector<std::uint64_t>{3, 4, 5}));
}

}  // namespace
}  // namespace cdnlab
