// LL-HLS part replication on loopback sockets, in process (issue 17 item 5): ingest A (the
// holder, --parts-per-segment 4 --replicate-to B) PUTs every part it accepts to ingest B, which
// packages it as A did. When A dies and the publisher's uploads move to B, B serves at once the
// replicated segments, the open segment's replicated parts and the new one, the same preload
// hint, and completes the open segment with every part's bytes. Malformed part PUTs get a 400
// naming what is wrong.
#include <functional>
#include <future>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "realnet/net/asio_clock.h"
#include "realnet/net/asio_datagram_transport.h"
#include "realnet/streaming/ingest_service.h"
#include "tests/realnet/streaming/test_support.h"

namespace cdnlab {
namespace {

using testing::Eventually;
using testing::Http;
using testing::Loopback;

std::string PartBytes(int n) { return std::string(300 + n, static_cast<char>('a' + n % 26)); }

class PartReplicationService : public ::testing::Test {
 protected:
  void SetUp() override {
    b_ = Ingest("ingest-b", {});
    b_->Start();
    a_ = Ingest("ingest-a", {Loopback(b_->HttpPort())});
    a_->Start();
    loop_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (!loop_.joinable()) return;
    boost::asio::post(io_, [this] {
      a_->Stop();
      b_->Stop();
      work_.reset();
      io_.stop();
    });
    loop_.join();
  }
  std::unique_ptr<IngestService> Ingest(const std::string& id, std::vector<Endpoint> replicate_to) {
    IngestServiceConfig c;
    c.id = id;
    c.http = Loopback(0);
    c.health = Loopback(testing::FreeUdpPort());
    c.announce_from = Loopback(testing::FreeUdpPort());
    c.relays = {Loopback(testing::FreeUdpPort())};
    c.ingest.window_segments = 6;
    c.ingest.target_duration = FromSeconds(2);
    PartPackagerConfig ll;
    ll.parts_per_segment = 4;
    ll.part_target = FromMillis(500);
    ll.target_duration = FromSeconds(2);
    c.low_latency = ll;
    c.replicate_to = std::move(replicate_to);
    return std::make_unique<IngestService>(io_, clock_, transport_, metrics_, c,
                                           [](const std::string& line) { std::cerr << line << std::endl; });
  }
  // Uploads the publisher's 0.5 s segment n (part n % 4 of segment n / 4) and its playlist.
  static void Publish(std::uint16_t port, int n) {
    ASSERT_EQ(Http(port, "PUT", "/news/seg-" + std::to_string(n) + ".ts", PartBytes(n)).status, 201);
    ASSERT_EQ(Http(port, "PUT", "/news/playlist.m3u8", testing::HalfSecondSegmentPlaylist(n)).status, 204);
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
  std::unique_ptr<IngestService> a_;
  std::unique_ptr<IngestService> b_;
  std::thread loop_;
};

TEST_F(PartReplicationService, ThePeerTakingOverContinuesTheOpenSegmentsParts) {
  for (int n = 0; n <= 5; ++n) Publish(a_->HttpPort(), n);  // segment 0 complete, 1 open with parts 0 and 1
  ASSERT_TRUE(Eventually([&] { return OnLoop<std::uint64_t>([&] { return b_->PartReplicasReceived(); }) == 6; }));
  ASSERT_TRUE(Eventually([&] { return OnLoop<std::uint64_t>([&] { return b_->ReplicasReceived(); }) == 1; }));
  EXPECT_EQ(OnLoop<std::uint64_t>([&] { return a_->PartReplication().Sent(); }), 6u);
  // Not live at B until the publisher comes: B serves no playlist.
  EXPECT_EQ(Http(b_->HttpPort(), "GET", "/news/playlist.m3u8").status, 404);
  const PartPosition next = OnLoop<PartPosition>([&] { return b_->LowLatency()->NextPart("news"); });
  EXPECT_EQ(next, (PartPosition{1, 2}));

  // A dies; the publisher's next upload (part 1.2) reaches B.
  OnLoop<bool>([&] { a_->Stop(); return true; });
  Publish(b_->HttpPort(), 6);
  const auto playlist = Http(b_->HttpPort(), "GET", "/news/playlist.m3u8");
  ASSERT_EQ(playlist.status, 200);
  const std::string& m3u8 = playlist.body;
  EXPECT_NE(m3u8.find("#EXT-X-MEDIA-SEQUENCE:0\n"), std::string::npos) << m3u8;
  EXPECT_NE(m3u8.find("seg-0.ts"), std::string::npos) << m3u8;
  for (const char* part : {"seg-1.part-0.ts", "seg-1.part-1.ts", "seg-1.part-2.ts"}) {
    EXPECT_NE(m3u8.find(part), std::string::npos) << part << " missing:\n" << m3u8;
  }
  EXPECT_NE(m3u8.find("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"seg-1.part-3.ts\""), std::string::npos) << m3u8;
  EXPECT_EQ(m3u8.find("DISCONTINUITY\n"), std::string::npos) << m3u8;
  EXPECT_EQ(m3u8.find("EXT-X-GAP"), std::string::npos) << m3u8;
  EXPECT_EQ(Http(b_->HttpPort(), "GET", "/news/seg-1.part-0.ts").body, PartBytes(4));
  EXPECT_EQ(Http(b_->HttpPort(), "GET", "/news/seg-1.part-1.ts").body, PartBytes(5));

  // The open segment completes at B with all four parts' bytes, right after segment 0.
  Publish(b_->HttpPort(), 7);
  EXPECT_EQ(Http(b_->HttpPort(), "GET", "/news/seg-1.ts").body, PartBytes(4) + PartBytes(5) + PartBytes(6) + PartBytes(7));
  EXPECT_EQ(Http(b_->HttpPort(), "GET", "/news/seg-0.ts").body, PartBytes(0) + PartBytes(1) + PartBytes(2) + PartBytes(3));
  const std::string after = Http(b_->HttpPort(), "GET", "/news/playlist.m3u8").body;
  EXPECT_NE(after.find("seg-1.ts"), std::string::npos) << after;
  EXPECT_EQ(after.find("DISCONTINUITY\n"), std::string::npos) << after;
  // Live at B now: a late part replica (a restarted A replaying) is ignored.
  EXPECT_EQ(Http(b_->HttpPort(), "PUT", "/news/seg-2.part-0.ts?part_replica=1&published=8&duration_us=500000",
                 PartBytes(8)).status,
            200);
}

TEST_F(PartReplicationService, MalformedPartPutsAreRefusedNamingTheProblem) {
  const auto no_query = Http(b_->HttpPort(), "PUT", "/news/seg-1.part-0.ts", PartBytes(0));
  EXPECT_EQ(no_query.status, 400);
  EXPECT_NE(no_query.body.find("replica"), std::string::npos) << no_query.body;
  const auto bad = Http(b_->HttpPort(), "PUT", "/news/seg-1.part-0.ts?part_replica=1&published=x&duration_us=1",
                        PartBytes(0));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("published"), std::string::npos) << bad.body;
  // Published segment 4 is part 1.0 with 4 parts per segment, not 2.0 (a peer with --parts-per-segment 2).
  const auto other = Http(b_->HttpPort(), "PUT", "/news/seg-2.part-0.ts?part_replica=1&published=4&duration_us=500000",
                          PartBytes(0));
  EXPECT_EQ(other.status, 400);
  EXPECT_NE(other.body.find("--parts-per-segment"), std::string::npos) << other.body;
  EXPECT_EQ(OnLoop<std::uint64_t>([&] { return b_->PartReplicasReceived(); }), 0u);
}

}  // namespace
}  // namespace cdnlab
