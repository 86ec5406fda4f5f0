// The live caches' HTTP front, in process on loopback: an ingest (fed by PUTs as ffmpeg
// sends them) announcing to a mid-tier cache, and an edge below the mid. Status codes,
// media types and Cache-Control of the edge and the mid, hits after misses, HEAD, the
// ingest's own answers to uploads it cannot take, and a stream whose publisher ends it; fMP4
// (init.mp4, seg-<n>.m4s, EXT-X-MAP) and EXT-X-PROGRAM-DATE-TIME through both tiers; CORS,
// preflights, byte ranges and Age as browsers and players use them.
#include "realnet/streaming/cache_service.h"

#include <chrono>
#include <future>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "realnet/net/asio_clock.h"
#include "realnet/net/asio_datagram_transport.h"
#include "realnet/streaming/ingest_service.h"
#include "realnet/streaming/m3u8_reader.h"
#include "tests/realnet/streaming/test_support.h"

namespace cdnlab {
namespace {

using testing::Eventually;
using testing::Http;
using testing::Loopback;
using testing::RawHttp;

std::string SegmentBytes(int n) { return std::string(1000 + n, static_cast<char>('a' + n)) + std::string(1, '\0'); }

std::string FfmpegPlaylist(int first, int count, bool ended = false) {
  std::string out = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:" +
                    std::to_string(first) + "\n";
  for (int n = first; n < first + count; ++n) out += "#EXTINF:1.000000,\nseg-" + std::to_string(n) + ".ts\n";
  return out + (ended ? "#EXT-X-ENDLIST\n" : "");
}

class StreamingCacheServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Endpoint mid_announce = Loopback(testing::FreeUdpPort());
    IngestServiceConfig ic;
    ic.id = "ingest-1";
    ic.http = Loopback(0);
    ic.health = Loopback(testing::FreeUdpPort());
    ic.announce_from = Loopback(0);  // (one port-0 binding per transport)
    ic.relays = {mid_announce};
    ic.ingest.target_duration = FromSeconds(1);
    ic.publisher_idle = FromSeconds(2);
    ingest_ = std::make_unique<IngestService>(io_, clock_, transport_, metrics_, ic, Log());
    ingest_->Start();

    CacheServiceConfig mc;
    mc.id = "mid-1";
    mc.tier = CacheTier::kMid;
    mc.http = Loopback(0);
    mc.announce = mid_announce;
    mc.cors_origins = {"*"};
    mid_ = std::make_unique<CacheService>(io_, clock_, transport_, metrics_, mc, Log());
    mid_->Start();

    CacheServiceConfig ec;
    ec.id = "edge-1";
    ec.tier = CacheTier::kEdge;
    ec.http = Loopback(0);
    ec.announce = Loopback(testing::FreeUdpPort());
    ec.parent = Loopback(mid_->HttpPort());
    ec.parent_announce = mid_announce;
    ec.cors_origins = {"https://player.example", "http://127.0.0.1:8080"};
    edge_ = std::make_unique<CacheService>(io_, clock_, transport_, metrics_, ec, Log());
    edge_->Start();
    loop_ = std::thread([this] { io_.run(); });
  }

  void TearDown() override {
    if (!loop_.joinable()) return;
    boost::asio::post(io_, [this] {
      edge_->Stop();
      mid_->Stop();
      ingest_->Stop();
      work_.reset();
      io_.stop();
    });
    loop_.join();
  }

  static CacheService::Log Log() {
    return [](const std::string& line) { std::cerr << line << std::endl; };
  }

  // Uploads segments [0, count) and a playlist listing them, as ffmpeg would.
  void Publish(int count) {
    for (int n = 0; n < count; ++n) {
      const std::string target = "/news/seg-" + std::to_string(n) + ".ts";
      ASSERT_EQ(Http(ingest_->HttpPort(), "PUT", target, SegmentBytes(n)).status, 201);
    }
    ASSERT_EQ(Http(ingest_->HttpPort(), "PUT", "/news/playlist.m3u8", FfmpegPlaylist(0, count)).status, 204);
  }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  AsioClock clock_{io_};
  AsioDatagramTransport transport_{io_};
  NullMetricsSink metrics_;
  std::unique_ptr<IngestService> ingest_;
  std::unique_ptr<CacheService> mid_;
  std::unique_ptr<CacheService> edge_;
  std::thread loop_;
};

TEST_F(StreamingCacheServiceTest, ServesPlaylistsAndSegmentsThroughBothTiers) {
  Publish(3);
  const std::uint16_t edge = edge_->HttpPort();
  ASSERT_TRUE(Eventually([&] { return Http(edge, "GET", "/news/playlist.m3u8").status == 200; }));

  const auto playlist = Http(edge, "GET", "/news/playlist.m3u8");
  EXPECT_EQ(playlist.Header("Content-Type"), "application/vnd.apple.mpegurl");
  EXPECT_EQ(playlist.Header("Cache-Control"), "public, max-age=1, stale-if-error=10");  // RFC 5861
  EXPECT_EQ(playlist.Header("X-Served-By"), "edge-1");
  const auto read = ReadM3u8(playlist.body, "news");
  ASSERT_TRUE(read) << playlist.body;
  ASSERT_EQ(read->segments.size(), 3u);
  EXPECT_EQ(read->segments[2].sequence, 2u);

  const auto miss = Http(edge, "GET", "/news/seg-1.ts");
  EXPECT_EQ(miss.status, 200);
  EXPECT_EQ(miss.body, SegmentBytes(1));
  EXPECT_EQ(miss.Header("Content-Type"), "video/mp2t");
  EXPECT_EQ(miss.Header("Cache-Control"), "public, max-age=300, immutable, stale-if-error=10");
  EXPECT_EQ(miss.Header("X-Cache"), "MISS");
  const auto hit = Http(edge, "GET", "/news/seg-1.ts?viewer=7");  // a query string changes nothing
  EXPECT_EQ(hit.status, 200);
  EXPECT_EQ(hit.body, SegmentBytes(1));
  EXPECT_EQ(hit.Header("X-Cache"), "HIT");

  const auto head = Http(edge, "HEAD", "/news/seg-2.ts");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("Content-Length"), std::to_string(SegmentBytes(2).size()));
  EXPECT_TRUE(head.body.empty());

  // The mid-tier answers the same way, from the ingest it learned from the announcement.
  const auto from_mid = Http(mid_->HttpPort(), "GET", "/news/seg-0.ts");
  EXPECT_EQ(from_mid.status, 200);
  EXPECT_EQ(from_mid.body, SegmentBytes(0));
  EXPECT_EQ(from_mid.Header("X-Served-By"), "mid-1");

  // Keep-alive: two requests on one connection.
  const std::string two = "GET /news/seg-1.ts HTTP/1.1\r\nHost: x\r\n\r\nGET /news/seg-1.ts HTTP/1.1\r\nHost: x\r\n"
                          "Connection: close\r\n\r\n";
  EXPECT_EQ(RawHttp(edge, two).status, 200);
}

TEST_F(StreamingCacheServiceTest, AnswersNotFoundBadRequestAndMethodNotAllowed) {
  Publish(2);
  const std::uint16_t edge = edge_->HttpPort();
  ASSERT_TRUE(Eventually([&] { return Http(edge, "GET", "/news/playlist.m3u8").status == 200; }));

  EXPECT_EQ(Http(edge, "GET", "/news/seg-999.ts").status, 404);     // not (yet) published
  EXPECT_EQ(Http(edge, "GET", "/other/playlist.m3u8").status, 404);  // no such stream
  EXPECT_EQ(Http(mid_->HttpPort(), "GET", "/other/seg-0.ts").status, 404);
  for (const char* target : {"/", "/news", "/news/", "/news/seg-abc.ts", "/news/seg-01.ts", "/news/seg--1.ts",
                             "/news/x.mp4", "/news/playlist.m3u", "/../news/seg-1.ts", "/a/b/seg-1.ts",
                             "/%6Eews/seg-1.ts", "/news/seg-99999999999999999999.ts", "*"}) {
    EXPECT_EQ(Http(edge, "GET", target).status, 400) << target;
  }
  const auto put = Http(edge, "PUT", "/news/seg-1.ts", "x");
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.Header("Allow"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(Http(edge, "DELETE", "/news/seg-1.ts").status, 405);
  EXPECT_EQ(RawHttp(edge, "NOT HTTP AT ALL\r\n\r\n").status, 400);
  const std::string huge_header = "X: " + std::string(20000, 'a') + "\r\n";
  EXPECT_EQ(RawHttp(edge, "GET /news/seg-1.ts HTTP/1.1\r\nHost: x\r\n" + huge_header + "\r\n").status, 431);
  // Still serving.
  EXPECT_EQ(Http(edge, "GET", "/news/seg-1.ts").status, 200);
}

TEST_F(StreamingCacheServiceTest, IngestTakesSegmentsInEitherOrderAndRefusesWhatItCannotServe) {
  const std::uint16_t ingest = ingest_->HttpPort();
  // The playlist naming segment 0 arrives before its bytes (ffmpeg does not wait for answers).
  EXPECT_EQ(Http(ingest, "PUT", "/live/playlist.m3u8", FfmpegPlaylist(0, 1)).status, 204);
  EXPECT_EQ(Http(ingest, "GET", "/live/playlist.m3u8").status, 404);
  EXPECT_EQ(Http(ingest, "PUT", "/live/seg-0.ts", SegmentBytes(0)).status, 201);
  const auto playlist = Http(ingest, "GET", "/live/playlist.m3u8");
  EXPECT_EQ(playlist.status, 200);
  EXPECT_EQ(playlist.Header("X-Served-By"), "ingest-1");
  EXPECT_EQ(Http(ingest, "GET", "/live/seg-0.ts").body, SegmentBytes(0));
  // Bytes without a playlist yet are not served.
  EXPECT_EQ(Http(ingest, "PUT", "/live/seg-1.ts", SegmentBytes(1)).status, 201);
  EXPECT_EQ(Http(ingest, "GET", "/live/seg-1.ts").status, 404);
  EXPECT_EQ(Http(ingest, "PUT", "/live/playlist.m3u8", FfmpegPlaylist(0, 2, true)).status, 204);
  EXPECT_EQ(Http(ingest, "GET", "/live/seg-1.ts").status, 200);
  EXPECT_NE(Http(ingest, "GET", "/live/playlist.m3u8").body.find("#EXT-X-ENDLIST"), std::string::npos);

  EXPECT_EQ(Http(ingest, "PUT", "/live/playlist.m3u8", "<html>").status, 400);
  EXPECT_EQ(Http(ingest, "PUT", "/live/playlist.m3u8", "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nx.ts\n").status,
            400);
  EXPECT_EQ(Http(ingest, "PUT", "/live/seg-5.ts", "").status, 400);
  EXPECT_EQ(Http(ingest, "PUT", "/live/other.mp4", "x").status, 400);
  EXPECT_EQ(Http(ingest, "POST", "/live/seg-5.ts", "x").status, 405);
  EXPECT_EQ(ingest_->SegmentsAccepted(), 2u);
}

TEST_F(StreamingCacheServiceTest, AnEndedStreamStaysServedWithEndlistThroughBothTiers) {
  Publish(3);
  const std::uint16_t edge = edge_->HttpPort();
  ASSERT_TRUE(Eventually([&] { return Http(edge, "GET", "/news/playlist.m3u8").status == 200; }));
  // ffmpeg's last upload: the final playlist, with EXT-X-ENDLIST. The ingest ends the stream
  // and announces it stopped; the caches must go on finding it, not answer 404.
  ASSERT_EQ(Http(ingest_->HttpPort(), "PUT", "/news/playlist.m3u8", FfmpegPlaylist(0, 3, true)).status, 204);
  ASSERT_TRUE(Eventually([&] {
    return Http(edge, "GET", "/news/playlist.m3u8").body.find("#EXT-X-ENDLIST") != std::string::npos;
  }));
  ASSERT_TRUE(Eventually([&] {
    std::promise<bool> stopped;  // the directory lives on the event loop's thread
    boost::asio::post(io_, [&] {
      const auto at = mid_->Directory().Locate("news", clock_.Now());
      stopped.set_value(at && at->state == StreamState::kStopped);
    });
    return stopped.get_future().get();
  }));
  // Past both tiers' playlist freshness (1 s): fetched again from the ingest, still ended.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const auto playlist = Http(edge, "GET", "/news/playlist.m3u8");
  EXPECT_EQ(playlist.status, 200);
  const auto read = ReadM3u8(playlist.body, "news");
  ASSERT_TRUE(read) << playlist.body;
  EXPECT_TRUE(read->ended);
  EXPECT_EQ(read->LastSequence(), 2u);
  const auto last = Http(edge, "GET", "/news/seg-2.ts");
  EXPECT_EQ(last.status, 200);
  EXPECT_EQ(last.body, SegmentBytes(2));
}

TEST_F(StreamingCacheServiceTest, AStreamWhosePublisherWentQuietEndsAtTheIngest) {
  Publish(2);
  const std::uint16_t ingest = ingest_->HttpPort();
  EXPECT_EQ(Http(ingest, "GET", "/news/playlist.m3u8").body.find("#EXT-X-ENDLIST"), std::string::npos);
  // No upload for publisher_idle (2 s): the ingest ends the stream (and announces it stopped).
  ASSERT_TRUE(Eventually(
      [&] { return Http(ingest, "GET", "/news/playlist.m3u8").body.find("#EXT-X-ENDLIST") != std::string::npos; }));
  // A later upload with newer segments starts it again.
  ASSERT_EQ(Http(ingest, "PUT", "/news/seg-2.ts", SegmentBytes(2)).status, 201);
  ASSERT_EQ(Http(ingest, "PUT", "/news/playlist.m3u8", FfmpegPlaylist(1, 2)).status, 204);
  const auto again = Http(ingest, "GET", "/news/playlist.m3u8");
  EXPECT_EQ(again.body.find("#EXT-X-ENDLIST"), std::string::npos) << again.body;
  EXPECT_NE(again.body.find("seg-2.ts"), std::string::npos) << again.body;
}

// A GET (or another method) with extra header lines, as a browser or player sends it.
testing::HttpResult Get(std::uint16_t port, const std::string& target, const std::string& headers,
                        const std::string& method = "GET") {
  return RawHttp(port, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers +
                           "\r\n",
                 method == "HEAD");
}

TEST_F(StreamingCacheServiceTest, CarriesFmp4InitSegmentsAndProgramDateTimeThroughBothTiers) {
  const std::uint16_t ingest = ingest_->HttpPort();
  const std::string init = std::string("\0\0\0\x18" "ftypiso6", 12) + std::string(300, 'i');
  ASSERT_EQ(Http(ingest, "PUT", "/cmaf/init.mp4", init).status, 201);
  for (int n = 0; n < 3; ++n) {
    ASSERT_EQ(Http(ingest, "PUT", "/cmaf/seg-" + std::to_string(n) + ".m4s", SegmentBytes(n)).status, 201);
  }
  // What ffmpeg -hls_segment_type fmp4 -hls_flags program_date_time uploads.
  std::string playlist = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n"
                         "#EXT-X-MAP:URI=\"init.mp4\"\n";
  for (int n = 0; n < 3; ++n) {
    playlist += "#EXTINF:1.000000,\n#EXT-X-PROGRAM-DATE-TIME:2026-12-06T08:04:1" + std::to_string(n) +
                ".250+0000\nseg-" + std::to_string(n) + ".m4s\n";
  }
  ASSERT_EQ(Http(ingest, "PUT", "/cmaf/playlist.m3u8", playlist).status, 204);

  const std::uint16_t edge = edge_->HttpPort();
  ASSERT_TRUE(Eventually([&] { return Http(edge, "GET", "/cmaf/playlist.m3u8").status == 200; }));
  const auto served = Http(edge, "GET", "/cmaf/playlist.m3u8");
  EXPECT_NE(served.body.find("#EXT-X-VERSION:6\n"), std::string::npos) << served.body;
  EXPECT_NE(served.body.find("#EXT-X-MAP:URI=\"init.mp4\"\n"), std::string::npos) << served.body;
  EXPECT_NE(served.body.find("#EXT-X-PROGRAM-DATE-TIME:2026-12-06T08:04:12.250Z\n#EXTINF:1.000,\nseg-2.m4s\n"),
            std::string::npos)
      << served.body;
  const auto read = ReadM3u8(served.body, "cmaf");
  ASSERT_TRUE(read) << served.body;
  ASSERT_EQ(read->segments.size(), 3u);
  EXPECT_EQ(read->segments[0].program_date_time_ms, 1796544250250);  // date -u -d 2026-12-06T08:04:10Z +%s

  const auto init_reply = Http(edge, "GET", "/cmaf/init.mp4");
  EXPECT_EQ(init_reply.status, 200);
  EXPECT_EQ(init_reply.body, init);
  EXPECT_EQ(init_reply.Header("Content-Type"), "video/mp4");
  EXPECT_EQ(init_reply.Header("Cache-Control"), "public, max-age=300, immutable, stale-if-error=10");
  EXPECT_EQ(Http(edge, "GET", "/cmaf/init.mp4").Header("X-Cache"), "HIT");
  const auto segment = Http(edge, "GET", "/cmaf/seg-1.m4s");
  EXPECT_EQ(segment.status, 200);
  EXPECT_EQ(segment.body, SegmentBytes(1));
  EXPECT_EQ(segment.Header("Content-Type"), "video/mp4");
  // The same number in the other container is not this stream's.
  EXPECT_EQ(Http(edge, "GET", "/cmaf/seg-1.ts").status, 404);
  EXPECT_EQ(Http(ingest, "GET", "/cmaf/seg-1.ts").status, 404);
  // The ingest answers ranges as the caches do.
  const auto part = Get(ingest, "/cmaf/seg-1.m4s", "Range: bytes=2-5\r\n");
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, SegmentBytes(1).substr(2, 4));
  EXPECT_EQ(Get(ingest, "/cmaf/init.mp4", "Range: bytes=9999-\r\n").status, 416);
  // No init segment for a TS stream.
  Publish(1);
  EXPECT_EQ(Http(ingest, "GET", "/news/init.mp4").status, 404);
}

TEST_F(StreamingCacheServiceTest, AnswersCorsAndPreflightsForTheConfiguredOrigins) {
  Publish(2);
  const std::uint16_t edge = edge_->HttpPort();
  ASSERT_TRUE(Eventually([&] { return Http(edge, "GET", "/news/playlist.m3u8").status == 200; }));

  const auto allowed = Get(edge, "/news/playlist.m3u8", "Origin: https://player.example\r\n");
  EXPECT_EQ(allowed.status, 200);
  EXPECT_EQ(allowed.Header("Access-Control-Allow-Origin"), "https://player.example");
  EXPECT_EQ(allowed.Header("Vary"), "Origin");
  EXPECT_NE(allowed.Header("Access-Control-Expose-Headers").find("Age"), std::string::npos);
  EXPECT_NE(allowed.Header("Access-Control-Expose-Headers").find("Content-Range"), std::string::npos);
  const auto other = Get(edge, "/news/seg-0.ts", "Origin: https://evil.example\r\n");
  EXPECT_EQ(other.status, 200);  // served (CORS is enforced by the browser), but not readable there
  EXPECT_EQ(other.Header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(other.Header("Vary"), "Origin");
  EXPECT_EQ(Http(edge, "GET", "/news/seg-0.ts").Header("Access-Control-Allow-Origin"), "");
  // 404s are readable too, so a page can tell "not yet" from "forbidden".
  EXPECT_EQ(Get(edge, "/news/seg-99.ts", "Origin: http://127.0.0.1:8080\r\n").Header("Access-Control-Allow-Origin"),
            "http://127.0.0.1:8080");

  const auto preflight = Get(edge, "/news/seg-1.ts",
                             "Origin: https://player.example\r\nAccess-Control-Request-Method: GET\r\n"
                             "Access-Control-Request-Headers: range\r\n",
                             "OPTIONS");
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.Header("Access-Control-Allow-Origin"), "https://player.example");
  EXPECT_EQ(preflight.Header("Access-Control-Allow-Methods"), "GET, HEAD, OPTIONS");
  EXPECT_NE(preflight.Header("Access-Control-Allow-Headers").find("Range"), std::string::npos);
  EXPECT_EQ(preflight.Header("Access-Control-Max-Age"), "600");
  const auto refused = Get(edge, "/news/seg-1.ts",
                           "Origin: https://evil.example\r\nAccess-Control-Request-Method: GET\r\n", "OPTIONS");
  EXPECT_EQ(refused.status, 204);
  EXPECT_EQ(refused.Header("Access-Control-Allow-Origin"), "");
  EXPECT_EQ(refused.Header("Access-Control-Allow-Methods"), "");
  const auto plain = Http(edge, "OPTIONS", "/news/seg-1.ts");
  EXPECT_EQ(plain.status, 204);
  EXPECT_EQ(plain.Header("Allow"), "GET, HEAD, OPTIONS");
  EXPECT_EQ(plain.Header("Access-Control-Allow-Origin"), "");

  // "*": any origin, without Vary.
  const auto any = Get(mid_->HttpPort(), "/news/seg-0.ts", "Origin: https://anyone.example\r\n");
  EXPECT_EQ(any.Header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(any.Header("Vary"), "");
}

TEST(StreamingCacheServiceConfig, RefusesAMalformedCorsOrigin) {
  for (const char* bad : {"player.example", "https://player.example/", "https://player.example/path", "ftp://x",
                          "https://", "null "}) {
    try {
      CorsPolicy policy({bad});
      ADD_FAILURE() << bad << " accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("--cors-origin"), std::string::npos) << e.what();
    }
  }
  EXPECT_TRUE(CorsPolicy({"https://a.example:8443", "http://[::1]:80", "*"}).Enabled());
  EXPECT_FALSE(CorsPolicy().Enabled());
}

TEST_F(StreamingCacheServiceTest, ServesSingleByteRangesOfSegments) {
  Publish(2);
  const std::uint16_t edge = edge_->HttpPort();
  ASSERT_TRUE(Eventually([&] { return Http(edge, "GET", "/news/seg-1.ts").status == 200; }));
  const std::string whole = SegmentBytes(1);
  const std::string size = std::to_string(whole.size());

  const auto full = Http(edge, "GET", "/news/seg-1.ts");
  EXPECT_EQ(full.Header("Accept-Ranges"), "bytes");
  const auto first = Get(edge, "/news/seg-1.ts", "Range: bytes=0-9\r\n");
  EXPECT_EQ(first.status, 206);
  EXPECT_EQ(first.Header("Content-Range"), "bytes 0-9/" + size);
  EXPECT_EQ(first.body, whole.substr(0, 10));
  const auto tail = Get(edge, "/news/seg-1.ts", "Range: bytes=-5\r\n");
  EXPECT_EQ(tail.status, 206);
  EXPECT_EQ(tail.body, whole.substr(whole.size() - 5));
  const auto open = Get(edge, "/news/seg-1.ts", "Range: bytes=1000-\r\n");
  EXPECT_EQ(open.status, 206);
  EXPECT_EQ(open.Header("Content-Range"), "bytes 1000-" + std::to_string(whole.size() - 1) + "/" + size);
  EXPECT_EQ(open.body, whole.substr(1000));
  const auto past = Get(edge, "/news/seg-1.ts", "Range: bytes=" + size + "-\r\n");
  EXPECT_EQ(past.status, 416);
  EXPECT_EQ(past.Header("Content-Range"), "bytes */" + size);
  const auto head = Get(edge, "/news/seg-1.ts", "Range: bytes=0-99\r\n", "HEAD");
  EXPECT_EQ(head.status, 206);
  EXPECT_EQ(head.Header("Content-Length"), "100");
  // Several ranges, an If-Range and a malformed Range: the whole segment.
  for (const char* header : {"Range: bytes=0-1,5-6\r\n", "Range: bytes=0-1\r\nIf-Range: \"x\"\r\n",
                             "Range: bytes=9-2\r\n", "Range: items=0-1\r\n"}) {
    const auto r = Get(edge, "/news/seg-1.ts", header);
    EXPECT_EQ(r.status, 200) << header;
    EXPECT_EQ(r.body, whole) << header;
  }
  // A playlist changes from one request to the next: always whole.
  EXPECT_EQ(Get(edge, "/news/playlist.m3u8", "Range: bytes=0-9\r\n").status, 200);
}

TEST_F(StreamingCacheServiceTest, AgeCountsFromTheIngestAcrossBothTiers) {
  Publish(2);
  const std::uint16_t edge = edge_->HttpPort();
  const std::uint16_t mid = mid_->HttpPort();
  ASSERT_TRUE(Eventually([&] { return Http(mid, "GET", "/news/seg-0.ts").status == 200; }));
  EXPECT_EQ(Http(mid, "GET", "/news/seg-0.ts").Header("Age"), "0");
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  // The edge fetches it now (a miss there, a hit at the mid): its Age includes the mid's.
  const auto at_edge = Http(edge, "GET", "/news/seg-0.ts");
  EXPECT_EQ(at_edge.Header("X-Cache"), "MISS");
  const int age = std::stoi("0" + at_edge.Header("Age"));
  EXPECT_GE(age, 2);
  EXPECT_LE(age, 4);  // a loaded machine: a margin, not an exact value
  const auto fresh = Http(edge, "GET", "/news/seg-1.ts");  // first fetched just now, through both tiers
  EXPECT_EQ(fresh.Header("Age"), "0");
  EXPECT_EQ(Http(edge, "GET", "/news/playlist.m3u8").Header("Cache-Control"), "public, max-age=1, stale-if-error=10");
}

TEST_F(StreamingCacheServiceTest, TheIngestDiesAndBothTiersAnswerTheLastPlaylistStale) {
  // Issue 17: the ingest is gone (its port closed); past the playlists' freshness (1 s) the
  // mid's fetch fails and it answers its last copy, marked stale; the edge gets that copy.
  Publish(3);
  const std::uint16_t edge = edge_->HttpPort();
  ASSERT_TRUE(Eventually([&] { return Http(edge, "GET", "/news/playlist.m3u8").status == 200; }));
  const auto before = Http(mid_->HttpPort(), "GET", "/news/playlist.m3u8");
  ASSERT_EQ(before.status, 200);
  ASSERT_EQ(Http(edge, "GET", "/news/seg-1.ts").status, 200);
  std::promise<void> stopped;
  boost::asio::post(io_, [&] {
    ingest_->Stop();
    stopped.set_value();
  });
  stopped.get_future().wait();
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  const auto stale = Http(mid_->HttpPort(), "GET", "/news/playlist.m3u8");
  EXPECT_EQ(stale.status, 200);
  EXPECT_EQ(stale.Header("X-Cache"), "STALE");
  EXPECT_EQ(stale.body, before.body);
  const auto at_edge = Http(edge, "GET", "/news/playlist.m3u8");
  EXPECT_EQ(at_edge.status, 200);
  EXPECT_EQ(at_edge.body, before.body);
  EXPECT_EQ(Http(edge, "GET", "/news/seg-1.ts").status, 200);  // a segment it had: fresh for 300 s
  EXPECT_EQ(Http(edge, "GET", "/news/seg-2.ts").status, 404);  // one no tier had: nothing to fall back on
  std::promise<std::uint64_t> served;
  boost::asio::post(io_, [&] { served.set_value(mid_->Node().Stats().stale_served); });
  EXPECT_GE(served.get_future().get(), 1u);
}

}  // namespace
}  // namespace cdnlab
