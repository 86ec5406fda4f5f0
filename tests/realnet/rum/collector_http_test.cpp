// The RUM collector's HTTP front against good and bad input, over real loopback sockets:
// the service runs on its own io_context thread, the test speaks raw HTTP/1.1 to it.
#include "realnet/rum/collector_service.h"

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "scenarios/loader/scenario_loader.h"
#include "tests/realnet/streaming/test_support.h"
#include "tests/support/throwaway_pki.h"

namespace cdnlab {
namespace {

using testing::Http;
using testing::HttpResult;
using testing::RawHttp;

const char* const kScenario = CDNLAB_SOURCE_DIR "/tests/realnet/data/rum_loopback.yaml";

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string BeaconJson(const std::string& pv, double t = UnixNow(), const std::string& timings = "") {
  const std::string m = timings.empty() ? R"({"pop":"pop-fast","ok":true,"rtt_ms":1.5,"dur_ms":2.5,"bytes":10000},)"
                                          R"({"pop":"pop-slow","ok":true,"rtt_ms":121,"dur_ms":122,"bytes":10000})"
                                        : timings;
  return R"({"v":1,"pv":")" + pv + R"(","t":)" + std::to_string(t) + R"(,"m":[)" + m + "]}";
}

// Sends from a chosen loopback source address (the collector maps clients by it).
HttpResult PostFrom(const std::string& source, std::uint16_t port, const std::string& body) {
  namespace http = boost::beast::http;
  using boost::asio::ip::tcp;
  HttpResult result;
  boost::asio::io_context io;
  tcp::socket socket(io);
  boost::system::error_code ec;
  socket.open(tcp::v4(), ec);
  if (!ec) socket.bind(tcp::endpoint(boost::asio::ip::make_address(source), 0), ec);
  if (!ec) socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port), ec);
  if (ec) return result;
  const std::string request = "POST /rum/beacon HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
  boost::asio::write(socket, boost::asio::buffer(request), ec);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response, ec);
  if (ec) return result;
  result.status = response.result_int();
  result.body = response.body();
  return result;
}

class RumCollectorHttp : public ::testing::Test {
 protected:
  void StartWith(double rate_per_s = 100, double burst = 100) {
    scenario_ = LoadScenarioFile(kScenario);
    const PolicySpec* policy = nullptr;
    for (const auto& p : scenario_.policies) {
      if (p.ResultLabel() == "rum") policy = &p;
    }
    ASSERT_NE(policy, nullptr);
    RumCollectorConfig config;
    config.listen = testing::Loopback(0);
    config.object_port = 18081;
    config.collector.rate_per_client_per_s = rate_per_s;
    config.collector.burst_per_client = burst;
    config.limits.max_body_bytes = 2048;
    clock_ = std::make_unique<AsioClock>(io_);
    service_ = std::make_unique<RumCollectorService>(scenario_, *policy, io_, *clock_, metrics_, config);
    service_->Start();
    port_ = service_->Port();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (thread_.joinable()) {
      boost::asio::post(io_, [this] { service_->Stop(); });
      io_.stop();
      thread_.join();
    }
  }

  HttpResult Post(const std::string& body) { return Http(port_, "POST", "/rum/beacon", body); }
  nlohmann::json State() {
    const HttpResult r = Http(port_, "GET", "/rum/state");
    EXPECT_EQ(r.status, 200);
    return nlohmann::json::parse(r.body);
  }
  std::uint64_t Verdict(const std::string& name) { return State()["beacons"][name].get<std::uint64_t>(); }
  std::uint64_t SamplesOfLoopbackGroup() {
    std::uint64_t n = 0;
    for (const auto& [pop, count] : State()["groups"][0]["samples"].items()) n += count.get<std::uint64_t>();
    return n;
  }

  Scenario scenario_;
  boost::asio::io_context io_;
  std::unique_ptr<AsioClock> clock_;
  NullMetricsSink metrics_;
  std::unique_ptr<RumCollectorService> service_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

TEST_F(RumCollectorHttp, ServesAPagePerViewWithCandidatesAndTheTag) {
  StartWith();
  const HttpResult a = Http(port_, "GET", "/?views=3");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(a.Header("Cache-Control"), "no-store");
  const auto open = a.body.find("<script type=\"application/json\" id=\"cdnlab-rum-config\">");
  ASSERT_NE(open, std::string::npos);
  const auto start = a.body.find('>', open) + 1;
  const auto config = nlohmann::json::parse(a.body.substr(start, a.body.find("</script>", start) - start));
  EXPECT_EQ(config["beacon"], "/rum/beacon");
  EXPECT_EQ(config["next"], "/?views=2");
  ASSERT_EQ(config["candidates"].size(), 3u) << "nothing measured yet: all three PoPs are explored";
  for (const auto& c : config["candidates"]) {
    const std::string url = c["url"];
    EXPECT_EQ(url.rfind("http://127.0.4.1", 0), 0u) << url;
    EXPECT_NE(url.find(":18081/rum/test-object?pv=" + config["pv"].get<std::string>()), std::string::npos) << url;
  }
  EXPECT_NE(a.body.find("performance.getEntriesByName"), std::string::npos) << "the tag is embedded";
  const HttpResult b = Http(port_, "GET", "/");
  ASSERT_EQ(b.status, 200);
  EXPECT_EQ(b.body.find("/?views="), std::string::npos) << "a single view has no next page";
  EXPECT_NE(a.body.substr(start, 60), b.body.substr(b.body.find('>', b.body.find("cdnlab-rum-config")) + 1, 60))
      << "every view gets its own id";
  EXPECT_EQ(State()["page_views"], 2);
}

TEST_F(RumCollectorHttp, AcceptsAGoodBeaconAndFeedsTheStore) {
  StartWith();
  const HttpResult r = Post(BeaconJson("pv-good-1"));
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_TRUE(r.body.empty());
  const auto state = State();
  EXPECT_EQ(state["beacons"]["accepted"], 1);
  EXPECT_DOUBLE_EQ(state["groups"][0]["rtt_ms"]["pop-fast"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(state["groups"][0]["rtt_ms"]["pop-slow"].get<double>(), 121.0);
  EXPECT_TRUE(state["groups"][0]["rtt_ms"]["pop-mid"].is_null());
  EXPECT_EQ(state["groups"][1]["samples"]["pop-fast"], 0) << "only the sender's group";
  // The mapping follows within a recomputation (0.25 s in the scenario).
  EXPECT_TRUE(testing::Eventually([&] { return State()["groups"][0]["pop"] == "pop-fast"; }, 5));
}

TEST_F(RumCollectorHttp, MalformedBodiesAre400WithAReason) {
  StartWith();
  for (const std::string& body : {std::string("{"), std::string("not json"), std::string(""), std::string("[]"),
                                 std::string("\x00\xff\x10garbage", 10),
                                 std::string(R"({"v":1,"pv":"x","t":1,"m":[],"extra":1})"),
                                 BeaconJson("pv-1", UnixNow(), R"({"pop":"pop-fast","ok":"yes","bytes":1})"),
                                 BeaconJson("pv-1", UnixNow(), R"({"pop":"pop-fast","ok":true,"rtt_ms":-1,"bytes":1})")}) {
    const HttpResult r = Post(body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_FALSE(r.body.empty()) << "a reason is given";
  }
  EXPECT_NE(Post(R"({"v":1,"pv":"x","t":1,"m":[],"extra":1})").body.find("'extra': unknown member"),
            std::string::npos);
  EXPECT_EQ(Verdict("malformed"), 9u);
  EXPECT_EQ(SamplesOfLoopbackGroup(), 0u);
}

TEST_F(RumCollectorHttp, OversizedBodiesAre413WithoutBeingRead) {
  StartWith();
  // Declared far beyond the limit, no body sent at all: refused from the header alone.
  const HttpResult huge = RawHttp(
      port_, "POST /rum/beacon HTTP/1.1\r\nHost: x\r\nContent-Length: 1099511627776\r\n\r\n", false, 3);
  EXPECT_EQ(huge.status, 413);
  EXPECT_NE(huge.body.find("2048"), std::string::npos) << huge.body;
  // A complete body just over the limit.
  const std::string big = BeaconJson("pv-big") + std::string(2100, ' ');
  EXPECT_EQ(Post(big).status, 413);
  // Chunked, growing past the limit: cut off when it gets there.
  std::string chunked = "POST /rum/beacon HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) chunked += "400\r\n" + std::string(0x400, ' ') + "\r\n";
  const HttpResult c = RawHttp(port_, chunked, false, 3);
  EXPECT_EQ(c.status, 413);
  // The server is still fine and nothing was recorded.
  EXPECT_EQ(Post(BeaconJson("pv-after")).status, 204);
  EXPECT_EQ(Verdict("accepted"), 1u);
}

TEST_F(RumCollectorHttp, ChunkedBeaconWithinTheLimitIsAccepted) {
  StartWith();
  const std::string body = BeaconJson("pv-chunked");
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  const HttpResult r = RawHttp(port_, "POST /rum/beacon HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                      "Transfer-Encoding: chunked\r\n\r\n" +
                                          std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n");
  EXPECT_EQ(r.status, 204) << r.body;
}

TEST_F(RumCollectorHttp, ReplayedBeaconIs409) {
  StartWith();
  EXPECT_EQ(Post(BeaconJson("pv-replay")).status, 204);
  const auto before = SamplesOfLoopbackGroup();
  const HttpResult again = Post(BeaconJson("pv-replay"));
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find("replayed"), std::string::npos);
  EXPECT_EQ(SamplesOfLoopbackGroup(), before);
}

TEST_F(RumCollectorHttp, OutOfRangeUnknownPopAndStaleAre422) {
  StartWith();
  const HttpResult range =
      Post(BeaconJson("pv-r", UnixNow(), R"({"pop":"pop-fast","ok":true,"rtt_ms":1e7,"dur_ms":1e7,"bytes":1})"));
  EXPECT_EQ(range.status, 422);
  EXPECT_NE(range.body.find("out_of_range"), std::string::npos);
  const HttpResult pop = Post(BeaconJson("pv-p", UnixNow(), R"({"pop":"pop-mars","ok":true,"rtt_ms":1,"bytes":1})"));
  EXPECT_EQ(pop.status, 422);
  EXPECT_NE(pop.body.find("unknown_pop"), std::string::npos);
  const HttpResult stale = Post(BeaconJson("pv-s", UnixNow() - 3600));
  EXPECT_EQ(stale.status, 422);
  EXPECT_NE(stale.body.find("stale"), std::string::npos);
  EXPECT_EQ(Verdict("out_of_range"), 1u);
  EXPECT_EQ(Verdict("unknown_pop"), 1u);
  EXPECT_EQ(Verdict("stale"), 1u);
  EXPECT_EQ(SamplesOfLoopbackGroup(), 0u);
}

TEST_F(RumCollectorHttp, RateLimitedPerClientIs429) {
  StartWith(/*rate_per_s=*/0.01, /*burst=*/3);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Post(BeaconJson("pv-rl-" + std::to_string(i))).status, 204) << i;
  const HttpResult limited = Post(BeaconJson("pv-rl-3"));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Header("Retry-After"), "1");
  EXPECT_EQ(Verdict("rate_limited"), 1u);
  EXPECT_EQ(Verdict("accepted"), 3u);
}

TEST_F(RumCollectorHttp, SenderOutsideEveryGroupIs403) {
  StartWith();
  // 127.0.5.9 is loopback but in no group's prefix (g-lo is 127.0.0.0/24).
  const HttpResult r = PostFrom("127.0.5.9", port_, BeaconJson("pv-outsider"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(Verdict("unknown_client"), 1u);
  // The same beacon from inside the group is fine.
  EXPECT_EQ(PostFrom("127.0.0.1", port_, BeaconJson("pv-insider")).status, 204);
}

TEST_F(RumCollectorHttp, WrongMethodsAndPaths) {
  StartWith();
  const HttpResult get_beacon = Http(port_, "GET", "/rum/beacon");
  EXPECT_EQ(get_beacon.status, 405);
  EXPECT_EQ(get_beacon.Header("Allow"), "POST");
  const HttpResult post_page = Http(port_, "POST", "/", "x");
  EXPECT_EQ(post_page.status, 405);
  EXPECT_EQ(post_page.Header("Allow"), "GET, HEAD");
  EXPECT_EQ(Http(port_, "DELETE", "/rum/state").status, 405);
  EXPECT_EQ(Http(port_, "GET", "/nope").status, 404);
  EXPECT_EQ(Http(port_, "GET", "/rum/beacon/../state").status, 404);
  EXPECT_EQ(Http(port_, "HEAD", "/").status, 200);
}

TEST_F(RumCollectorHttp, GarbageOnTheWireNeverTakesTheServerDown) {
  StartWith();
  EXPECT_EQ(RawHttp(port_, "\x16\x03\x01\x02\x00garbage\r\n\r\n", false, 3).status, 400);
  EXPECT_EQ(RawHttp(port_, "POST /rum/beacon HTTP/1.1\r\nContent-Length: -5\r\n\r\n", false, 3).status, 400);
  EXPECT_EQ(RawHttp(port_, "POST /rum/beacon HTTP/1.1\r\nContent-Length: 10\r\nContent-Length: 20\r\n\r\n", false, 3)
                .status,
            400);
  EXPECT_EQ(RawHttp(port_, "GET / HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n", false, 3).status, 431);
  EXPECT_EQ(Post(BeaconJson("pv-still-up")).status, 204);
}

// A browser blocks an https page's http:// fetches: such a collector would measure nothing.
TEST(RumCollectorTls, AnHttpsPageWithHttpTestObjectsIsRefused) {
  const Scenario s = LoadScenarioFile(kScenario);
  RumCollectorConfig config;
  config.listen = testing::Loopback(0);
  config.object_port = 18081;
  config.tls = testing::ServerWith("server");
  boost::asio::io_context io;
  AsioClock clock(io);
  NullMetricsSink metrics;
  try {
    RumCollectorService collector(s, s.policies.front(), io, clock, metrics, config);
    FAIL() << "constructed";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("mixed content"), std::string::npos) << e.what();
  }
  config.objects_over_https = true;
  RumCollectorService collector(s, s.policies.front(), io, clock, metrics, config);
  EXPECT_TRUE(collector.Secure());
}

}  // namespace
}  // namespace cdnlab
