// The strict m3u8 reader: what ffmpeg's HLS muxer uploads and what LivePlaylist::ToM3u8
// serves read back exactly; everything else (and hostile input) is refused, never a crash.
#include "realnet/streaming/m3u8_reader.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

// Byte for byte what ffmpeg 5.1 (-f hls -hls_time 1 -hls_list_size 6) PUTs.
constexpr char kFfmpegLive[] =
    "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:37\n"
    "#EXTINF:1.000000,\nseg-37.ts\n#EXTINF:1.000000,\nseg-38.ts\n#EXTINF:0.960000,\nseg-39.ts\n";

TEST(StreamingM3u8Reader, ReadsFfmpegLivePlaylist) {
  const auto p = ReadM3u8(kFfmpegLive, "news");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->stream, "news");
  EXPECT_EQ(p->target_duration, FromSeconds(1));
  EXPECT_FALSE(p->ended);
  ASSERT_EQ(p->segments.size(), 3u);
  EXPECT_EQ(p->segments[0].sequence, 37u);
  EXPECT_EQ(p->segments[2].sequence, 39u);
  EXPECT_EQ(p->segments[2].duration, FromMillis(960));
  EXPECT_EQ(p->segments[0].bytes, 0u);
}

TEST(StreamingM3u8Reader, ReadsEndlistCrlfTitlesCommentsAndHarmlessTags) {
  const auto p = ReadM3u8(
      "#EXTM3U\r\n#EXT-X-TARGETDURATION:2\r\n# a comment\r\n#EXT-X-PLAYLIST-TYPE:EVENT\r\n"
      "#EXT-X-INDEPENDENT-SEGMENTS\r\n#EXTINF:2,title here\r\n#EXT-X-PROGRAM-DATE-TIME:2024-01-01T00:00:00Z\r\n"
      "seg-0.ts\r\n\r\n#EXT-X-DISCONTINUITY\r\n#EXTINF:1.5,\r\nseg-1.ts\r\n#EXT-X-ENDLIST\r\n",
      "s");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->ended);
  ASSERT_EQ(p->segments.size(), 2u);
  EXPECT_EQ(p->segments[0].sequence, 0u);  // no EXT-X-MEDIA-SEQUENCE: 0
  EXPECT_EQ(p->segments[1].duration, FromMillis(1500));
  EXPECT_EQ(p->segments[0].program_date_time_ms, 1704067200000);  // 2024-01-01T00:00:00Z
  EXPECT_FALSE(p->segments[1].program_date_time_ms);
}

// Byte for byte what ffmpeg 5.1 writes with -hls_segment_type fmp4 -hls_flags program_date_time
// (the date-time between EXTINF and the URI, with a "+0000" zone).
constexpr char kFfmpegFmp4[] =
    "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-MAP:URI=\"init.mp4\"\n"
    "#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:2026-12-06T08:04:18.488+0000\nseg-0.m4s\n"
    "#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:2026-12-06T08:04:19.488+0000\nseg-1.m4s\n#EXT-X-ENDLIST\n";

TEST(StreamingM3u8Reader, ReadsFfmpegFmp4PlaylistWithProgramDateTime) {
  const auto p = ReadM3u8(kFfmpegFmp4, "news");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->has_init);
  EXPECT_EQ(p->container, SegmentContainer::kFmp4);
  ASSERT_EQ(p->segments.size(), 2u);
  // 2026-12-06T08:04:18.488Z (date -u -d 2026-12-06T08:04:18Z +%s = 1796544258).
  EXPECT_EQ(p->segments[0].program_date_time_ms, 1796544258488);
  EXPECT_EQ(p->segments[1].program_date_time_ms, 1796544259488);
  // Served again (ingest, caches): the same segments, init and date-times, in RFC 8216 shape.
  const std::string served = p->ToM3u8();
  EXPECT_NE(served.find("#EXT-X-VERSION:6\n"), std::string::npos) << served;
  EXPECT_NE(served.find("#EXT-X-MAP:URI=\"init.mp4\"\n"), std::string::npos) << served;
  EXPECT_NE(served.find("#EXT-X-PROGRAM-DATE-TIME:2026-12-06T08:04:19.488Z\n#EXTINF:1.000,\nseg-1.m4s\n"),
            std::string::npos)
      << served;
  const auto back = ReadM3u8(served, "news");
  ASSERT_TRUE(back) << served;
  EXPECT_TRUE(back->has_init);
  EXPECT_EQ(back->segments[1].program_date_time_ms, 1796544259488);
}

TEST(StreamingM3u8Reader, ReadsProgramDateTimeBeforeEachSegmentOrOnlySome) {
  const auto p = ReadM3u8(
      "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-PROGRAM-DATE-TIME:1970-01-01T01:00:00.5+01:00\n#EXTINF:1,\n"
      "seg-0.ts\n#EXTINF:1,\nseg-1.ts\n",
      "s");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->container, SegmentContainer::kTs);
  EXPECT_FALSE(p->has_init);
  EXPECT_EQ(p->segments[0].program_date_time_ms, 500);  // 01:00:00.5 at +01:00 is 00:00:00.5 UTC
  EXPECT_FALSE(p->segments[1].program_date_time_ms);
}

TEST(StreamingM3u8Reader, ReadsAnEmptyLivePlaylist) {
  const auto p = ReadM3u8("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:5\n", "s");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->segments.empty());
}

TEST(StreamingM3u8Reader, RoundTripsToM3u8) {
  LivePlaylist playlist;
  playlist.stream = "news";
  playlist.target_duration = FromSeconds(2);
  for (std::uint64_t s = 1000; s < 1006; ++s) {
    playlist.segments.push_back({s, FromMillis(1000 + 10 * (s - 1000)), 0, std::nullopt});
  }
  playlist.ended = true;
  const auto back = ReadM3u8(playlist.ToM3u8(), "news");
  ASSERT_TRUE(back) << playlist.ToM3u8();
  EXPECT_EQ(back->target_duration, playlist.target_duration);
  EXPECT_TRUE(back->ended);
  ASSERT_EQ(back->segments.size(), playlist.segments.size());
  for (std::size_t i = 0; i < back->segments.size(); ++i) {
    EXPECT_EQ(back->segments[i].sequence, playlist.segments[i].sequence);
    EXPECT_NEAR(ToSeconds(back->segments[i].duration), ToSeconds(playlist.segments[i].duration), 1e-3);
  }
}

// Each is wrong in exactly one way.
TEST(StreamingM3u8Reader, RefusesWhatItCannotServe) {
  const std::string head = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n";
  const char* bad[] = {
      "",                                                    // empty
      "#EXT-X-TARGETDURATION:1\n",                           // no #EXTM3U
      "\xEF\xBB\xBF#EXTM3U\n#EXT-X-TARGETDURATION:1\n",      // BOM before #EXTM3U
      "#EXTM3U\n#EXTINF:1,\nseg-0.ts\n",                     // no target duration
      "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-TARGETDURATION:1\n",
      "#EXTM3U\n#EXT-X-TARGETDURATION:-1\n",
      "#EXTM3U\n#EXT-X-TARGETDURATION:1.5\n",
      "#EXTM3U\n#EXT-X-TARGETDURATION:99999999999999999999999\n",
      "#EXTM3U\n#EXT-X-TARGETDURATION:\n",
  };
  for (const char* text : bad) EXPECT_FALSE(ReadM3u8(text, "s")) << text;
  const std::string bad_bodies[] = {
      "seg-0.ts\n",                                    // URI without EXTINF
      "#EXTINF:1,\n",                                  // EXTINF without URI
      "#EXTINF:1,\n#EXTINF:1,\nseg-0.ts\n",            // two EXTINF for one URI
      "#EXTINF:1\nseg-0.ts\n",                         // no comma
      "#EXTINF:nan,\nseg-0.ts\n",
      "#EXTINF:inf,\nseg-0.ts\n",
      "#EXTINF:-1,\nseg-0.ts\n",
      "#EXTINF:1e3,\nseg-0.ts\n",
      "#EXTINF:.5,\nseg-0.ts\n",
      "#EXTINF:1.,\nseg-0.ts\n",
      "#EXTINF:100000,\nseg-0.ts\n",                   // over the duration bound
      "#EXTINF:1,\nseg-1.ts\n",                        // names sequence 1 where 0 is due
      "#EXTINF:1,\nother.ts\n",
      "#EXTINF:1,\n/s/seg-0.ts\n",
      "#EXTINF:1,\nhttp://x/s/seg-0.ts\n",
      "#EXTINF:1,\nseg-.ts\n",
      "#EXTINF:1,\nseg-0x1.ts\n",
      "#EXTINF:1,\nseg-+0.ts\n",
      "#EXTINF:1,\nseg-00.ts\n",                      // a leading zero: not the name of segment 0
      "#EXTINF:1,\nseg-0.ts\n#EXT-X-MEDIA-SEQUENCE:0\n",  // sequence after a segment
      "#EXT-X-MEDIA-SEQUENCE:1\n#EXT-X-MEDIA-SEQUENCE:1\n",
      "#EXT-X-MEDIA-SEQUENCE:18446744073709551615\n",   // over 2^63
      "#EXT-X-MEDIA-SEQUENCE:-1\n",
      "#EXT-X-ENDLIST\n#EXTINF:1,\nseg-0.ts\n",          // a segment after the end
      "#EXT-X-KEY:METHOD=AES-128,URI=\"k\"\n#EXTINF:1,\nseg-0.ts\n",
      "#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:1,\nseg-0.ts\n",  // an init segment for TS segments
      "#EXT-X-MAP:URI=\"other.mp4\"\n#EXTINF:1,\nseg-0.m4s\n",  // not the name ContentKey gives it
      "#EXT-X-MAP:URI=\"init.mp4\",BYTERANGE=\"100@0\"\n#EXTINF:1,\nseg-0.m4s\n",
      "#EXT-X-MAP:URI=\"init.mp4\"\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:1,\nseg-0.m4s\n",
      "#EXTINF:1,\nseg-0.m4s\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:1,\nseg-1.m4s\n",  // a second init mid-way
      "#EXTINF:1,\nseg-0.ts\n#EXTINF:1,\nseg-1.m4s\n",     // two containers
      "#EXTINF:1,\nseg-0.mp4\n",
      "#EXT-X-PROGRAM-DATE-TIME:2026-12-06T08:04:18.488\n#EXTINF:1,\nseg-0.ts\n",  // no time zone
      "#EXT-X-PROGRAM-DATE-TIME:2026-13-06T08:04:18Z\n#EXTINF:1,\nseg-0.ts\n",     // month 13
      "#EXT-X-PROGRAM-DATE-TIME:2026-02-30T08:04:18Z\n#EXTINF:1,\nseg-0.ts\n",     // February 30
      "#EXT-X-PROGRAM-DATE-TIME:yesterday\n#EXTINF:1,\nseg-0.ts\n",
      "#EXT-X-PROGRAM-DATE-TIME:2026-12-06T08:04:18Z\n#EXT-X-PROGRAM-DATE-TIME:2026-12-06T08:04:18Z\n"
      "#EXTINF:1,\nseg-0.ts\n",                                        // two for one segment
      "#EXTINF:1,\nseg-0.ts\n#EXT-X-PROGRAM-DATE-TIME:2026-12-06T08:04:18Z\n",  // for no segment
      "#EXT-X-BYTERANGE:100@0\n#EXTINF:1,\nseg-0.ts\n",
      "#EXT-X-STREAM-INF:BANDWIDTH=1\nlow.m3u8\n",      // a master playlist
      "#EXT-X-VERSION:99\n",
      "#EXTINF:1,\nseg-0.ts\x01\n",                     // control byte
      std::string("#EXTINF:1,\nseg-0\0.ts\n", 21),     // NUL
      "#EXTINF:1,\xff\nseg-0.ts\n",                     // not ASCII
  };
  for (const auto& body : bad_bodies) EXPECT_FALSE(ReadM3u8(head + body, "s")) << body;
}

TEST(StreamingM3u8Reader, RefusesSequenceOverflowAndOversizedInput) {
  // EXT-X-MEDIA-SEQUENCE at its bound, then segments: the URIs must still match exactly.
  const std::string top = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:9223372036854775808\n";
  EXPECT_TRUE(ReadM3u8(top + "#EXTINF:1,\nseg-9223372036854775808.ts\n", "s"));
  EXPECT_FALSE(ReadM3u8(top + "#EXTINF:1,\nseg-9223372036854775807.ts\n", "s"));

  std::string big = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n";
  for (int i = 0; big.size() <= (1 << 20); ++i) big += "#EXTINF:1,\nseg-" + std::to_string(i) + ".ts\n";
  EXPECT_FALSE(ReadM3u8(big, "s"));  // over 1 MiB
  M3u8Limits few;
  few.max_segments = 3;
  EXPECT_FALSE(ReadM3u8("#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nseg-0.ts\n#EXTINF:1,\nseg-1.ts\n"
                        "#EXTINF:1,\nseg-2.ts\n#EXTINF:1,\nseg-3.ts\n",
                        "s", few));
}

// Random bytes and random mutations of a valid playlist: never a crash, and whatever is
// accepted is consistent (ascending, contiguous sequences).
TEST(StreamingM3u8Reader, SurvivesRandomAndMutatedInput) {
  std::mt19937_64 random(42);
  const std::string valid = kFfmpegLive;
  const char raw[] = "#EXTINF:-.,0123456789seg-.ts\n\r\0\xff MEDIA-SEQUENCE TARGETDURATION ENDLIST";
  const std::string alphabet(raw, sizeof raw - 1);
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    if (round % 2 == 0) {
      text = valid;
      const int edits = 1 + static_cast<int>(random() % 4);
      for (int e = 0; e < edits; ++e) {
        const std::size_t at = random() % (text.size() + 1);
        switch (random() % 3) {
          case 0: text.insert(at, 1, alphabet[random() % alphabet.size()]); break;
          case 1: if (at < text.size()) text.erase(at, 1); break;
          default: if (at < text.size()) text[at] = alphabet[random() % alphabet.size()]; break;
        }
      }
    } else {
      text.resize(random() % 300);
      for (auto& c : text) c = alphabet[random() % alphabet.size()];
      if (random() % 2) text = "#EXTM3U\n" + text;
    }
    const auto p = ReadM3u8(text, "s");
    if (!p) continue;
    ++accepted;
    for (std::size_t i = 1; i < p->segments.size(); ++i) {
      ASSERT_EQ(p->segments[i].sequence, p->segments[i - 1].sequence + 1) << text;
    }
  }
  EXPECT_GT(accepted, 0);  // some mutations (a title, a comment) stay valid
}

}  // namespace
}  // namespace cdnlab
