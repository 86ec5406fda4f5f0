// LL-HLS on loopback sockets, in process: an ingest with --parts-per-segment 2 (each uploaded
// segment is a part), a mid-tier cache and an edge. Parts and their concatenation into media
// segments, blocking reloads released by the part's upload (through both tiers), identical
// blocked requests collapsed into one upstream request, the hinted part held until uploaded,
// 400s, delta updates, the 3-target-duration bound (503), and plain requests unchanged.
#include <chrono>
#include <future>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "realnet/net/asio_clock.h"
#include "realnet/net/asio_datagram_transport.h"
#include "realnet/streaming/cache_service.h"
#include "realnet/streaming/ingest_service.h"
#include "tests/realnet/streaming/test_support.h"

namespace cdnlab {
namespace {

using testing::Eventually;
using testing::Http;
using testing::Loopback;

std::string PartBytes(int n) { return std::string(500 + n, static_cast<char>('a' + n % 26)); }

class LowLatencyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const Endpoint mid_announce = Loopback(testing::FreeUdpPort());
    IngestServiceConfig ic;
    ic.id = "ingest-1";
    ic.http = Loopback(0);
    ic.health = Loopback(testing::FreeUdpPort());
    ic.announce_from = Loopback(0);
    ic.relays = {mid_announce};
    ic.ingest.window_segments = 12;
    ic.ingest.target_duration = FromSeconds(1);
    PartPackagerConfig ll;
    ll.parts_per_segment = 2;
    ll.part_target = FromMillis(500);
    ll.target_duration = FromSeconds(1);
    ll.can_skip_until = FromSeconds(6);
    ic.low_latency = ll;
    ingest_ = std::make_unique<IngestService>(io_, clock_, transport_, metrics_, ic, Log());
    ingest_->Start();

    CacheServiceConfig mc;
    mc.id = "mid-1";
    mc.tier = CacheTier::kMid;
    mc.http = Loopback(0);
    mc.announce = mid_announce;
    mid_ = std::make_unique<CacheService>(io_, clock_, transport_, metrics_, mc, Log());
    mid_->Start();

    CacheServiceConfig ec;
    ec.id = "edge-1";
    ec.tier = CacheTier::kEdge;
    ec.http = Loopback(0);
    ec.announce = Loopback(testing::FreeUdpPort());
    ec.parent = Loopback(mid_->HttpPort());
    ec.parent_announce = mid_announce;
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

  // Uploads the publisher's 0.5 s segment n (part n % 2 of segment n / 2) and its playlist.
  void PublishPart(int n) {
    ASSERT_EQ(Http(ingest_->HttpPort(), "PUT", "/news/seg-" + std::to_string(n) + ".ts", PartBytes(n)).status, 201);
    ASSERT_EQ(Http(ingest_->HttpPort(), "PUT", "/news/playlist.m3u8", testing::HalfSecondSegmentPlaylist(n)).status, 204);
  }
  template <typename T>
  T OnLoop(std::function<T()> f) {
    std::promise<T> p;
    boost::asio::post(io_, [&] { p.set_value(f()); });
    return p.get_future().get();
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

TEST_F(LowLatencyServiceTest, PartsSegmentsAndTheirPlaylistThroughBothTiers) {
  for (int n = 0; n <= 4; ++n) PublishPart(n);  // segments 0 and 1 complete, part 2.0
  const std::uint16_t edge = edge_->HttpPort();
  ASSERT_TRUE(Eventually([&] { return Http(edge, "GET", "/news/playlist.m3u8").status == 200; }));
  const auto playlist = Http(edge, "GET", "/news/playlist.m3u8");
  EXPECT_NE(playlist.body.find("#EXT-X-PART-INF:PART-TARGET=0.500\n"), std::string::npos) << playlist.body;
  EXPECT_NE(playlist.body.find("#EXT-X-PART:DURATION=0.500,URI=\"seg-2.part-0.ts\",INDEPENDENT=YES\n"),
            std::string::npos);
  EXPECT_NE(playlist.body.find("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"seg-2.part-1.ts\"\n"), std::string::npos);
  EXPECT_NE(playlist.body.find("#EXTINF:1.000,\nseg-1.ts\n"), std::string::npos);

  const auto part = Http(edge, "GET", "/news/seg-1.part-1.ts");
  EXPECT_EQ(part.status, 200);
  EXPECT_EQ(part.body, PartBytes(3));
  EXPECT_EQ(part.Header("Content-Type"), "video/mp2t");
  const auto whole = Http(edge, "GET", "/news/seg-1.ts");  // parts 2 and 3 concatenated
  EXPECT_EQ(whole.status, 200);
  EXPECT_EQ(whole.body, PartBytes(2) + PartBytes(3));
  EXPECT_EQ(Http(edge, "GET", "/news/seg-1.part-7.ts").status, 404);
}

TEST_F(LowLatencyServiceTest, BlockingReloadIsReleasedByThePartAndCollapsedAtTheEdge) {
  for (int n = 0; n <= 4; ++n) PublishPart(n);
  const std::uint16_t edge = edge_->HttpPort();
  ASSERT_TRUE(Eventually([&] { return Http(edge, "GET", "/news/playlist.m3u8").status == 200; }));
  std::vector<std::future<testing::HttpResult>> waiting;
  for (int i = 0; i < 5; ++i) {
    waiting.push_back(std::async(std::launch::async, [edge] {
      return Http(edge, "GET", "/news/playlist.m3u8?_HLS_msn=2&_HLS_part=1");
    }));
  }
  // Also the hinted part itself: held until it is uploaded.
  auto hinted = std::async(std::launch::async, [edge] { return Http(edge, "GET", "/news/seg-2.part-1.ts"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  for (auto& w : waiting) EXPECT_EQ(w.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  EXPECT_EQ(hinted.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  const auto uploaded = std::chrono::steady_clock::now();
  PublishPart(5);
  std::string first;
  for (auto& w : waiting) {
    const auto r = w.get();
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("#EXTINF:1.000,\nseg-2.ts\n"), std::string::npos) << r.body;
    if (first.empty()) first = r.body;
    EXPECT_EQ(r.body, first);
  }
  const auto part = hinted.get();
  EXPECT_EQ(part.status, 200);
  EXPECT_EQ(part.body, PartBytes(5));
  EXPECT_LT(std::chrono::steady_clock::now() - uploaded, std::chrono::seconds(2));
  const auto stats = OnLoop<BlockingReloadForwarderStats>([&] { return edge_->Blocking().Stats(); });
  EXPECT_EQ(stats.requests, 5u);
  EXPECT_EQ(stats.upstream_requests + stats.collapsed + stats.hits, 5u);
  EXPECT_EQ(stats.upstream_requests, 1u);
  const auto mid = OnLoop<BlockingReloadForwarderStats>([&] { return mid_->Blocking().Stats(); });
  EXPECT_EQ(mid.upstream_requests, 1u);
}

TEST_F(LowLatencyServiceTest, TooFarAheadMalformedDeltaBoundAndPlainRequests) {
  for (int n = 0; n <= 16; ++n) PublishPart(n);  // segments 0..7 complete, part 8.0
  const std::uint16_t edge = edge_->HttpPort();
  ASSERT_TRUE(Eventually([&] { return Http(edge, "GET", "/news/playlist.m3u8").status == 200; }));
  EXPECT_EQ(Http(edge, "GET", "/news/playlist.m3u8?_HLS_msn=10").status, 400);  // last 7 + 2 < 10
  EXPECT_EQ(Http(edge, "GET", "/news/playlist.m3u8?_HLS_msn=8&_HLS_part=9").status, 400);  // Advance Part Limit 6
  const auto malformed = Http(edge, "GET", "/news/playlist.m3u8?_HLS_part=1");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(malformed.body.find("_HLS_msn"), std::string::npos);
  const auto past = Http(edge, "GET", "/news/playlist.m3u8?_HLS_msn=3");  // answered at once
  EXPECT_EQ(past.status, 200);

  const auto delta = Http(edge, "GET", "/news/playlist.m3u8?_HLS_skip=YES");
  EXPECT_EQ(delta.status, 200);
  // 8 s listed, CAN-SKIP-UNTIL 6 s: segments 0 and 1 are skipped.
  EXPECT_NE(delta.body.find("#EXT-X-SKIP:SKIPPED-SEGMENTS=2\n#EXTINF:1.000,\nseg-2.ts\n"), std::string::npos)
      << delta.body;
  EXPECT_EQ(Http(edge, "GET", "/news/playlist.m3u8").body.find("EXT-X-SKIP"), std::string::npos);

  // Nothing more is published: a reload for the hinted part is answered 503 after 3 target
  // durations (3 s; margins for a loaded machine).
  const auto start = std::chrono::steady_clock::now();
  const auto bound = Http(edge, "GET", "/news/playlist.m3u8?_HLS_msn=8&_HLS_part=1");
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(bound.status, 503);
  EXPECT_GE(waited, std::chrono::milliseconds(2900));
  EXPECT_LT(waited, std::chrono::milliseconds(8000));
}

}  // namespace
}  // namespace cdnlab
