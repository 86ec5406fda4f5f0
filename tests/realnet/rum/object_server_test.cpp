// The RUM test-object server: the object, its cross-origin headers and its artificial delay.
#include "realnet/rum/object_server.h"

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "tests/realnet/streaming/test_support.h"

namespace cdnlab {
namespace {

using testing::Http;

class RumObjectServerTest : public ::testing::Test {
 protected:
  void StartWith(std::chrono::milliseconds delay) {
    server_ = std::make_unique<RumObjectServer>(io_, RumObjectServerConfig{testing::Loopback(0), delay, 1234});
    server_->Start();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    boost::asio::post(io_, [this] { server_->Stop(); });
    io_.stop();
    thread_.join();
  }
  boost::asio::io_context io_;
  std::unique_ptr<RumObjectServer> server_;
  std::thread thread_;
};

TEST_F(RumObjectServerTest, ServesTheObjectWithCrossOriginAndTimingHeaders) {
  StartWith(std::chrono::milliseconds(0));
  const auto r = Http(server_->Port(), "GET", "/rum/test-object?pv=abc&n=1");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body.size(), 1234u);
  EXPECT_EQ(r.Header("Timing-Allow-Origin"), "*");
  EXPECT_EQ(r.Header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(r.Header("Cache-Control"), "no-store");
  EXPECT_EQ(Http(server_->Port(), "OPTIONS", "/rum/test-object").status, 204);
  EXPECT_EQ(Http(server_->Port(), "POST", "/rum/test-object", "x").status, 405);
  EXPECT_EQ(Http(server_->Port(), "GET", "/other").status, 404);
  EXPECT_EQ(server_->ObjectsServed(), 1u);
}

TEST_F(RumObjectServerTest, DelaysEachResponse) {
  StartWith(std::chrono::milliseconds(80));
  const auto start = std::chrono::steady_clock::now();
  const auto r = Http(server_->Port(), "GET", "/rum/test-object");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(r.status, 200);
  EXPECT_GE(elapsed, std::chrono::milliseconds(80));
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));
}

}  // namespace
}  // namespace cdnlab
