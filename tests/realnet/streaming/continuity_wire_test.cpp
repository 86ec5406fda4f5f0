// The wire side of failover continuity (issue 17 item 4): EXT-X-DISCONTINUITY and
// EXT-X-DISCONTINUITY-SEQUENCE survive ToM3u8 -> ReadM3u8 (caches parse what ingests serve),
// misplaced ones are refused, and the replica query an ingest PUTs to its peer round-trips
// and refuses malformed values with an error naming the field.
#include <gtest/gtest.h>

#include <stdexcept>

#include "realnet/streaming/m3u8_reader.h"
#include "realnet/streaming/segment_replicator.h"

namespace cdnlab {
namespace {

TEST(ContinuityWire, DiscontinuitiesRoundTripThroughTheReader) {
  LivePlaylist p;
  p.stream = "news";
  p.target_duration = FromSeconds(2);
  p.discontinuity_sequence = 3;
  for (std::uint64_t n : {7, 8, 10}) {
    SegmentInfo s;
    s.sequence = n;
    s.duration = FromSeconds(2);
    s.discontinuity = n == 10;
    p.segments.push_back(s);
  }
  // seg-10 after seg-8: the reader names segments by position, so a gap needs the names to
  // say so... ReadM3u8 demands seg-<media sequence + index>: a playlist with a hole in the
  // numbering cannot be read. The ingest therefore never lists a hole without a segment;
  // here the tagged segment follows on directly.
  p.segments[2].sequence = 9;
  const auto read = ReadM3u8(p.ToM3u8(), "news");
  ASSERT_TRUE(read.has_value()) << p.ToM3u8();
  EXPECT_EQ(read->discontinuity_sequence, 3u);
  ASSERT_EQ(read->segments.size(), 3u);
  EXPECT_FALSE(read->segments[0].discontinuity);
  EXPECT_FALSE(read->segments[1].discontinuity);
  EXPECT_TRUE(read->segments[2].discontinuity);
  EXPECT_EQ(read->ToM3u8(), p.ToM3u8());
}

TEST(ContinuityWire, MisplacedDiscontinuityTagsAreRefused) {
  const std::string head = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:4\n";
  EXPECT_FALSE(ReadM3u8(head + "#EXTINF:2,\nseg-4.ts\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n", "news"));  // after a segment
  EXPECT_FALSE(ReadM3u8(head + "#EXT-X-DISCONTINUITY-SEQUENCE:1\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n", "news"));
  EXPECT_FALSE(ReadM3u8(head + "#EXT-X-DISCONTINUITY-SEQUENCE:-1\n", "news"));
  EXPECT_FALSE(ReadM3u8(head + "#EXTINF:2,\nseg-4.ts\n#EXT-X-DISCONTINUITY\n", "news"));  // tags no segment
  EXPECT_TRUE(ReadM3u8(head + "#EXT-X-DISCONTINUITY-SEQUENCE:2\n#EXT-X-DISCONTINUITY\n#EXTINF:2,\nseg-4.ts\n", "news"));
}

TEST(ContinuityWire, ReplicaQueryRoundTripsAndRefusesJunk) {
  ReplicatedSegment r;
  r.segment.sequence = 42;
  r.segment.duration = std::chrono::microseconds(1'001'000);
  r.segment.discontinuity = true;
  r.discontinuity_number = 5;
  const auto back = ReplicaOfTarget("/news/seg-42.ts?" + ReplicaQuery(r), 42);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->segment.sequence, 42u);
  EXPECT_EQ(back->segment.duration, r.segment.duration);
  EXPECT_TRUE(back->segment.discontinuity);
  EXPECT_EQ(back->discontinuity_number, 5u);
  EXPECT_FALSE(ReplicaOfTarget("/news/seg-42.ts", 42).has_value());  // a publisher's upload
  EXPECT_FALSE(ReplicaOfTarget("/news/seg-42.ts?x=1", 42).has_value());
  try {
    ReplicaOfTarget("/news/seg-42.ts?replica=1&duration_us=abc&discontinuity=0&dnum=0", 42);
    FAIL() << "accepted a bad duration";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("duration_us"), std::string::npos);
  }
  EXPECT_THROW(ReplicaOfTarget("/news/seg-42.ts?replica=1&duration_us=1&discontinuity=2&dnum=0", 42),
               std::invalid_argument);
  EXPECT_THROW(ReplicaOfTarget("/news/seg-42.ts?replica=1&duration_us=1&discontinuity=0", 42), std::invalid_argument);
}

}  // namespace
}  // namespace cdnlab
