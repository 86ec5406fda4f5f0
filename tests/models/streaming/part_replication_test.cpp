// LL-HLS failover at the ingest (issue 17 item 5): the parts of the open segment are replicated
// to the peer ingest as they are accepted. The peer packages each replica as the holder did, so
// after a takeover it continues the same media segment with the same parts, part numbers and
// preload hint, and IngestServer::ContinueFromReplicas makes the replicated segments the
// stream's window at the first part uploaded there (before the open segment completes).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/streaming/ingest_server.h"
#include "models/streaming/metric_names.h"
#include "models/streaming/part_packager.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"

namespace cdnlab {
namespace {

using testing::ManualRuntime;
using testing::RecordingMetricsSink;

Endpoint At(std::uint32_t host, std::uint16_t port = 7300) { return Endpoint{Ipv4Address{0x0A000000u + host}, port}; }

// The publisher's 0.5 s segment k (part k % 4 of media segment k / 4).
SegmentInfo Published(std::uint64_t k) {
  SegmentInfo s;
  s.sequence = k;
  s.duration = FromMillis(500);
  s.bytes = 100 + k;
  s.program_date_time_ms = 1'700'000'000'000 + static_cast<std::int64_t>(k) * 500;
  return s;
}

PartPackagerConfig Parts() {
  PartPackagerConfig c;
  c.parts_per_segment = 4;
  c.part_target = FromMillis(500);
  c.target_duration = FromSeconds(2);
  return c;
}

IngestConfig Ingest() {
  IngestConfig c;
  c.window_segments = 6;
  c.retained_segments = 10;
  c.target_duration = FromSeconds(2);
  return c;
}

std::vector<std::uint32_t> OpenParts(const LowLatencyPlaylist& p) {
  std::vector<std::uint32_t> out;
  for (const PartInfo& part : p.open_parts) out.push_back(part.index);
  return out;
}

class PartReplication : public ::testing::Test {
 protected:
  // Holder `a` accepts the publisher's segments [0, until): each part is packaged at a and its
  // replica at b; every segment a completes goes to a's model, and its replica to b's.
  void HoldUntil(std::uint64_t until) {
    a_.OnAccepted([this](const StreamId& stream, const ReplicatedSegment& r) { b_.AcceptReplica(stream, r); });
    for (std::uint64_t k = 0; k < until; ++k) {
      const auto packaged = a_parts_.Add(Published(k));
      ASSERT_TRUE(packaged.part.has_value());
      ASSERT_TRUE(b_parts_.Add(Published(k)).part.has_value());  // the part replica
      for (const SegmentInfo& whole : packaged.completed) a_.AcceptSegment("news", whole);
    }
  }
  // The publisher's uploads [k, until) reach b (a died): b packages them after the replicas.
  void PublishAtB(std::uint64_t k, std::uint64_t until) {
    for (; k < until; ++k) {
      for (const SegmentInfo& whole : b_parts_.Add(Published(k)).completed) b_.AcceptSegment("news", whole);
    }
  }
  LivePlaylist PlaylistOf(const IngestServer& ingest) const {
    return ingest.Serve(ContentKey{"news", true, 0}).playlist.value_or(LivePlaylist{});
  }

  ManualRuntime rt_;
  RecordingMetricsSink metrics_;
  StreamAnnouncer announcer_a_{"a", At(1), At(1, 8080), {At(20)}, AnnouncerConfig{}, rt_, rt_, metrics_};
  StreamAnnouncer announcer_b_{"b", At(2), At(2, 8080), {At(20)}, AnnouncerConfig{}, rt_, rt_, metrics_};
  IngestServer a_{"a", Ingest(), announcer_a_, rt_, metrics_};
  IngestServer b_{"b", Ingest(), announcer_b_, rt_, metrics_};
  PartPackager a_parts_{Parts()};
  PartPackager b_parts_{Parts()};
};

TEST_F(PartReplication, ThePeerContinuesTheOpenSegmentWithEveryPart) {
  HoldUntil(14);  // segments 0-2 complete, 3 open with parts 0 and 1 when a dies
  ASSERT_EQ(OpenParts(a_parts_.Decorate(PlaylistOf(a_))), (std::vector<std::uint32_t>{0, 1}));
  EXPECT_FALSE(b_.Holds("news"));  // replicas are not live until the publisher comes

  // The publisher's next upload (part 3.2) reaches b: the stream is live there at once, with
  // a's segments and the open segment's replicated parts before the new one.
  EXPECT_TRUE(b_.ContinueFromReplicas("news"));
  EXPECT_TRUE(b_.Holds("news"));
  EXPECT_EQ(b_.TakeOvers(), 1u);
  EXPECT_EQ(metrics_.Counter(streaming_metrics::kStreamsTakenOver), 1.0);
  ASSERT_TRUE(b_parts_.Add(Published(14)).part.has_value());
  const LowLatencyPlaylist taken = b_parts_.Decorate(PlaylistOf(b_));
  EXPECT_EQ(taken.base.segments.size(), 3u);
  EXPECT_EQ(taken.base.segments.back().sequence, 2u);
  EXPECT_EQ(OpenParts(taken), (std::vector<std::uint32_t>{0, 1, 2}));
  ASSERT_TRUE(taken.preload_hint.has_value());
  EXPECT_EQ(*taken.preload_hint, (PartPosition{3, 3}));

  // Segment 3 completes at b with all four parts: no gap, no discontinuity, and the playlist is
  // what a would have served had it lived.
  PublishAtB(15, 20);
  for (std::uint64_t k = 14; k < 20; ++k) {
    for (const SegmentInfo& whole : a_parts_.Add(Published(k)).completed) a_.AcceptSegment("news", whole);
  }
  const LivePlaylist at_b = PlaylistOf(b_);
  for (const SegmentInfo& s : at_b.segments) {
    EXPECT_FALSE(s.gap) << s.sequence;
    EXPECT_FALSE(s.discontinuity) << s.sequence;
  }
  ASSERT_NE(b_parts_.PartsOf(3), nullptr);
  EXPECT_EQ(b_parts_.PartsOf(3)->size(), 4u);
  EXPECT_EQ(b_parts_.Decorate(at_b).ToM3u8(), a_parts_.Decorate(PlaylistOf(a_)).ToM3u8());
}

TEST_F(PartReplication, WithoutPartReplicasTheOpenSegmentLosesItsFirstParts) {
  // What happened before parts were replicated: b starts the open segment at the part uploaded
  // to it, and the segment's first parts (content the player has not played yet) are missing.
  HoldUntil(14);
  PartPackager fresh(Parts());
  ASSERT_TRUE(fresh.Add(Published(14)).part.has_value());
  EXPECT_EQ(fresh.PartsOf(3)->size(), 1u);
  EXPECT_EQ(fresh.PartsOf(3)->front().index, 2u);
  EXPECT_EQ(b_parts_.PartsOf(3)->size(), 2u);  // the replicas: 3.0 and 3.1
}

TEST_F(PartReplication, ContinueFromReplicasOnlyWhenThereIsSomethingToContinue) {
  EXPECT_FALSE(b_.ContinueFromReplicas("news"));  // nothing replicated: the stream starts with its first segment
  EXPECT_FALSE(b_.Holds("news"));
  HoldUntil(9);
  EXPECT_TRUE(b_.ContinueFromReplicas("news"));
  EXPECT_FALSE(b_.ContinueFromReplicas("news"));  // live here already
  EXPECT_EQ(b_.TakeOvers(), 1u);
  // The segment b completes follows the replicated ones without a discontinuity.
  PublishAtB(9, 12);
  const LivePlaylist p = PlaylistOf(b_);
  ASSERT_FALSE(p.segments.empty());
  EXPECT_EQ(p.segments.back().sequence, 2u);
  EXPECT_FALSE(p.segments.back().discontinuity);
  EXPECT_EQ(p.discontinuity_sequence, 0u);
}

TEST_F(PartReplication, ALateOrResentPartReplicaIsDropped) {
  ASSERT_TRUE(b_parts_.Add(Published(5)).part.has_value());
  EXPECT_FALSE(b_parts_.Add(Published(5)).part.has_value());  // resent
  EXPECT_FALSE(b_parts_.Add(Published(4)).part.has_value());  // older than the newest part
  EXPECT_EQ(b_parts_.Next(), (PartPosition{1, 2}));
}

}  // namespace
}  // namespace cdnlab
