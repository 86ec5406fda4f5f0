// The ingest pool's virtual address, in process on loopback: ingests register themselves
// with the balancer's admin endpoint, uploads through the virtual address land on the ingest
// the balancer routes the stream to, a new ingest moves nothing, and when the holder stops
// (silent to health probes, port closed) the next upload is rerouted once the checker has
// judged it, to land on a healthy ingest. Plus the admin endpoint's refusals.
#include "realnet/streaming/balancer_service.h"

#include <future>
#include <iostream>
#include <memory>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "realnet/net/asio_clock.h"
#include "realnet/net/asio_datagram_transport.h"
#include "realnet/streaming/ingest_service.h"
#include "tests/realnet/streaming/test_support.h"

namespace cdnlab {
namespace {

using testing::Eventually;
using testing::Http;
using testing::Loopback;

std::string Playlist(int first, int count) {
  std::string out = "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:" + std::to_string(first) + "\n";
  for (int n = first; n < first + count; ++n) out += "#EXTINF:1.000000,\nseg-" + std::to_string(n) + ".ts\n";
  return out;
}

class StreamingBalancerServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BalancerServiceConfig bc;
    bc.vip = Loopback(0);
    bc.admin = Loopback(0);
    bc.health.interval = FromMillis(100);
    bc.health.timeout = FromMillis(80);
    bc.health.unhealthy_after = 2;
    balancer_ = std::make_unique<BalancerService>(io_, clock_, transport_, bc, Log("balancer"));
    balancer_->Start();
    loop_ = std::thread([this] { io_.run(); });
    AddIngest("ingest-1");
    AddIngest("ingest-2");
  }

  void TearDown() override {
    OnIo([this] {
      for (auto& [id, ingest] : ingests_) ingest->Stop();
      balancer_->Stop();
      return 0;
    });
    work_.reset();
    io_.stop();
    loop_.join();
  }

  template <typename F>
  auto OnIo(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }

  static std::function<void(const std::string&)> Log(const std::string& who) {
    return [who](const std::string& line) { std::cerr << who << ": " << line << std::endl; };
  }

  void AddIngest(const std::string& id) {
    OnIo([&] {
      IngestServiceConfig c;
      c.id = id;
      c.http = Loopback(0);
      c.health = Loopback(testing::FreeUdpPort());
      c.announce_from = Loopback(testing::FreeUdpPort());
      c.relays = {Loopback(testing::FreeUdpPort())};  // nobody listens: announcements are lost
      c.register_at = Loopback(balancer_->AdminPort());
      c.register_retry = FromMillis(50);
      ingests_[id] = std::make_unique<IngestService>(io_, clock_, transport_, metrics_, c, Log(id));
      ingests_[id]->Start();
      return 0;
    });
  }

  nlohmann::json Members() {
    return nlohmann::json::parse(Http(balancer_->AdminPort(), "GET", "/members").body, nullptr, false);
  }
  std::size_t HealthyMembers() {
    std::size_t n = 0;
    const nlohmann::json members = Members();
    for (const auto& m : members["members"]) n += m["healthy"].get<bool>() ? 1 : 0;
    return n;
  }
  std::uint16_t Vip() const { return balancer_->VipPort(); }

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  AsioClock clock_{io_};
  AsioDatagramTransport transport_{io_};
  NullMetricsSink metrics_;
  std::unique_ptr<BalancerService> balancer_;
  std::map<std::string, std::unique_ptr<IngestService>> ingests_;
  std::thread loop_;
};

TEST_F(StreamingBalancerServiceTest, IngestsRegisterAndUploadsFollowTheStreamAcrossAFailure) {
  ASSERT_TRUE(Eventually([&] { return Members()["members"].size() == 2; }));

  // Publish through the virtual address only.
  ASSERT_EQ(Http(Vip(), "PUT", "/news/seg-0.ts", "zero").status, 201);
  ASSERT_EQ(Http(Vip(), "PUT", "/news/playlist.m3u8", Playlist(0, 1)).status, 204);
  const auto first = Http(Vip(), "GET", "/news/playlist.m3u8");
  ASSERT_EQ(first.status, 200);
  const std::string holder = first.Header("X-Served-By");
  ASSERT_TRUE(holder == "ingest-1" || holder == "ingest-2") << holder;

  // A third ingest joins on its own; the stream stays where it is.
  AddIngest("ingest-3");
  ASSERT_TRUE(Eventually([&] { return Members()["members"].size() == 3; }));
  ASSERT_EQ(Http(Vip(), "PUT", "/news/seg-1.ts", "one").status, 201);
  ASSERT_EQ(Http(Vip(), "PUT", "/news/playlist.m3u8", Playlist(0, 2)).status, 204);
  EXPECT_EQ(Http(Vip(), "GET", "/news/seg-1.ts").Header("X-Served-By"), holder);
  EXPECT_EQ(Members()["healthy_sessions_moved"], 0);

  // The holder goes silent. The next upload waits for the checker's verdict, is routed
  // again and lands on another ingest: the publisher sees success.
  OnIo([&] {
    ingests_.at(holder)->Stop();
    return 0;
  });
  ASSERT_EQ(Http(Vip(), "PUT", "/news/seg-2.ts", "two").status, 201);
  ASSERT_EQ(Http(Vip(), "PUT", "/news/playlist.m3u8", Playlist(0, 3)).status, 204);
  const auto after = Http(Vip(), "GET", "/news/playlist.m3u8");
  ASSERT_EQ(after.status, 200);
  EXPECT_NE(after.Header("X-Served-By"), holder);
  // The new holder's stream starts where its own uploads start.
  EXPECT_NE(after.body.find("#EXT-X-MEDIA-SEQUENCE:2\n"), std::string::npos) << after.body;
  EXPECT_EQ(Http(Vip(), "GET", "/news/seg-2.ts").body, "two");
  EXPECT_EQ(HealthyMembers(), 2u);
  EXPECT_EQ(balancer_->Retries(), 1u);
  EXPECT_EQ(Members()["healthy_sessions_moved"], 0);
}

TEST_F(StreamingBalancerServiceTest, AdminAndVirtualAddressRefuseWhatTheyCannotTake) {
  const std::uint16_t admin = balancer_->AdminPort();
  ASSERT_TRUE(Eventually([&] { return Members()["members"].size() == 2; }));
  EXPECT_EQ(Http(admin, "POST", "/members", "not json").status, 400);
  EXPECT_EQ(Http(admin, "POST", "/members", R"({"id":"x","http":"127.0.0.1:1"})").status, 400);
  EXPECT_EQ(Http(admin, "POST", "/members", R"({"id":"x","http":"127.0.0.1","health":"127.0.0.1:2"})").status, 400);
  EXPECT_EQ(Http(admin, "POST", "/members", R"({"id":"x","http":"127.0.0.1:99999","health":"127.0.0.1:2"})").status,
            400);
  EXPECT_EQ(Http(admin, "POST", "/members", R"({"id":"a b","http":"127.0.0.1:1","health":"127.0.0.1:2"})").status,
            400);
  EXPECT_EQ(Http(admin, "POST", "/members", R"({"id":5,"http":"127.0.0.1:1","health":"127.0.0.1:2"})").status, 400);
  EXPECT_EQ(Http(admin, "PUT", "/members", "{}").status, 405);
  EXPECT_EQ(Http(admin, "GET", "/elsewhere").status, 404);
  EXPECT_EQ(Http(admin, "DELETE", "/members/nobody").status, 404);
  // Registering again is a no-op.
  const auto again = Http(admin, "POST", "/members",
                          nlohmann::json{{"id", "ingest-1"},
                                         {"http", Members()["members"][0]["http"]},
                                         {"health", Members()["members"][0]["health"]}}
                              .dump());
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(Members()["members"].size(), 2u);

  EXPECT_EQ(Http(Vip(), "PUT", "/news/x.mp4", "x").status, 400);
  EXPECT_EQ(Http(Vip(), "POST", "/news/seg-0.ts", "x").status, 405);
  EXPECT_EQ(Http(Vip(), "GET", "/unknown/playlist.m3u8").status, 404);  // a read opens no session

  // With every member gone, an upload has nowhere to go.
  EXPECT_EQ(Http(admin, "DELETE", "/members/ingest-1").status, 200);
  EXPECT_EQ(Http(admin, "DELETE", "/members/ingest-2").status, 200);
  EXPECT_EQ(Http(Vip(), "PUT", "/fresh/seg-0.ts", "x").status, 503);
}

}  // namespace
}  // namespace cdnlab
