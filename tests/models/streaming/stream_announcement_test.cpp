// The announcement channel: the JSON codec (round trip, hostile input), the ingest's
// announcer (full set, increasing serials, immediate on start/stop, heartbeats, stopped
// streams lingering), the stream directory (expiry, newest claim wins, stale serials ignored,
// stopped streams located as such) and the directory node (relaying to subscribers,
// subscription expiry, keeping its own subscription alive).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "models/streaming/stream_announcement.h"
#include "models/streaming/stream_announcer.h"
#include "models/streaming/stream_directory.h"
#include "models/streaming/metric_names.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"

namespace cdnlab {
namespace {

namespace sm = streaming_metrics;
using testing::ManualRuntime;
using testing::RecordingMetricsSink;

Endpoint At(std::uint32_t host, std::uint16_t port = 7200) { return Endpoint{Ipv4Address{0x0A000000u + host}, port}; }

StreamAnnouncement Announcement(const std::string& ingest, std::uint64_t serial,
                                std::vector<AnnouncedStream> streams, Duration ttl = FromSeconds(3)) {
  StreamAnnouncement a;
  a.ingest = ingest;
  a.content_endpoint = Endpoint{Ipv4Address{0x0A000100u + static_cast<unsigned char>(ingest.back())}, 8080};
  a.serial = serial;
  a.ttl = ttl;
  a.streams = std::move(streams);
  return a;
}

AnnouncedStream Live(const std::string& stream, std::uint64_t last = 0) {
  return AnnouncedStream{stream, StreamState::kLive, last};
}

Bytes ToBytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

// ---------------------------------------------------------------------------------------
// Codec

TEST(AnnouncementCodec, AnnouncementRoundTrips) {
  StreamAnnouncement a = Announcement("ingest-1", 18446744073709551615ULL,
                                      {Live("news", 42), AnnouncedStream{"sport", StreamState::kStopped, 0}},
                                      Duration{2999999999});
  a.content_endpoint = Endpoint{Ipv4Address{0xC0A80001u}, 65535};
  const std::string text = EncodeAnnouncementMessage(a);
  const auto decoded = DecodeAnnouncementMessage(text);
  ASSERT_TRUE(decoded);
  const auto* back = std::get_if<StreamAnnouncement>(&*decoded);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->ingest, "ingest-1");
  EXPECT_EQ(back->content_endpoint, a.content_endpoint);
  EXPECT_EQ(back->serial, a.serial);
  EXPECT_EQ(back->ttl, a.ttl);
  ASSERT_EQ(back->streams.size(), 2u);
  EXPECT_EQ(back->streams[0].stream, "news");
  EXPECT_EQ(back->streams[0].state, StreamState::kLive);
  EXPECT_EQ(back->streams[0].last_sequence, 42u);
  EXPECT_EQ(back->streams[1].stream, "sport");
  EXPECT_EQ(back->streams[1].state, StreamState::kStopped);
  // The documented shape.
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["kind"], "announce");
  EXPECT_EQ(j["content_endpoint"], "192.168.0.1:65535");
  EXPECT_EQ(j["ttl_ns"], 2999999999);
  EXPECT_EQ(j["streams"][1]["state"], "stopped");
  // Encoding is deterministic.
  EXPECT_EQ(EncodeAnnouncementMessage(*decoded), text);
}

TEST(AnnouncementCodec, EmptyStreamSetAndSubscribeRoundTrip) {
  const auto empty = DecodeAnnouncementMessage(EncodeAnnouncementMessage(Announcement("i", 0, {})));
  ASSERT_TRUE(empty);
  EXPECT_TRUE(std::get<StreamAnnouncement>(*empty).streams.empty());

  AnnouncementSubscribe s{"edge-7", Endpoint{Ipv4Address{0}, 0}, FromSeconds(3)};
  const std::string text = EncodeAnnouncementMessage(s);
  EXPECT_EQ(text, R"({"kind":"subscribe","node":"edge-7","announce_endpoint":"0.0.0.0:0","ttl_ns":3000000000})");
  const auto decoded = DecodeAnnouncementMessage(text);
  ASSERT_TRUE(decoded);
  const auto& back = std::get<AnnouncementSubscribe>(*decoded);
  EXPECT_EQ(back.node, "edge-7");
  EXPECT_EQ(back.announce_endpoint, s.announce_endpoint);
  EXPECT_EQ(back.ttl, s.ttl);
}

TEST(AnnouncementCodec, RejectsHostileInputWithoutThrowing) {
  const std::string good_stream = R"({"stream":"news","state":"live","last_sequence":1})";
  auto announce = [&](const std::string& endpoint, const std::string& serial, const std::string& ttl,
                      const std::string& streams) {
    return R"({"kind":"announce","ingest":"i1","content_endpoint":)" + endpoint + R"(,"serial":)" + serial +
           R"(,"ttl_ns":)" + ttl + R"(,"streams":)" + streams + "}";
  };
  // The template itself is valid.
  ASSERT_TRUE(DecodeAnnouncementMessage(announce(R"("10.0.0.1:80")", "1", "1000", "[" + good_stream + "]")));

  const std::vector<std::string> hostile = {
      "",
      "null",
      "[]",
      "{",
      "\"announce\"",
      std::string("{\"kind\":\"announce\"\0}", 20),
      R"({"kind":"announce"})",                                   // members missing
      R"({"kind":"gossip","node":"x","announce_endpoint":"1.2.3.4:5","ttl_ns":1})",
      R"({"kind":7,"node":"x","announce_endpoint":"1.2.3.4:5","ttl_ns":1})",
      R"({"node":"x","announce_endpoint":"1.2.3.4:5","ttl_ns":1})",  // no kind
      R"({"kind":"subscribe","node":"","announce_endpoint":"1.2.3.4:5","ttl_ns":1})",   // empty id
      R"({"kind":"subscribe","node":"x","announce_endpoint":"1.2.3.4:5","ttl_ns":1,"extra":1})",
      R"({"kind":"subscribe","node":"x","node":"y","announce_endpoint":"1.2.3.4:5","ttl_ns":1})",  // dup key
      R"({"kind":"subscribe","node":"x","announce_endpoint":"1.2.3.4:5","ttl_ns":-1})",
      R"({"kind":"subscribe","node":"x","announce_endpoint":"1.2.3.4:5","ttl_ns":1.5})",
      R"({"kind":"subscribe","node":"x","announce_endpoint":"1.2.3.4:5","ttl_ns":"1"})",
      R"({"kind":"subscribe","node":"x","announce_endpoint":"1.2.3.4:5","ttl_ns":86400000000001})",  // > 1 day
      R"({"kind":"subscribe","node":["x"],"announce_endpoint":"1.2.3.4:5","ttl_ns":1})",
      announce(R"("10.0.0.1:80")", "-1", "1000", "[]"),
      announce(R"("10.0.0.1:80")", "18446744073709551616", "1000", "[]"),  // 2^64
      announce(R"("10.0.0.1:80")", "1e3", "1000", "[]"),
      announce(R"("10.0.0.1:80")", "true", "1000", "[]"),
      announce(R"("10.0.0.1:80")", "1", "1000", "{}"),
      announce(R"("10.0.0.1:80")", "1", "1000", "[" + good_stream + "," + good_stream + "]"),  // same stream twice
      announce(R"("10.0.0.1:80")", "1", "1000", R"([{"stream":"news","state":"paused","last_sequence":1}])"),
      announce(R"("10.0.0.1:80")", "1", "1000", R"([{"stream":"news","state":"live","last_sequence":-5}])"),
      announce(R"("10.0.0.1:80")", "1", "1000", R"([{"stream":"news","state":"live"}])"),
      announce(R"("10.0.0.1:80")", "1", "1000", R"([{"stream":"","state":"live","last_sequence":1}])"),
      announce(R"("10.0.0.1:80")", "1", "1000", "[1]"),
      announce(R"("10.0.0.1:80")", "1", "1000", "[null]"),
      announce(R"({"address":"10.0.0.1","port":80})", "1", "1000", "[]"),
      announce(R"("10.0.0.1")", "1", "1000", "[]"),
      announce(R"("10.0.0.1:")", "1", "1000", "[]"),
      announce(R"("10.0.0.1:65536")", "1", "1000", "[]"),
      announce(R"("10.0.0.1:-1")", "1", "1000", "[]"),
      announce(R"("10.0.0.1:080")", "1", "1000", "[]"),
      announce(R"("10.0.0.256:80")", "1", "1000", "[]"),
      announce(R"("10.0.0:80")", "1", "1000", "[]"),
      announce(R"("10.0.0.1.2:80")", "1", "1000", "[]"),
      announce(R"("10..0.1:80")", "1", "1000", "[]"),
      announce(R"("010.0.0.1:80")", "1", "1000", "[]"),
      announce(R"(" 10.0.0.1:80")", "1", "1000", "[]"),
      announce(R"("a.b.c.d:80")", "1", "1000", "[]"),
      announce(R"("10.0.0.1:8x")", "1", "1000", "[]"),
      announce("10", "1", "1000", "[]"),
      std::string(70000, ' ') + "{}",  // over one datagram
      std::string(20000, '[') + std::string(20000, ']'),
  };
  for (const std::string& text : hostile) {
    std::optional<AnnouncementMessage> decoded;
    EXPECT_NO_THROW(decoded = DecodeAnnouncementMessage(text)) << text.substr(0, 120);
    EXPECT_FALSE(decoded.has_value()) << text.substr(0, 120);
  }
}

TEST(AnnouncementCodec, SurvivesMutatedValidMessages) {
  // Flip, drop and insert bytes of a valid message: never a throw, and whatever decodes
  // re-encodes to a message that decodes to the same thing.
  const std::string valid =
      EncodeAnnouncementMessage(Announcement("ingest-1", 7, {Live("news", 42), Live("sport", 9)}));
  std::uint64_t state = 99;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string text = valid;
    const int edits = 1 + static_cast<int>(next() % 4);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = next() % text.size();
      switch (next() % 3) {
        case 0: text[at] = static_cast<char>(next() % 256); break;
        case 1: text.erase(at, 1); break;
        default: text.insert(at, 1, static_cast<char>(next() % 256)); break;
      }
    }
    std::optional<AnnouncementMessage> decoded;
    ASSERT_NO_THROW(decoded = DecodeAnnouncementMessage(text)) << text;
    if (decoded) {
      const auto again = DecodeAnnouncementMessage(EncodeAnnouncementMessage(*decoded));
      ASSERT_TRUE(again) << text;
      EXPECT_EQ(EncodeAnnouncementMessage(*again), EncodeAnnouncementMessage(*decoded));
    }
  }
}

// ---------------------------------------------------------------------------------------
// Announcer

class AnnouncerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const Endpoint& relay : {At(10), At(11)}) {
      rt_.Bind(relay, [this, relay](const Endpoint& from, const Bytes& payload) {
        const auto decoded = DecodeAnnouncementMessage(std::string(payload.begin(), payload.end()));
        ASSERT_TRUE(decoded);
        received_.push_back({relay, from, rt_.Now(), std::get<StreamAnnouncement>(*decoded)});
      });
    }
  }
  std::unique_ptr<StreamAnnouncer> Make(Duration stopped_linger = FromMillis(1500)) {
    AnnouncerConfig config;
    config.interval = FromSeconds(1);
    config.ttl = FromSeconds(3);
    config.stopped_linger = stopped_linger;
    return std::make_unique<StreamAnnouncer>("ingest-1", At(1), At(1, 8080), std::vector<Endpoint>{At(10), At(11)},
                                             config, rt_, rt_, metrics_);
  }
  struct Received {
    Endpoint relay;
    Endpoint from;
    SimTime at;
    StreamAnnouncement announcement;
  };
  std::vector<Received> AtRelay(const Endpoint& relay) const {
    std::vector<Received> out;
    for (const auto& r : received_) {
      if (r.relay == relay) out.push_back(r);
    }
    return out;
  }

  ManualRuntime rt_;
  RecordingMetricsSink metrics_;
  std::vector<Received> received_;
};

TEST_F(AnnouncerTest, HeartbeatsTheFullSetWithIncreasingSerials) {
  auto announcer = Make();
  announcer->StreamLive("news", 0);  // before Start: goes out with the first announcement
  announcer->Start();
  rt_.RunUntil(FromMillis(3500));
  const auto at_a = AtRelay(At(10));
  ASSERT_EQ(at_a.size(), 4u);  // t = 0 (start), 1, 2, 3 s
  for (std::size_t i = 0; i < at_a.size(); ++i) {
    EXPECT_EQ(at_a[i].at, FromSeconds(static_cast<double>(i)) + FromMillis(10));
    EXPECT_EQ(at_a[i].from, At(1));
    EXPECT_EQ(at_a[i].announcement.serial, i + 1);
    EXPECT_EQ(at_a[i].announcement.ingest, "ingest-1");
    EXPECT_EQ(at_a[i].announcement.content_endpoint, At(1, 8080));
    EXPECT_EQ(at_a[i].announcement.ttl, FromSeconds(3));
    ASSERT_EQ(at_a[i].announcement.streams.size(), 1u);
    EXPECT_EQ(at_a[i].announcement.streams[0].stream, "news");
  }
  EXPECT_EQ(AtRelay(At(11)).size(), 4u);
  EXPECT_EQ(metrics_.Counter(sm::kAnnouncementsSent), 8);
}

TEST_F(AnnouncerTest, NewStreamAndStopAnnounceAtOnceProgressWaitsForTheHeartbeat) {
  auto announcer = Make();
  announcer->Start();
  rt_.RunUntil(FromMillis(1200));  // t = 0 and 1 s: empty set
  ASSERT_EQ(AtRelay(At(10)).size(), 2u);
  EXPECT_TRUE(AtRelay(At(10))[1].announcement.streams.empty());

  announcer->StreamLive("news", 5);  // new: at once (t = 1.2 s)
  rt_.RunUntil(FromMillis(1300));
  auto at_a = AtRelay(At(10));
  ASSERT_EQ(at_a.size(), 3u);
  EXPECT_EQ(at_a[2].at, FromMillis(1210));
  EXPECT_EQ(at_a[2].announcement.serial, 3u);
  ASSERT_EQ(at_a[2].announcement.streams.size(), 1u);
  EXPECT_EQ(at_a[2].announcement.streams[0].last_sequence, 5u);

  announcer->StreamLive("news", 6);  // progress: no extra datagram
  announcer->StreamLive("news", 7);
  rt_.RunUntil(FromMillis(1900));
  EXPECT_EQ(AtRelay(At(10)).size(), 3u);
  rt_.RunUntil(FromMillis(2100));  // the 2 s heartbeat carries it
  at_a = AtRelay(At(10));
  ASSERT_EQ(at_a.size(), 4u);
  EXPECT_EQ(at_a[3].announcement.streams[0].last_sequence, 7u);

  announcer->StreamLive("sport", 1);
  announcer->StreamStopped("news");  // at once, as "stopped"...
  announcer->StreamStopped("unknown");  // nothing to say
  rt_.RunUntil(FromMillis(2900));
  at_a = AtRelay(At(10));
  ASSERT_EQ(at_a.size(), 6u);
  ASSERT_EQ(at_a[5].announcement.streams.size(), 2u);
  EXPECT_EQ(at_a[5].announcement.streams[0].stream, "news");
  EXPECT_EQ(at_a[5].announcement.streams[0].state, StreamState::kStopped);
  rt_.RunUntil(FromMillis(3100));  // ...in every heartbeat for the linger (1.5 s, to 3.6 s)...
  at_a = AtRelay(At(10));
  ASSERT_EQ(at_a.size(), 7u);
  ASSERT_EQ(at_a[6].announcement.streams.size(), 2u);
  EXPECT_EQ(at_a[6].announcement.streams[0].state, StreamState::kStopped);
  EXPECT_EQ(at_a[6].announcement.streams[0].last_sequence, 7u);
  announcer->StreamStopped("news");  // again: nothing to say, and the linger is not extended
  rt_.RunUntil(FromMillis(4100));  // ...then simply absent from the full set
  at_a = AtRelay(At(10));
  ASSERT_EQ(at_a.size(), 8u);
  ASSERT_EQ(at_a[7].announcement.streams.size(), 1u);
  EXPECT_EQ(at_a[7].announcement.streams[0].stream, "sport");
  // Serials strictly increase across every announcement.
  for (std::size_t i = 1; i < at_a.size(); ++i) EXPECT_GT(at_a[i].announcement.serial, at_a[i - 1].announcement.serial);
}

TEST_F(AnnouncerTest, AStreamStartedAgainWithinItsLingerIsLiveAndStays) {
  auto announcer = Make(FromSeconds(5));
  announcer->Start();
  announcer->StreamLive("news", 3);
  rt_.RunUntil(FromMillis(1500));
  announcer->StreamStopped("news");
  rt_.RunUntil(FromMillis(2500));
  announcer->StreamLive("news", 4);  // the publisher is back: live at once
  rt_.RunUntil(FromMillis(2600));
  auto at_a = AtRelay(At(10));
  EXPECT_EQ(at_a.back().at, FromMillis(2510));
  ASSERT_EQ(at_a.back().announcement.streams.size(), 1u);
  EXPECT_EQ(at_a.back().announcement.streams[0].state, StreamState::kLive);
  EXPECT_EQ(at_a.back().announcement.streams[0].last_sequence, 4u);
  rt_.RunUntil(FromSeconds(10));  // past the old linger (6.5 s): still there, live
  at_a = AtRelay(At(10));
  ASSERT_EQ(at_a.back().announcement.streams.size(), 1u);
  EXPECT_EQ(at_a.back().announcement.streams[0].state, StreamState::kLive);
}

TEST_F(AnnouncerTest, SilencedWhileAStreamLingersItIsNotAnnouncedAfterARestart) {
  auto announcer = Make(FromSeconds(60));
  announcer->Start();
  announcer->StreamLive("news", 3);
  announcer->StreamLive("sport", 1);
  announcer->StreamStopped("news");
  rt_.RunFor(FromMillis(100));
  announcer->Stop();
  EXPECT_EQ(rt_.PendingEvents(), 0u);  // the linger timer went with it
  announcer->Start();
  rt_.RunFor(FromMillis(100));
  const auto at_a = AtRelay(At(10));
  ASSERT_EQ(at_a.back().announcement.streams.size(), 1u);
  EXPECT_EQ(at_a.back().announcement.streams[0].stream, "sport");
  announcer.reset();
  EXPECT_EQ(rt_.PendingEvents(), 0u);
}

TEST_F(AnnouncerTest, StopSilencesAndRestartKeepsSerialsIncreasing) {
  auto announcer = Make();
  announcer->Start();
  announcer->StreamLive("news", 1);
  rt_.RunUntil(FromMillis(1500));
  announcer->Stop();
  const auto before = AtRelay(At(10)).size();
  announcer->StreamLive("sport", 1);  // held, not sent
  rt_.RunUntil(FromSeconds(10));
  EXPECT_EQ(AtRelay(At(10)).size(), before);
  EXPECT_EQ(rt_.PendingEvents(), 0u);
  const auto last_serial = AtRelay(At(10)).back().announcement.serial;
  announcer->Start();
  rt_.RunFor(FromMillis(100));
  const auto after = AtRelay(At(10));
  ASSERT_EQ(after.size(), before + 1);
  EXPECT_GT(after.back().announcement.serial, last_serial);
  EXPECT_EQ(after.back().announcement.streams.size(), 2u);
  announcer.reset();  // destructor stops: no timer left behind
  rt_.RunFor(FromSeconds(5));
  EXPECT_EQ(AtRelay(At(10)).size(), before + 1);
  EXPECT_EQ(rt_.PendingEvents(), 0u);
}

// ---------------------------------------------------------------------------------------
// Directory

TEST(StreamDirectoryTest, LearnsFromAnnouncementsAndExpires) {
  StreamDirectory dir;
  const SimTime t0 = FromSeconds(10);
  EXPECT_EQ(dir.Locate("news", t0), std::nullopt);
  EXPECT_TRUE(dir.Apply(Announcement("ingest-a", 1, {Live("news", 4), Live("sport", 2)}), t0));
  EXPECT_EQ(dir.LiveStreams(t0), (std::vector<StreamId>{"news", "sport"}));
  const auto loc = dir.Locate("news", t0 + FromSeconds(1));
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->ingest, "ingest-a");
  EXPECT_EQ(loc->last_sequence, 4u);
  EXPECT_EQ(loc->learned_at, t0);
  EXPECT_EQ(loc->expires_at, t0 + FromSeconds(3));
  // Expiry = arrival + ttl; expired at exactly that instant.
  EXPECT_TRUE(dir.Locate("news", t0 + FromSeconds(3) - Duration{1}));
  EXPECT_EQ(dir.Locate("news", t0 + FromSeconds(3)), std::nullopt);
  EXPECT_EQ(dir.Size(t0 + FromSeconds(3)), 0u);

  // A heartbeat refreshes; progress alone is not a location change.
  StreamDirectory fresh;
  fresh.Apply(Announcement("ingest-a", 1, {Live("news", 4)}), t0);
  EXPECT_FALSE(fresh.Apply(Announcement("ingest-a", 2, {Live("news", 5)}), t0 + FromSeconds(2)));
  const auto refreshed = fresh.Locate("news", t0 + FromSeconds(4));
  ASSERT_TRUE(refreshed);
  EXPECT_EQ(refreshed->last_sequence, 5u);
  EXPECT_EQ(refreshed->expires_at, t0 + FromSeconds(5));
}

TEST(StreamDirectoryTest, AnAnnouncementReplacesTheIngestsSet) {
  StreamDirectory dir;
  dir.Apply(Announcement("ingest-a", 1, {Live("news"), Live("sport")}), FromSeconds(1));
  // "sport" dropped: gone. "news" stopped: no longer live, but still located, as ended there.
  EXPECT_TRUE(dir.Apply(Announcement("ingest-a", 2, {AnnouncedStream{"news", StreamState::kStopped, 3}}),
                        FromSeconds(2)));
  const auto news = dir.Locate("news", FromSeconds(2));
  ASSERT_TRUE(news);
  EXPECT_EQ(news->state, StreamState::kStopped);
  EXPECT_EQ(news->ingest, "ingest-a");
  EXPECT_EQ(news->last_sequence, 3u);
  EXPECT_EQ(dir.Locate("sport", FromSeconds(2)), std::nullopt);
  EXPECT_TRUE(dir.LiveStreams(FromSeconds(2)).empty());
  EXPECT_EQ(dir.Size(FromSeconds(2)), 0u);
  // Then left out of the set: gone too.
  EXPECT_TRUE(dir.Apply(Announcement("ingest-a", 3, {}), FromSeconds(3)));
  EXPECT_EQ(dir.Locate("news", FromSeconds(3)), std::nullopt);
}

TEST(StreamDirectoryTest, AStopIsAChangeAndTellsAnEndedStreamFromAFailedIngest) {
  StreamDirectory ended, failed;
  const SimTime t0 = FromSeconds(10);
  for (StreamDirectory* dir : {&ended, &failed}) dir->Apply(Announcement("ingest-a", 1, {Live("news", 8)}), t0);
  // The ingest says the stream ended, and keeps saying so in its heartbeats.
  EXPECT_TRUE(ended.Apply(Announcement("ingest-a", 2, {AnnouncedStream{"news", StreamState::kStopped, 9}}),
                          t0 + FromSeconds(1)));
  EXPECT_FALSE(ended.Apply(Announcement("ingest-a", 3, {AnnouncedStream{"news", StreamState::kStopped, 9}}),
                           t0 + FromSeconds(2)));
  // Long past the first ttl, the ended stream is located as stopped; the silent ingest's
  // stream is simply gone.
  const SimTime later = t0 + FromSeconds(4);
  const auto located = ended.Locate("news", later);
  ASSERT_TRUE(located);
  EXPECT_EQ(located->state, StreamState::kStopped);
  EXPECT_EQ(located->last_sequence, 9u);
  EXPECT_EQ(failed.Locate("news", later), std::nullopt);
}

TEST(StreamDirectoryTest, ALiveClaimWinsOverAStoppedOne) {
  StreamDirectory dir;
  // news ended on ingest-a while it plays on ingest-b (started there earlier): the live one.
  dir.Apply(Announcement("ingest-b", 1, {Live("news", 4)}), FromSeconds(1));
  dir.Apply(Announcement("ingest-a", 1, {AnnouncedStream{"news", StreamState::kStopped, 2}}), FromSeconds(2));
  auto loc = dir.Locate("news", FromSeconds(2));
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->ingest, "ingest-b");
  EXPECT_EQ(loc->state, StreamState::kLive);
  // Once ingest-b ends it too, the most recently heard stopped claim names where it ended.
  EXPECT_TRUE(dir.Apply(Announcement("ingest-b", 2, {AnnouncedStream{"news", StreamState::kStopped, 5}}),
                        FromSeconds(2.5)));
  loc = dir.Locate("news", FromSeconds(2.5));
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->ingest, "ingest-b");
  EXPECT_EQ(loc->state, StreamState::kStopped);
  // And a stream started again anywhere is live again.
  EXPECT_TRUE(dir.Apply(Announcement("ingest-a", 2, {Live("news", 6)}), FromSeconds(3)));
  loc = dir.Locate("news", FromSeconds(3));
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->ingest, "ingest-a");
  EXPECT_EQ(loc->state, StreamState::kLive);
}

TEST(StreamDirectoryTest, IgnoresStaleSerialsUntilTheIngestHasExpired) {
  StreamDirectory dir;
  dir.Apply(Announcement("ingest-a", 5, {Live("news")}), FromSeconds(1));
  EXPECT_FALSE(dir.Accepts(Announcement("ingest-a", 5, {}), FromSeconds(2)));
  EXPECT_FALSE(dir.Apply(Announcement("ingest-a", 5, {}), FromSeconds(2)));  // duplicate
  EXPECT_FALSE(dir.Apply(Announcement("ingest-a", 3, {}), FromSeconds(2)));  // reordered, older
  EXPECT_TRUE(dir.Locate("news", FromSeconds(2)));
  EXPECT_EQ(dir.Locate("news", FromSeconds(2))->expires_at, FromSeconds(4));  // not refreshed by them
  // Another ingest's serials are its own.
  EXPECT_TRUE(dir.Apply(Announcement("ingest-b", 1, {Live("sport")}), FromSeconds(2)));
  // After ingest-a has aged out, a restarted ingest-a (serial 1 again) is heard.
  EXPECT_TRUE(dir.Apply(Announcement("ingest-a", 1, {Live("weather")}), FromSeconds(5)));
  EXPECT_TRUE(dir.Locate("weather", FromSeconds(5)));
  EXPECT_EQ(dir.Locate("news", FromSeconds(5)), std::nullopt);
}

TEST(StreamDirectoryTest, NewestClaimWinsWhenAStreamMovesBetweenIngests) {
  StreamDirectory dir;
  dir.Apply(Announcement("ingest-b", 1, {Live("news", 10)}), FromSeconds(1));
  // ingest-b dies; the publisher reconnects to ingest-a, which announces at 2.5 s while
  // ingest-b's entry is still unexpired (until 4 s).
  EXPECT_TRUE(dir.Apply(Announcement("ingest-a", 1, {Live("news", 11)}), FromMillis(2500)));
  auto loc = dir.Locate("news", FromMillis(2600));
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->ingest, "ingest-a");
  EXPECT_EQ(loc->content_endpoint, Announcement("ingest-a", 0, {}).content_endpoint);
  EXPECT_FALSE(loc->content_endpoint == Announcement("ingest-b", 0, {}).content_endpoint);

  // Even if ingest-b was only cut off from the balancer and keeps heartbeating its stale
  // copy, the newer claim (ingest-a) keeps winning: no flapping with each heartbeat.
  EXPECT_FALSE(dir.Apply(Announcement("ingest-b", 2, {Live("news", 10)}), FromMillis(2700)));
  EXPECT_EQ(dir.Locate("news", FromMillis(2800))->ingest, "ingest-a");
  EXPECT_FALSE(dir.Apply(Announcement("ingest-a", 2, {Live("news", 12)}), FromMillis(3500)));
  EXPECT_FALSE(dir.Apply(Announcement("ingest-b", 3, {Live("news", 10)}), FromMillis(3700)));
  EXPECT_EQ(dir.Locate("news", FromMillis(3800))->ingest, "ingest-a");

  // ingest-a stops it; ingest-b's claim is all that is left.
  EXPECT_TRUE(dir.Apply(Announcement("ingest-a", 3, {}), FromMillis(3900)));
  EXPECT_EQ(dir.Locate("news", FromMillis(3900))->ingest, "ingest-b");
  // And once the stream comes back to ingest-a, that new claim wins again.
  EXPECT_TRUE(dir.Apply(Announcement("ingest-a", 4, {Live("news", 20)}), FromMillis(4000)));
  EXPECT_EQ(dir.Locate("news", FromMillis(4000))->ingest, "ingest-a");
}

TEST(StreamDirectoryTest, TiesGoToTheHigherSerial) {
  StreamDirectory dir;
  dir.Apply(Announcement("ingest-a", 9, {Live("news")}), FromSeconds(1));
  dir.Apply(Announcement("ingest-b", 2, {Live("news")}), FromSeconds(1));
  EXPECT_EQ(dir.Locate("news", FromSeconds(1))->ingest, "ingest-a");
}

// ---------------------------------------------------------------------------------------
// Directory node: ingest -> mid-tier relay -> edges

class DirectoryNodeTest : public ::testing::Test {
 protected:
  std::unique_ptr<StreamDirectoryNode> Node(const std::string& name, Endpoint local, std::optional<Endpoint> parent) {
    StreamDirectoryNode::Config config;
    config.node = name;
    config.local = local;
    config.parent = parent;
    config.subscribe_interval = FromSeconds(1);
    config.subscribe_ttl = FromSeconds(3);
    return std::make_unique<StreamDirectoryNode>(config, rt_, rt_, rt_, metrics_);
  }
  std::unique_ptr<StreamAnnouncer> Announcer(const std::string& ingest, std::uint32_t host, Endpoint relay) {
    return std::make_unique<StreamAnnouncer>(ingest, At(host), At(host, 8080), std::vector<Endpoint>{relay},
                                             AnnouncerConfig{}, rt_, rt_, metrics_);
  }
  ManualRuntime rt_;
  RecordingMetricsSink metrics_;
};

TEST_F(DirectoryNodeTest, RelaysAnnouncementsToSubscribedEdges) {
  auto mid = Node("mid", At(20), std::nullopt);
  auto edge1 = Node("edge-1", At(30), At(20));
  auto edge2 = Node("edge-2", At(31), At(20));
  std::vector<std::string> edge1_changes;
  edge1->OnChange([&](const StreamAnnouncement& a) { edge1_changes.push_back(a.ingest); });
  mid->Start();
  edge1->Start();
  edge2->Start();
  rt_.RunFor(FromMillis(50));  // subscriptions arrive

  auto ingest = Announcer("ingest-a", 1, At(20));
  ingest->Start();
  ingest->StreamLive("news", 3);
  rt_.RunFor(FromMillis(100));  // ingest -> mid (10 ms) -> edges (10 ms)
  for (auto* node : {mid.get(), edge1.get(), edge2.get()}) {
    const auto loc = node->Directory().Locate("news", rt_.Now());
    ASSERT_TRUE(loc);
    EXPECT_EQ(loc->ingest, "ingest-a");
    EXPECT_EQ(loc->content_endpoint, At(1, 8080));
  }
  EXPECT_EQ(edge1_changes, (std::vector<std::string>{"ingest-a"}));

  // Heartbeats keep it alive for as long as the ingest runs, through the relay.
  rt_.RunFor(FromSeconds(20));
  EXPECT_TRUE(edge2->Directory().Locate("news", rt_.Now()));
  EXPECT_EQ(edge1_changes.size(), 1u);  // heartbeats are not changes

  // The ingest dies: every edge forgets the stream within the ttl, nobody reconfigured.
  ingest->Stop();
  const SimTime died = rt_.Now();
  rt_.RunFor(FromMillis(3100));
  EXPECT_EQ(edge1->Directory().Locate("news", rt_.Now()), std::nullopt);
  EXPECT_EQ(edge2->Directory().Locate("news", rt_.Now()), std::nullopt);
  EXPECT_EQ(mid->Directory().Locate("news", rt_.Now()), std::nullopt);
  EXPECT_LE(rt_.Now() - died, FromMillis(3100));
}

TEST_F(DirectoryNodeTest, AnEdgeLearnsAStreamOnlyFromAnnouncements) {
  auto mid = Node("mid", At(20), std::nullopt);
  auto edge = Node("edge-1", At(30), At(20));
  mid->Start();
  edge->Start();
  // An ingest holding a stream but announcing to nobody (no relay configured) stays unknown.
  StreamAnnouncer silent("ingest-x", At(2), At(2, 8080), {}, AnnouncerConfig{}, rt_, rt_, metrics_);
  silent.Start();
  silent.StreamLive("secret", 1);
  rt_.RunFor(FromSeconds(5));
  EXPECT_EQ(edge->Directory().Locate("secret", rt_.Now()), std::nullopt);
  EXPECT_TRUE(edge->Directory().LiveStreams(rt_.Now()).empty());
  // A new ingest that names the relay is assimilated without touching the edge or the mid.
  auto added = Announcer("ingest-new", 3, At(20));
  added->Start();
  added->StreamLive("fresh", 0);
  rt_.RunFor(FromMillis(100));
  ASSERT_TRUE(edge->Directory().Locate("fresh", rt_.Now()));
  EXPECT_EQ(edge->Directory().Locate("fresh", rt_.Now())->ingest, "ingest-new");
}

TEST_F(DirectoryNodeTest, SubscriptionsExpireUnlessRefreshed) {
  auto mid = Node("mid", At(20), std::nullopt);
  auto edge = Node("edge-1", At(30), At(20));
  mid->Start();
  edge->Start();
  auto ingest = Announcer("ingest-a", 1, At(20));
  ingest->Start();
  ingest->StreamLive("news", 0);
  rt_.RunFor(FromSeconds(2));
  ASSERT_TRUE(edge->Directory().Locate("news", rt_.Now()));

  // The edge stops (no more subscribe refreshes): the relay stops sending to it after the
  // subscription ttl, so its directory ages out although the stream is still announced.
  edge->Stop();
  std::uint64_t to_edge = 0;
  rt_.SetDropRule([&](const Endpoint&, const Endpoint& to, const Bytes&) {
    if (to == At(30)) ++to_edge;
    return false;
  });
  rt_.RunFor(FromSeconds(3));  // the last refresh (t = 2 s) is good until 5 s
  const auto sent_while_valid = to_edge;
  EXPECT_GT(sent_while_valid, 0u);
  rt_.RunFor(FromSeconds(5));
  EXPECT_EQ(to_edge, sent_while_valid);  // dropped from the relay's subscribers
  // It comes back: subscribes at once and learns the stream with the next heartbeat.
  edge->Start();
  rt_.RunFor(FromMillis(1100));
  EXPECT_TRUE(edge->Directory().Locate("news", rt_.Now()));
}

TEST_F(DirectoryNodeTest, SubscribesToItsParentEveryInterval) {
  std::vector<std::pair<SimTime, AnnouncementSubscribe>> seen;
  rt_.Bind(At(20), [&](const Endpoint& from, const Bytes& payload) {
    const auto m = DecodeAnnouncementMessage(std::string(payload.begin(), payload.end()));
    ASSERT_TRUE(m);
    seen.emplace_back(rt_.Now(), std::get<AnnouncementSubscribe>(*m));
    EXPECT_EQ(from, At(30));
  });
  auto edge = Node("edge-1", At(30), At(20));
  edge->Start();
  rt_.RunUntil(FromMillis(3500));
  ASSERT_EQ(seen.size(), 4u);  // 0, 1, 2, 3 s
  EXPECT_EQ(seen[3].first, FromMillis(3010));
  EXPECT_EQ(seen[0].second.node, "edge-1");
  EXPECT_EQ(seen[0].second.announce_endpoint, At(30));
  EXPECT_EQ(seen[0].second.ttl, FromSeconds(3));
  edge->Stop();
  rt_.RunFor(FromSeconds(5));
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_EQ(rt_.PendingEvents(), 0u);
}

TEST_F(DirectoryNodeTest, RejectsGarbageAndDoesNotRelayStaleAnnouncements) {
  auto mid = Node("mid", At(20), std::nullopt);
  auto edge = Node("edge-1", At(30), At(20));
  mid->Start();
  edge->Start();
  rt_.RunFor(FromMillis(50));
  rt_.Bind(At(1), [](const Endpoint&, const Bytes&) {});
  rt_.Send(At(1), At(20), ToBytes("not json"));
  rt_.Send(At(1), At(20), ToBytes(R"({"kind":"announce"})"));
  rt_.Send(At(1), At(20), Bytes{0xff, 0xfe, 0x00});
  rt_.RunFor(FromMillis(50));
  EXPECT_EQ(metrics_.Counter(sm::kAnnouncementsRejected), 3);

  const std::string fresh = EncodeAnnouncementMessage(Announcement("ingest-a", 5, {Live("news")}));
  const std::string stale = EncodeAnnouncementMessage(Announcement("ingest-a", 4, {Live("old")}));
  std::uint64_t relayed = 0;
  rt_.SetDropRule([&](const Endpoint& from, const Endpoint& to, const Bytes&) {
    relayed += from == At(20) && to == At(30);
    return false;
  });
  rt_.Send(At(1), At(20), ToBytes(fresh));
  rt_.RunFor(FromMillis(50));
  rt_.Send(At(1), At(20), ToBytes(fresh));  // duplicate
  rt_.Send(At(1), At(20), ToBytes(stale));  // older
  rt_.RunFor(FromMillis(50));
  EXPECT_EQ(relayed, 1u);
  EXPECT_TRUE(edge->Directory().Locate("news", rt_.Now()));
  EXPECT_EQ(edge->Directory().Locate("old", rt_.Now()), std::nullopt);
}

TEST_F(DirectoryNodeTest, ThreeTiersRelayAndARelayLoopEnds) {
  // ingest -> shield -> mid -> edge; and a misconfigured shield that also subscribes to the
  // mid (a loop) must not make announcements circulate forever.
  auto shield = Node("shield", At(20), At(21));
  auto mid = Node("mid", At(21), At(20));
  auto edge = Node("edge", At(30), At(21));
  shield->Start();
  mid->Start();
  edge->Start();
  rt_.RunFor(FromMillis(50));
  auto ingest = Announcer("ingest-a", 1, At(20));
  ingest->Start();
  ingest->StreamLive("news", 0);
  rt_.RunFor(FromMillis(100));
  EXPECT_TRUE(edge->Directory().Locate("news", rt_.Now()));
  ingest->Stop();
  const auto sent = rt_.DatagramsSent();
  rt_.RunFor(FromSeconds(10));
  // Only the periodic subscriptions remain: 3 nodes x 10 s / 1 s.
  EXPECT_EQ(rt_.DatagramsSent() - sent, 30u);
}

}  // namespace
}  // namespace cdnlab
