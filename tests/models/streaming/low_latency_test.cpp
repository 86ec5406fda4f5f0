// LL-HLS in the model: part names, the packaging of short published segments into parts and
// segments, the playlist text with EXT-X-PART/-PART-INF/-SERVER-CONTROL/-PRELOAD-HINT/-SKIP
// (exact), delivery directives and the blocking decision, and the blocking-reload registry.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/streaming/blocking_reload_registry.h"
#include "models/streaming/delivery_directives.h"
#include "models/streaming/part_packager.h"

namespace cdnlab {
namespace {

LivePlaylist Window(std::uint64_t first, std::uint64_t last, Duration each) {
  LivePlaylist p;
  p.stream = "news";
  p.target_duration = FromSeconds(1);
  for (std::uint64_t s = first; s <= last; ++s) p.segments.push_back({s, each, 1000});
  return p;
}

SegmentInfo Published(std::uint64_t k) { return SegmentInfo{k, FromMillis(500), 100}; }

PartPackagerConfig TwoHalves() {
  PartPackagerConfig c;
  c.parts_per_segment = 2;
  c.part_target = FromMillis(500);
  c.target_duration = FromSeconds(1);
  c.can_skip_until = FromSeconds(6);
  return c;
}

TEST(PartNames, RoundTripThroughParseContentPath) {
  ContentKey key{"news", false, 42};
  key.part = 3;
  EXPECT_EQ(key.ToString(), "news/seg-42.part-3.ts");
  const auto parsed = ParseContentPath("news/seg-42.part-3.ts");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, key);
  EXPECT_FALSE(ParseContentPath("news/seg-42.ts")->part);
  EXPECT_FALSE(ParseContentPath("news/seg-42.part-.ts"));
  EXPECT_FALSE(ParseContentPath("news/seg-42.part-03.ts"));
  EXPECT_FALSE(ParseContentPath("news/seg-.part-1.ts"));
  EXPECT_FALSE(ParseContentPath("news/seg-1.part-99999999999.ts"));  // beyond uint32
  EXPECT_FALSE(ParseContentPath("news/seg-1.part-1.part-2.ts"));
  EXPECT_TRUE((ContentKey{"news", false, 42} < key));  // the whole segment sorts before its parts
}

TEST(PartPackager, GroupsPublishedSegmentsIntoPartsAndSegments) {
  PartPackager packager(TwoHalves());
  auto a = packager.Add(Published(10));  // segment 5, part 0
  ASSERT_TRUE(a.part);
  EXPECT_EQ(a.part->sequence, 5u);
  EXPECT_EQ(a.part->index, 0u);
  EXPECT_TRUE(a.part->independent);
  EXPECT_TRUE(a.completed.empty());
  EXPECT_EQ(packager.Next(), (PartPosition{5, 1}));
  auto b = packager.Add(Published(11));  // segment 5, part 1: complete
  ASSERT_EQ(b.completed.size(), 1u);
  EXPECT_EQ(b.completed[0].sequence, 5u);
  EXPECT_EQ(b.completed[0].duration, FromSeconds(1));
  EXPECT_EQ(b.completed[0].bytes, 200u);
  EXPECT_EQ(packager.Next(), (PartPosition{6, 0}));
  EXPECT_FALSE(packager.Add(Published(11)).part);  // a resend changes nothing
  // Published 13 (segment 6 part 1) is lost: 14 (segment 7 part 0) closes segment 6 with the
  // one part it has.
  packager.Add(Published(12));
  auto c = packager.Add(Published(14));
  ASSERT_EQ(c.completed.size(), 1u);
  EXPECT_EQ(c.completed[0].sequence, 6u);
  EXPECT_EQ(c.completed[0].duration, FromMillis(500));
  ASSERT_NE(packager.Find({6, 0}), nullptr);
  EXPECT_EQ(packager.Find({6, 1}), nullptr);
  EXPECT_EQ(packager.Newest(), (PartPosition{7, 0}));
  auto closed = packager.Close();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->sequence, 7u);
}

TEST(PartPackager, SegmentTakesTheProgramDateTimeOfItsFirstPart) {
  PartPackager packager(TwoHalves());
  auto dated = [](std::uint64_t k, std::int64_t ms) {
    SegmentInfo s = Published(k);
    s.program_date_time_ms = ms;
    return s;
  };
  packager.Add(dated(10, 1'000'000));
  auto a = packager.Add(dated(11, 1'000'500));
  ASSERT_EQ(a.completed.size(), 1u);
  EXPECT_EQ(a.completed[0].program_date_time_ms, 1'000'000);
  // Part 0 of segment 6 is lost: the segment starts with (and is dated by) part 1.
  auto b = packager.Add(dated(13, 1'001'500));
  ASSERT_EQ(b.completed.size(), 1u);
  EXPECT_EQ(b.completed[0].program_date_time_ms, 1'001'500);
  packager.Add(Published(14));  // segment 7, undated
  EXPECT_FALSE(packager.Close()->program_date_time_ms);
}

TEST(LowLatencyPlaylist, RendersProgramDateTimeDiscontinuityAndGapBeforeTheParts) {
  PartPackager packager(TwoHalves());
  for (std::uint64_t k = 0; k <= 8; ++k) {
    SegmentInfo s = Published(k);
    s.program_date_time_ms = 1'700'000'000'000 + 500 * static_cast<std::int64_t>(k);
    packager.Add(s);
  }
  LivePlaylist plain = Window(0, 3, FromSeconds(1));
  plain.discontinuity_sequence = 2;
  plain.segments[1].gap = true;
  plain.segments[2].discontinuity = true;
  for (SegmentInfo& s : plain.segments) {
    s.program_date_time_ms = 1'700'000'000'000 + 1000 * static_cast<std::int64_t>(s.sequence);
  }
  const std::string text = packager.Decorate(plain).ToM3u8();
  EXPECT_NE(text.find("#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-DISCONTINUITY-SEQUENCE:2\n"
                      "#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20.000Z\n#EXTINF:1.000,\nseg-0.ts\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:22.000Z\n"
                      "#EXT-X-PART:DURATION=0.500,URI=\"seg-2.part-0.ts\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("#EXT-X-GAP\n#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:21.000Z\n"), std::string::npos) << text;
}

TEST(LowLatencyPlaylist, PlainPlaylistTextIsUnchanged) {
  // No parts: LivePlaylist::ToM3u8 as before, byte for byte.
  EXPECT_EQ(Window(3, 4, FromSeconds(1)).ToM3u8(),
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:3\n"
            "#EXTINF:1.000,\nseg-3.ts\n#EXTINF:1.000,\nseg-4.ts\n");
}

TEST(LowLatencyPlaylist, RendersPartsHintAndServerControl) {
  PartPackager packager(TwoHalves());
  for (std::uint64_t k = 0; k <= 8; ++k) packager.Add(Published(k));  // segments 0..3, part 0 of 4
  const LowLatencyPlaylist ll = packager.Decorate(Window(0, 3, FromSeconds(1)));
  EXPECT_EQ(ll.ToM3u8(),
            "#EXTM3U\n#EXT-X-VERSION:9\n#EXT-X-TARGETDURATION:1\n"
            "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.500,CAN-SKIP-UNTIL=6.000\n"
            "#EXT-X-PART-INF:PART-TARGET=0.500\n#EXT-X-MEDIA-SEQUENCE:0\n"
            "#EXTINF:1.000,\nseg-0.ts\n"
            // parts only on segments starting within 3 target durations of the end, 3 segments
            // at most: 2 and 3 and the open one (segment 1 starts 3.5 s before the end)
            "#EXTINF:1.000,\nseg-1.ts\n"
            "#EXT-X-PART:DURATION=0.500,URI=\"seg-2.part-0.ts\",INDEPENDENT=YES\n"
            "#EXT-X-PART:DURATION=0.500,URI=\"seg-2.part-1.ts\",INDEPENDENT=YES\n"
            "#EXTINF:1.000,\nseg-2.ts\n"
            "#EXT-X-PART:DURATION=0.500,URI=\"seg-3.part-0.ts\",INDEPENDENT=YES\n"
            "#EXT-X-PART:DURATION=0.500,URI=\"seg-3.part-1.ts\",INDEPENDENT=YES\n"
            "#EXTINF:1.000,\nseg-3.ts\n"
            "#EXT-X-PART:DURATION=0.500,URI=\"seg-4.part-0.ts\",INDEPENDENT=YES\n"
            "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"seg-4.part-1.ts\"\n");
}

TEST(LowLatencyPlaylist, PartsOnAtMostThreeSegmentsCountingTheHintedOne) {
  PartPackager packager(TwoHalves());
  for (std::uint64_t k = 0; k <= 7; ++k) packager.Add(Published(k));  // segments 0..3 complete
  const std::string text = packager.Decorate(Window(0, 3, FromSeconds(1))).ToM3u8();
  // No open parts, but the hint opens segment 4: parts on segments 2 and 3 only.
  EXPECT_EQ(text.find("seg-1.part-"), std::string::npos) << text;
  EXPECT_NE(text.find("seg-2.part-0.ts"), std::string::npos) << text;
  EXPECT_NE(text.find("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"seg-4.part-0.ts\"\n"), std::string::npos) << text;
}

TEST(LowLatencyPlaylist, PartTargetCoversTheLongestPartAndEndedHasNoHint) {
  PartPackager packager(TwoHalves());
  packager.Add(SegmentInfo{0, FromMillis(700), 1});
  LivePlaylist plain = Window(0, 0, FromSeconds(1));
  plain.segments.clear();
  plain.ended = true;
  const std::string text = packager.Decorate(plain).ToM3u8();
  EXPECT_NE(text.find("#EXT-X-PART-INF:PART-TARGET=0.700\n"), std::string::npos) << text;
  EXPECT_NE(text.find("PART-HOLD-BACK=1.500"), std::string::npos) << text;  // >= 2 x 0.7
  EXPECT_EQ(text.find("PRELOAD-HINT"), std::string::npos) << text;
  EXPECT_NE(text.find("#EXT-X-ENDLIST\n"), std::string::npos) << text;
}

TEST(LowLatencyPlaylist, DeltaUpdateSkipsSegmentsOlderThanCanSkipUntil) {
  PartPackager packager(TwoHalves());
  for (std::uint64_t k = 0; k < 24; ++k) packager.Add(Published(k));  // segments 0..11
  const LowLatencyPlaylist ll = packager.Decorate(Window(0, 11, FromSeconds(1)));
  // 12 s listed, CAN-SKIP-UNTIL 6 s: segments 0..5 start more than 6 s before the end.
  EXPECT_EQ(ll.SkippableSegments(), 6u);
  const std::string delta = ll.ToM3u8(/*delta=*/true);
  EXPECT_NE(delta.find("#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-SKIP:SKIPPED-SEGMENTS=6\n#EXTINF:1.000,\nseg-6.ts\n"),
            std::string::npos)
      << delta;
  EXPECT_EQ(delta.find("seg-5.ts"), std::string::npos);
  EXPECT_EQ(ll.ToM3u8().find("EXT-X-SKIP"), std::string::npos);
  LowLatencyPlaylist no_skip = ll;
  no_skip.can_skip_until = Duration{0};
  EXPECT_EQ(no_skip.SkippableSegments(), 0u);
  EXPECT_EQ(no_skip.ToM3u8(true).find("CAN-SKIP-UNTIL"), std::string::npos);
}

TEST(DeliveryDirectives, ParsesTheQueryAndNamesBadParameters) {
  auto p = ParseDeliveryDirectives("/news/playlist.m3u8?_HLS_skip=YES&x=1&_HLS_part=2&_HLS_msn=5");
  EXPECT_TRUE(p.error.empty());
  EXPECT_EQ(p.directives.Canonical(), "_HLS_msn=5&_HLS_part=2&_HLS_skip=YES");
  EXPECT_FALSE(ParseDeliveryDirectives("/news/playlist.m3u8").directives.Any());
  EXPECT_EQ(ParseDeliveryDirectives("/p?_HLS_part=1").error, "_HLS_part needs _HLS_msn");
  EXPECT_NE(ParseDeliveryDirectives("/p?_HLS_msn=x").error.find("_HLS_msn"), std::string::npos);
  EXPECT_NE(ParseDeliveryDirectives("/p?_HLS_msn=-1").error.find("_HLS_msn"), std::string::npos);
  EXPECT_NE(ParseDeliveryDirectives("/p?_HLS_skip=NO").error.find("_HLS_skip"), std::string::npos);
}

TEST(DeliveryDirectives, DecidesAnswerHoldOrTooFarAhead) {
  PartPackager packager(TwoHalves());
  for (std::uint64_t k = 0; k <= 8; ++k) packager.Add(Published(k));  // last complete 3, part 4.0
  const LowLatencyPlaylist ll = packager.Decorate(Window(0, 3, FromSeconds(1)));
  auto decide = [&](std::optional<std::uint64_t> msn, std::optional<std::uint32_t> part) {
    return DecideReload(ll, DeliveryDirectives{msn, part, false});
  };
  EXPECT_EQ(decide(std::nullopt, std::nullopt), ReloadDecision::kAnswerNow);
  EXPECT_EQ(decide(3, std::nullopt), ReloadDecision::kAnswerNow);
  EXPECT_EQ(decide(4, 0), ReloadDecision::kAnswerNow);  // that part is listed
  EXPECT_EQ(decide(4, 1), ReloadDecision::kHold);       // the hinted part
  EXPECT_EQ(decide(4, std::nullopt), ReloadDecision::kHold);
  EXPECT_EQ(decide(5, 0), ReloadDecision::kHold);
  EXPECT_EQ(decide(6, std::nullopt), ReloadDecision::kTooFarAhead);  // beyond last + 2
  EXPECT_EQ(decide(4, 7), ReloadDecision::kTooFarAhead);  // Advance Part Limit: 3 / 0.5 s = 6
  EXPECT_EQ(decide(4, 6), ReloadDecision::kHold);
  EXPECT_EQ(BlockingReloadBound(FromSeconds(1)), FromSeconds(3));
}

TEST(BlockingReloadRegistry, CollapsesIdenticalWaitersAndReleasesWhenThePartArrives) {
  BlockingReloadRegistry<DeliveryDirectives, int> registry;
  std::vector<std::string> got;
  const DeliveryDirectives want{4, 1, false};
  EXPECT_TRUE(registry.Wait(want, SimTime{FromSeconds(3)}, [&](int v) { got.push_back("a" + std::to_string(v)); }));
  EXPECT_FALSE(registry.Wait(want, SimTime{FromSeconds(9)}, [&](int v) { got.push_back("b" + std::to_string(v)); }));
  EXPECT_TRUE(registry.Wait(DeliveryDirectives{5, 0, false}, SimTime{FromSeconds(4)},
                            [&](int v) { got.push_back("c" + std::to_string(v)); }));
  EXPECT_EQ(registry.Groups(), 2u);
  EXPECT_EQ(registry.Waiting(), 3u);
  PartPackager packager(TwoHalves());
  for (std::uint64_t k = 0; k <= 9; ++k) packager.Add(Published(k));  // part 4.1 arrives
  const LowLatencyPlaylist ll = packager.Decorate(Window(0, 4, FromSeconds(1)));
  registry.ReleaseIf([&](const DeliveryDirectives& d) -> std::optional<int> {
    if (!Satisfies(ll, d)) return std::nullopt;
    return 200;
  });
  EXPECT_EQ(got, (std::vector<std::string>{"a200", "b200"}));
  EXPECT_EQ(registry.Waiting(), 1u);
  EXPECT_EQ(registry.NextDeadline(), SimTime{FromSeconds(4)});
}

TEST(BlockingReloadRegistry, ReleasesAtTheBoundAndLetsWaitersWaitAgain) {
  BlockingReloadRegistry<int, int> registry;
  std::vector<int> got;
  registry.Wait(1, SimTime{FromSeconds(3)}, [&](int v) {
    got.push_back(v);
    registry.Wait(1, SimTime{FromSeconds(6)}, [&](int w) { got.push_back(w); });  // re-entrant
  });
  registry.ExpireDue(SimTime{FromSeconds(2)}, [](int) { return 503; });
  EXPECT_TRUE(got.empty());
  registry.ExpireDue(SimTime{FromSeconds(3)}, [](int) { return 503; });
  EXPECT_EQ(got, (std::vector<int>{503}));
  EXPECT_TRUE(registry.Holds(1));
  registry.Release(1, 200);
  EXPECT_EQ(got, (std::vector<int>{503, 200}));
  EXPECT_EQ(registry.Groups(), 0u);
  EXPECT_FALSE(registry.NextDeadline());
}

}  // namespace
}  // namespace cdnlab
