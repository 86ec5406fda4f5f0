// Live stream values: content names, the playlist window and its m3u8 text (exact, valid
// HLS), and the strict parse of request paths back into ContentKeys.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "models/streaming/live_stream.h"

namespace cdnlab {
namespace {

ContentKey Playlist(const std::string& stream) { return ContentKey{stream, true, 0}; }
ContentKey Segment(const std::string& stream, std::uint64_t seq) { return ContentKey{stream, false, seq}; }

LivePlaylist Window(std::uint64_t first, std::uint64_t last, Duration each = FromSeconds(2)) {
  LivePlaylist p;
  p.stream = "news";
  p.target_duration = FromSeconds(2);
  for (std::uint64_t s = first; s <= last; ++s) p.segments.push_back({s, each, 1000, std::nullopt});
  return p;
}

TEST(ContentKey, ToStringNamesPlaylistAndSegments) {
  EXPECT_EQ(Playlist("news").ToString(), "news/playlist.m3u8");
  EXPECT_EQ(Segment("news", 42).ToString(), "news/seg-42.ts");
  EXPECT_EQ(Segment("news", 0).ToString(), "news/seg-0.ts");
  // A playlist's sequence field is not part of its name.
  EXPECT_EQ((ContentKey{"news", true, 7}).ToString(), "news/playlist.m3u8");
}

TEST(ContentKey, OrdersPlaylistBeforeSegmentsOfTheSameStream) {
  EXPECT_LT(Playlist("news"), Segment("news", 0));
  EXPECT_LT(Segment("news", 2), Segment("news", 10));
  EXPECT_LT(Segment("a", 99), Playlist("b"));
}

TEST(LivePlaylist, FirstLastAndFind) {
  LivePlaylist empty;
  EXPECT_FALSE(empty.FirstSequence());
  EXPECT_FALSE(empty.LastSequence());
  EXPECT_EQ(empty.Find(0), nullptr);

  LivePlaylist p = Window(40, 45);
  EXPECT_EQ(p.FirstSequence(), 40u);
  EXPECT_EQ(p.LastSequence(), 45u);
  ASSERT_NE(p.Find(43), nullptr);
  EXPECT_EQ(p.Find(43)->sequence, 43u);
  EXPECT_EQ(p.Find(39), nullptr);
  EXPECT_EQ(p.Find(46), nullptr);

  // A gap (a segment the publisher never delivered) is not found.
  p.segments.erase(p.segments.begin() + 2);  // 42
  EXPECT_EQ(p.Find(42), nullptr);
  ASSERT_NE(p.Find(44), nullptr);
  EXPECT_EQ(p.Find(44)->sequence, 44u);
}

TEST(LivePlaylist, M3u8IsExactHls) {
  LivePlaylist p = Window(40, 42);
  p.segments[2].duration = FromMillis(1500);
  EXPECT_EQ(p.ToM3u8(),
            "#EXTM3U\n"
            "#EXT-X-VERSION:3\n"
            "#EXT-X-TARGETDURATION:2\n"
            "#EXT-X-MEDIA-SEQUENCE:40\n"
            "#EXTINF:2.000,\n"
            "seg-40.ts\n"
            "#EXTINF:2.000,\n"
            "seg-41.ts\n"
            "#EXTINF:1.500,\n"
            "seg-42.ts\n");
  p.ended = true;
  EXPECT_EQ(p.ToM3u8(),
            "#EXTM3U\n"
            "#EXT-X-VERSION:3\n"
            "#EXT-X-TARGETDURATION:2\n"
            "#EXT-X-MEDIA-SEQUENCE:40\n"
            "#EXTINF:2.000,\n"
            "seg-40.ts\n"
            "#EXTINF:2.000,\n"
            "seg-41.ts\n"
            "#EXTINF:1.500,\n"
            "seg-42.ts\n"
            "#EXT-X-ENDLIST\n");
}

TEST(LivePlaylist, TargetDurationIsCeiledSecondsAndCoversEverySegment) {
  LivePlaylist p = Window(0, 0, FromMillis(1000));
  p.target_duration = FromMillis(1500);
  EXPECT_NE(p.ToM3u8().find("#EXT-X-TARGETDURATION:2\n"), std::string::npos);
  p.target_duration = FromSeconds(4);
  EXPECT_NE(p.ToM3u8().find("#EXT-X-TARGETDURATION:4\n"), std::string::npos);
  // RFC 8216 4.3.3.1: no EXTINF may exceed the target duration, so a long segment raises it.
  p.target_duration = FromSeconds(2);
  p.segments[0].duration = FromMillis(2500);
  EXPECT_NE(p.ToM3u8().find("#EXT-X-TARGETDURATION:3\n"), std::string::npos);
}

TEST(LivePlaylist, ExtinfRoundsToTheMillisecond) {
  LivePlaylist p = Window(7, 8);
  p.segments[0].duration = Duration(2'000'400'000);  // 2.0004 s
  p.segments[1].duration = Duration(1'999'600'000);  // 1.9996 s
  const std::string text = p.ToM3u8();
  EXPECT_NE(text.find("#EXTINF:2.000,\nseg-7.ts\n"), std::string::npos) << text;
  EXPECT_NE(text.find("#EXTINF:2.000,\nseg-8.ts\n"), std::string::npos) << text;
  p.segments[0].duration = FromMillis(33.3);
  EXPECT_NE(p.ToM3u8().find("#EXTINF:0.033,\nseg-7.ts\n"), std::string::npos);
}

TEST(LivePlaylist, EmptyPlaylistIsStillValid) {
  LivePlaylist p;
  p.stream = "news";
  p.target_duration = FromSeconds(6);
  EXPECT_EQ(p.ToM3u8(), "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:0\n");
}

TEST(ParseContentPath, InvertsToString) {
  const std::vector<ContentKey> keys = {
      Playlist("news"),
      Segment("news", 0),
      Segment("news", 42),
      Segment("news", std::numeric_limits<std::uint64_t>::max()),
      Playlist("Sports_HD-2.v1"),
      Segment("a", 7),
      Segment("...", 1),  // dots are allowed, only "." and ".." are not names
  };
  for (const ContentKey& key : keys) {
    const auto parsed = ParseContentPath(key.ToString());
    ASSERT_TRUE(parsed.has_value()) << key.ToString();
    EXPECT_EQ(*parsed, key) << key.ToString();
    EXPECT_EQ(parsed->ToString(), key.ToString());
  }
}

TEST(ParseContentPath, RejectsEverythingElse) {
  const std::vector<std::string> hostile = {
      "",
      "news",
      "news/",
      "/news/playlist.m3u8",            // callers strip the leading slash
      "news/playlist.m3u8/",
      "news//playlist.m3u8",
      "news/playlist.m3u8?x=1",         // callers strip the query
      "news/playlist.m3u8#top",
      "news/PLAYLIST.M3U8",
      "news/playlist.m3u",
      "news/index.m3u8",
      "/playlist.m3u8",
      "playlist.m3u8",
      "../playlist.m3u8",
      "./playlist.m3u8",
      "../../etc/passwd",
      "news/../playlist.m3u8",
      "a/b/playlist.m3u8",
      "news%2F../playlist.m3u8",
      "news%20x/playlist.m3u8",
      "new s/playlist.m3u8",
      "news\\playlist.m3u8",
      std::string("news\0x/playlist.m3u8", 20),
      std::string("news/seg-1.ts\0", 14),
      "n\xc3\xa9ws/playlist.m3u8",       // non-ASCII
      "news/seg-.ts",
      "news/seg-1",
      "news/seg1.ts",
      "news/seg-1.TS",
      "news/seg-1.ts.ts",
      "news/seg-1x.ts",
      "news/seg-x1.ts",
      "news/seg-+1.ts",
      "news/seg--1.ts",
      "news/seg- 1.ts",
      "news/seg-1 .ts",
      "news/seg-01.ts",                  // not what ToString writes
      "news/seg-00.ts",
      "news/seg-0x10.ts",
      "news/seg-1e3.ts",
      "news/seg-18446744073709551616.ts",  // 2^64
      "news/seg-99999999999999999999999.ts",
      "news/seg-.ts.ts",
      "news/seg-1.ts/",
  };
  for (const std::string& path : hostile) {
    EXPECT_FALSE(ParseContentPath(path).has_value()) << "accepted: " << path;
  }
  // A very long id made of allowed characters is still a name.
  const std::string long_id(10'000, 'x');
  EXPECT_TRUE(ParseContentPath(long_id + "/seg-3.ts").has_value());
}

}  // namespace
}  // namespace cdnlab

namespace cdnlab {
namespace {

ContentKey Fmp4Segment(const std::string& stream, std::uint64_t seq) {
  ContentKey key{stream, false, seq};
  key.container = SegmentContainer::kFmp4;
  return key;
}

TEST(ContentKey, NamesFmp4SegmentsAndTheInitSegment) {
  EXPECT_EQ(Fmp4Segment("news", 42).ToString(), "news/seg-42.m4s");
  ContentKey init{"news", false, 0};
  init.init = true;
  init.container = SegmentContainer::kFmp4;
  EXPECT_EQ(init.ToString(), "news/init.mp4");
  EXPECT_FALSE(init.IsSegment());
  EXPECT_TRUE(Fmp4Segment("news", 1).IsSegment());

  EXPECT_EQ(ParseContentPath("news/seg-42.m4s"), Fmp4Segment("news", 42));
  EXPECT_EQ(ParseContentPath("news/init.mp4"), init);
  EXPECT_EQ(ParseContentPath("news/seg-42.ts"), (ContentKey{"news", false, 42}));  // TS unchanged
  for (const char* bad : {"news/seg-42.mp4", "news/seg-42.M4S", "news/seg-.m4s", "news/seg-01.m4s", "news/init.m4s",
                          "news/init-1.mp4", "news/Init.mp4", "news/init.mp4/x", "init.mp4", "news/seg-42.m4s.ts"}) {
    EXPECT_FALSE(ParseContentPath(bad)) << bad;
  }
  // Distinct keys in a cache: the same number in the two containers, and the init segment.
  EXPECT_FALSE(Fmp4Segment("news", 42) == (ContentKey{"news", false, 42}));
  EXPECT_TRUE(Fmp4Segment("news", 42) < (ContentKey{"news", false, 42}) ||
              (ContentKey{"news", false, 42}) < Fmp4Segment("news", 42));
  EXPECT_LT(init, (ContentKey{"news", false, 0}));
  EXPECT_FALSE((ContentKey{"news", false, 0}) < init);
}

TEST(LivePlaylist, RendersFmp4WithMapVersion6AndProgramDateTime) {
  LivePlaylist p;
  p.stream = "news";
  p.target_duration = FromSeconds(2);
  p.container = SegmentContainer::kFmp4;
  p.has_init = true;
  p.segments.push_back({7, FromSeconds(2), 100, 1796544258488});
  p.segments.push_back({8, FromSeconds(2), 100, std::nullopt});
  EXPECT_EQ(p.ToM3u8(),
            "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:7\n"
            "#EXT-X-MAP:URI=\"init.mp4\"\n"
            "#EXT-X-PROGRAM-DATE-TIME:2026-12-06T08:04:18.488Z\n#EXTINF:2.000,\nseg-7.m4s\n"
            "#EXTINF:2.000,\nseg-8.m4s\n");
}

}  // namespace
}  // namespace cdnlab
