// The RFC 8007 HTTP front of a gateway, in process on 127.0.0.1 (ephemeral port): a real
// CommandInvocationSystem with a SQLite journal, server agents reached through an in-process
// datagram transport, and raw HTTP/1.1 from the test thread, including hostile requests.
#include "realnet/federation/http_api.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "models/core/seeded_random_source.h"
#include "models/federation/directory.h"
#include "models/federation/messenger.h"
#include "models/federation/in_memory_content_store.h"
#include "models/federation/server_agent.h"
#include "realnet/net/asio_clock.h"
#include "tests/support/shell.h"
#include "tests/support/throwaway_pki.h"
#include "realnet/federation/sqlite_command_journal.h"
#include "realnet/net/unix_time_clock.h"

namespace cdnlab {
namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using boost::asio::ip::tcp;
using nlohmann::json;

constexpr const char* kCommandType = "application/cdni; ptype=ci-trigger-command";

// Datagrams delivered through the io_context, as UDP on loopback would be, minus the ports.
// A datagram still queued when the transport goes (a restart) is lost, as on a closed socket.
class InProcessTransport final : public DatagramTransport {
 public:
  explicit InProcessTransport(boost::asio::io_context& io) : io_(io) {}
  void Bind(const Endpoint& local, ReceiveHandler handler) override { (*handlers_)[local] = std::move(handler); }
  void Unbind(const Endpoint& local) override { handlers_->erase(local); }
  void Send(const Endpoint& from, const Endpoint& to, Bytes payload) override {
    boost::asio::post(io_, [weak = std::weak_ptr<Handlers>(handlers_), from, to, payload = std::move(payload)] {
      const auto handlers = weak.lock();
      if (!handlers) return;
      auto it = handlers->find(to);
      if (it != handlers->end()) it->second(from, payload);
    });
  }

 private:
  using Handlers = std::map<Endpoint, ReceiveHandler>;
  boost::asio::io_context& io_;
  std::shared_ptr<Handlers> handlers_ = std::make_shared<Handlers>();
};

struct HttpResult {
  int status = 0;  // 0: no response (connection closed or timed out)
  std::map<std::string, std::string> headers;
  std::string body;
  json Json() const { return json::parse(body, nullptr, false); }
};

// Plain HTTP, as an operator must ask for it explicitly.
FederationHttpTransport PlainHttpOptIn() {
  FederationHttpTransport transport;
  transport.allow_plain_bearer = true;
  return transport;
}

// cdn-a with two servers running agents (news) and one whose agent never runs (video: its
// commands stay active until cancelled). cp-news and cp-video are providers of cdn-a.

class FederationHttpApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FederationPlatform cdn_a{"cdn-a", "cdn-a-gw"};
    cdn_a.supported_types.insert(TriggerType::kStatistics);  // cdnlab's extension, opted in
    catalog_.AddPlatform(cdn_a);
    catalog_.AddServer({"a-p1", "cdn-a", ServerTier::kParent, ""});
    catalog_.AddServer({"a-e1", "cdn-a", ServerTier::kEdge, "a-p1"});
    catalog_.AddServer({"a-e2", "cdn-a", ServerTier::kEdge, "a-p1"});
    catalog_.AddProvider({"cp-news", "cdn-a"});
    catalog_.AddProvider({"cp-video", "cdn-a"});
    catalog_.AddConfiguration({"news", "cp-news", {"news.example"}, "", {}});
    catalog_.AddConfiguration({"video", "cp-video", {"video.example"}, "", {}});
    catalog_.AddDeployment({"news", "cdn-a", "", {"a-p1", "a-e1"}});
    catalog_.AddDeployment({"video", "cdn-a", "", {"a-e2"}});
    for (const char* p : {"cdn-a", "cp-news", "cp-video"}) everyone_.AddParticipant(p, std::string(p) + "-secret-0123456789");
    identity_ = everyone_.OnlyPrivateKeyOf("cdn-a");
    std::uint32_t host = 1;
    for (const char* node : {"cdn-a-gw", "a-p1", "a-e1", "a-e2"}) {
      directory_.Add(node, Endpoint{Ipv4Address{0x0A000000u + host++}, 7000}, "cdn-a");
    }
    for (const char* server : {"a-p1", "a-e1"}) {
      stores_[server].Put("https://news.example/a.html");
      stores_[server].Put("https://news.example/b.html");
    }
    journal_path_ = fs::temp_directory_path() / ("cdnlab-http-" + std::to_string(::getpid()) + "-" +
                                                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove(journal_path_);
    Boot();
  }

  void Boot() {
    journal_ = std::make_unique<SqliteCommandJournal>(journal_path_.string());
    asio_clock_ = std::make_unique<AsioClock>(io_);
    clock_ = std::make_unique<UnixTimeClock>(*asio_clock_);
    transport_ = std::make_unique<InProcessTransport>(io_);
    messenger_ = std::make_unique<FederationMessenger>(*transport_, *asio_clock_, *asio_clock_, transfer_random_,
                                                       identity_, directory_, metrics_);
    RetryPolicy retry;
    retry.initial = FromMillis(50);
    retry.max = FromMillis(200);
    retry.max_attempts = 1000;  // video's server never answers: keep trying while the test runs
    GatewayPorts ports{*clock_, *clock_, random_, metrics_, *journal_};
    cis_ = std::make_unique<CommandInvocationSystem>("cdn-a", catalog_, *messenger_, ports, retry);
    for (const char* server : {"a-p1", "a-e1"}) {
      agents_.push_back(std::make_unique<ServerAgent>(server, server, catalog_, *messenger_, stores_[server], *clock_,
                                                      metrics_));
      agents_.back()->Start();
    }
    cis_->Start();
    FederationHttpLimits limits;
    limits.io_timeout = std::chrono::milliseconds(500);
    limits.max_connections = 8;
    limits.max_body_bytes = 1 << 20;  // small, so the 413 cases stay quick (the default is 64 MiB)
    api_ = std::make_unique<FederationHttpApi>(io_, *cis_, tokens_, Endpoint{Ipv4Address{0x7F000001}, 0}, 0.0,
                                               [this] { return clock_->UnixSeconds(); }, limits);
    api_->SetForget([this](const std::string& id) { journal_->Remove(id); });
    api_->SetTransport(PlainHttpOptIn());  // raw HTTP from the test thread (HTTPS: tls_test.cpp)
    api_->Start();
    port_ = api_->Port();
    thread_ = std::thread([this] { io_.run(); });
  }

  void Shutdown() {
    OnIo([this] { api_->Stop(); });
    io_.stop();
    thread_.join();
    io_.restart();
    api_.reset();
    cis_.reset();
    agents_.clear();
    messenger_.reset();
    transport_.reset();
    clock_.reset();
    asio_clock_.reset();
    journal_.reset();
  }

  void TearDown() override {
    Shutdown();
    fs::remove(journal_path_);
    fs::remove(journal_path_.string() + "-wal");
    fs::remove(journal_path_.string() + "-shm");
  }

  // Runs `f` on the io thread (where the CIS lives) and waits for it.
  template <typename F>
  auto OnIo(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(io_, [&task] { task(); });
    return result.get();
  }

  std::string Token(const std::string& participant, std::int64_t ttl_s = 600) {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    return *BearerTokenAuthority(everyone_).Issue(participant, now + ttl_s);
  }

  // Sends raw bytes, reads one response (or notices the connection closed).
  HttpResult Raw(const std::string& bytes, int timeout_s = 5, bool head = false) {
    boost::asio::io_context client;
    tcp::socket socket(client);
    socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
    timeval tv{timeout_s, 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    boost::system::error_code ec;
    boost::asio::write(socket, boost::asio::buffer(bytes), ec);
    return ReadResponse(socket, head);
  }

  static HttpResult ReadResponse(tcp::socket& socket, bool head = false) {
    HttpResult result;
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 << 20);
    parser.skip(head);  // a response to HEAD has a Content-Length but no body
    boost::system::error_code ec;
    http::read(socket, buffer, parser, ec);
    if (ec) return result;
    const auto& r = parser.get();
    result.status = r.result_int();
    for (const auto& field : r) result.headers[std::string(field.name_string())] = std::string(field.value());
    result.body = r.body();
    return result;
  }

  static std::string Request(const std::string& method, const std::string& target,
                             const std::map<std::string, std::string>& headers, const std::string& body = "") {
    std::string out = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
    if (!body.empty() || method == "POST") out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    return out + "\r\n" + body;
  }

  HttpResult Post(const std::string& as, const std::string& body, std::map<std::string, std::string> headers = {}) {
    headers.emplace("Authorization", "Bearer " + Token(as));
    headers.emplace("Content-Type", kCommandType);
    return Raw(Request("POST", "/triggers", headers, body));
  }
  HttpResult Get(const std::string& as, const std::string& target) {
    return Raw(Request("GET", target, {{"Authorization", "Bearer " + Token(as)}}));
  }
  HttpResult Delete(const std::string& as, const std::string& target) {
    return Raw(Request("DELETE", target, {{"Authorization", "Bearer " + Token(as)}}));
  }
  std::string PathOf(const std::string& location) {
    return location.substr(location.find("/triggers/"));
  }

  static std::string Purge(const std::string& url) {
    return json{{"trigger", {{"type", "purge"}, {"content.urls", {url}}}}, {"cdn-path", json::array()}}.dump();
  }

  // Polls a status resource until `status` (at most 10 s).
  json WaitFor(const std::string& as, const std::string& path, const std::string& status) {
    json last;
    for (int i = 0; i < 200; ++i) {
      last = Get(as, path).Json();
      if (last.is_object() && last.value("status", "") == status) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "status never became " << status << ": " << last.dump();
    return last;
  }

  boost::asio::io_context io_;
  FederationCatalog catalog_;
  FederationIdentity everyone_;
  FederationIdentity identity_;
  FederationDirectory directory_;
  NullMetricsSink metrics_;
  SeededRandomSource random_{7};
  SeededRandomSource transfer_random_{8};
  std::map<std::string, InMemoryContentStore> stores_;
  fs::path journal_path_;
  std::unique_ptr<SqliteCommandJournal> journal_;
  std::unique_ptr<AsioClock> asio_clock_;
  std::unique_ptr<UnixTimeClock> clock_;
  std::unique_ptr<InProcessTransport> transport_;
  std::unique_ptr<FederationMessenger> messenger_;
  std::unique_ptr<CommandInvocationSystem> cis_;
  std::vector<std::unique_ptr<ServerAgent>> agents_;
  BearerTokenAuthority tokens_{identity_};
  std::unique_ptr<FederationHttpApi> api_;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

TEST_F(FederationHttpApiTest, TriggerIsCreatedRunAndReadBack) {
  const HttpResult created = Post("cp-news", Purge("https://news.example/a.html"));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.headers.at("Content-Type"), "application/cdni; ptype=ci-trigger-status");
  const std::string location = created.headers.at("Location");
  EXPECT_EQ(location.rfind("http://127.0.0.1:" + std::to_string(port_) + "/triggers/", 0), 0u) << location;
  const json status = created.Json();
  EXPECT_EQ(status["trigger"]["type"], "purge");
  EXPECT_TRUE(status["ctime"].is_number_integer());
  // Wall-clock seconds, not seconds since the process started.
  EXPECT_GT(status["ctime"].get<std::int64_t>(), 1'600'000'000);

  const json done = WaitFor("cp-news", PathOf(location), "complete");
  EXPECT_TRUE(done.contains("etime"));
  EXPECT_FALSE(OnIo([this] { return stores_["a-p1"].Get("https://news.example/a.html").has_value(); }));
  EXPECT_FALSE(OnIo([this] { return stores_["a-e1"].Get("https://news.example/a.html").has_value(); }));
  EXPECT_TRUE(OnIo([this] { return stores_["a-e1"].Get("https://news.example/b.html").has_value(); }));
}

TEST_F(FederationHttpApiTest, StatisticsComeBackPerServerInTheStatusResource) {
  OnIo([this] { return stores_["a-e1"].MarkStale("https://news.example/b.html"); });
  const json pattern{{"pattern", "https://news.example/*"}};
  const json body{{"trigger", {{"type", "statistics"}, {"content.patterns", json::array({pattern})}}},
                  {"cdn-path", json::array()}};
  const HttpResult created = Post("cp-news", body.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json()["trigger"]["type"], "statistics");
  const json done = WaitFor("cp-news", PathOf(created.headers.at("Location")), "complete");
  EXPECT_EQ(done["cdnlab.statistics"],
            json::parse(R"([{"server":"a-e1","configuration":"news","objects":2,"stale":1},)"
                        R"({"server":"a-p1","configuration":"news","objects":2,"stale":0}])"))
      << done.dump();
  EXPECT_TRUE(OnIo([this] { return stores_["a-p1"].Get("https://news.example/a.html").has_value(); }));
  EXPECT_FALSE(OnIo([this] { return stores_["a-p1"].Get("https://news.example/b.html")->stale; }));
  // Other triggers' status resources have no such member.
  const HttpResult purge = Post("cp-news", Purge("https://news.example/a.html"));
  EXPECT_FALSE(WaitFor("cp-news", PathOf(purge.headers.at("Location")), "complete").contains("cdnlab.statistics"));
}

TEST_F(FederationHttpApiTest, RepeatedIdempotencyKeyGetsTheSameLocation) {
  const auto first = Post("cp-news", Purge("https://news.example/a.html"), {{"Idempotency-Key", "purge-42"}});
  const auto again = Post("cp-news", Purge("https://news.example/b.html"), {{"Idempotency-Key", "purge-42"}});
  ASSERT_EQ(first.status, 201);
  ASSERT_EQ(again.status, 201);
  EXPECT_EQ(first.headers.at("Location"), again.headers.at("Location"));
  EXPECT_EQ(again.Json()["trigger"]["content.urls"][0], "https://news.example/a.html");
  // The same key from another participant is another request.
  const auto other = Post("cp-video", Purge("https://video.example/v.mp4"), {{"Idempotency-Key", "purge-42"}});
  EXPECT_NE(other.headers.at("Location"), first.headers.at("Location"));
  // Without a key every POST is new.
  EXPECT_NE(Post("cp-news", Purge("https://news.example/a.html")).headers.at("Location"),
            Post("cp-news", Purge("https://news.example/a.html")).headers.at("Location"));
  EXPECT_EQ(Post("cp-news", Purge("https://news.example/a.html"), {{"Idempotency-Key", std::string(129, 'k')}}).status,
            400);
}

TEST_F(FederationHttpApiTest, StatusAndCollectionsAreVisibleOnlyToTheIssuer) {
  const std::string news = Post("cp-news", Purge("https://news.example/a.html")).headers.at("Location");
  const std::string video = Post("cp-video", Purge("https://video.example/v.mp4")).headers.at("Location");
  EXPECT_EQ(Get("cp-news", PathOf(news)).status, 200);
  const HttpResult foreign = Get("cp-video", PathOf(news));
  EXPECT_EQ(foreign.status, 404);
  EXPECT_NE(foreign.Json()["error"].get<std::string>().find("of yours"), std::string::npos);

  const HttpResult all = Get("cp-news", "/triggers");
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(all.headers.at("Content-Type"), "application/cdni; ptype=ci-trigger-collection");
  const json collection = all.Json();
  EXPECT_EQ(collection["triggers"], json::array({news}));
  EXPECT_EQ(collection["staleresourcetime"], 86400);
  EXPECT_EQ(collection["coll-all"], "http://127.0.0.1:" + std::to_string(port_) + "/triggers");
  EXPECT_TRUE(collection.contains("coll-pending") && collection.contains("coll-active") &&
              collection.contains("coll-complete") && collection.contains("coll-failed"));
  EXPECT_EQ(collection["cdn-id"], "cdn-a");
  EXPECT_EQ(Get("cp-video", "/triggers").Json()["triggers"], json::array({video}));
  // HEAD: the GET's headers, no body.
  const HttpResult head = Raw(Request("HEAD", "/triggers", {{"Authorization", "Bearer " + Token("cp-news")}}), 5, true);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.headers.at("Content-Length"), std::to_string(all.body.size()));
  EXPECT_TRUE(head.body.empty());
  // Conditional GET (RFC 8007 section 6): the collection's ETag, 304 while it is unchanged.
  ASSERT_EQ(all.headers.count("ETag"), 1u);
  EXPECT_EQ(all.headers.at("Cache-Control"), "max-age=60");
  const HttpResult same = Raw(Request("GET", "/triggers", {{"Authorization", "Bearer " + Token("cp-news")},
                                                           {"If-None-Match", "W/" + all.headers.at("ETag")}}),
                              5, true);
  EXPECT_EQ(same.status, 304);
  EXPECT_EQ(same.headers.at("ETag"), all.headers.at("ETag"));

  WaitFor("cp-news", PathOf(news), "complete");
  EXPECT_EQ(Get("cp-news", "/triggers/complete").Json()["triggers"], json::array({news}));
  EXPECT_EQ(Get("cp-news", "/triggers/active").Json()["triggers"], json::array());
  EXPECT_EQ(Get("cp-video", "/triggers/active").Json()["triggers"], json::array({video}));
}

TEST_F(FederationHttpApiTest, UnauthorizedCommandFailsWithEperm) {
  // cp-video purging news: authenticated, but not its configuration.
  const HttpResult created = Post("cp-video", Purge("https://news.example/a.html"));
  ASSERT_EQ(created.status, 201) << created.body;
  const json failed = WaitFor("cp-video", PathOf(created.headers.at("Location")), "failed");
  EXPECT_EQ(failed["errors"][0]["error"], "eperm") << failed.dump();
  EXPECT_TRUE(OnIo([this] { return stores_["a-p1"].Get("https://news.example/a.html").has_value(); }));
}

TEST_F(FederationHttpApiTest, CancelThenDelete) {
  const std::string video = Post("cp-video", Purge("https://video.example/v.mp4")).headers.at("Location");
  WaitFor("cp-video", PathOf(video), "active");

  // Someone else cannot cancel it; the owner can (RFC 8007 errata 5064 shape).
  const json cancel{{"cancel", {video}}, {"cdn-path", json::array()}};
  EXPECT_EQ(Post("cp-news", cancel.dump()).status, 404);
  const HttpResult cancelled = Post("cp-video", cancel.dump());
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.Json()["triggers"], json::array({video}));
  const json final_status = WaitFor("cp-video", PathOf(video), "cancelled");
  EXPECT_EQ(final_status["errors"][0]["error"], "ecanceled");
  // Cancelling a finished trigger changes nothing.
  EXPECT_EQ(Post("cp-video", cancel.dump()).Json()["triggers"], json::array());

  EXPECT_EQ(Delete("cp-news", PathOf(video)).status, 404);
  const HttpResult deleted = Delete("cp-video", PathOf(video));
  EXPECT_EQ(deleted.status, 204);
  EXPECT_EQ(Get("cp-video", PathOf(video)).status, 404);
  EXPECT_EQ(Get("cp-video", "/triggers").Json()["triggers"], json::array());
  EXPECT_EQ(Delete("cp-video", PathOf(video)).status, 404);

  // Deleting a running trigger stops it (RFC 8007 section 4.4) and hides it at once.
  const std::string running = Post("cp-video", Purge("https://video.example/w.mp4")).headers.at("Location");
  WaitFor("cp-video", PathOf(running), "active");
  EXPECT_EQ(Delete("cp-video", PathOf(running)).status, 204);
  EXPECT_EQ(Get("cp-video", PathOf(running)).status, 404);
  const std::string id = PathOf(running).substr(std::string("/triggers/").size());
  EXPECT_EQ(OnIo([&] { return cis_->Find(id)->status.Status(); }), TriggerStatus::kCancelled);
}

TEST_F(FederationHttpApiTest, PendingCommandsAndDeletionsSurviveARestart) {
  const std::string video = Post("cp-video", Purge("https://video.example/v.mp4")).headers.at("Location");
  const std::string news = Post("cp-news", Purge("https://news.example/a.html")).headers.at("Location");
  const std::string stopped = Post("cp-video", Purge("https://video.example/w.mp4")).headers.at("Location");
  WaitFor("cp-news", PathOf(news), "complete");
  EXPECT_EQ(Delete("cp-news", PathOf(news)).status, 204);
  EXPECT_EQ(Delete("cp-video", PathOf(stopped)).status, 204);  // still running when deleted
  Shutdown();
  Boot();  // same journal file, new process state
  EXPECT_EQ(Get("cp-video", PathOf(video)).Json()["status"], "active");
  EXPECT_EQ(Get("cp-news", PathOf(news)).status, 404);
  EXPECT_EQ(Get("cp-video", PathOf(stopped)).status, 404);
  const json listed = Get("cp-video", "/triggers").Json()["triggers"];  // the port is new: compare paths
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(PathOf(listed[0].get<std::string>()), PathOf(video));
  // New ids continue after the journal's.
  const std::string next = Post("cp-news", Purge("https://news.example/b.html")).headers.at("Location");
  EXPECT_NE(next, news);
  EXPECT_NE(next, video);
}

TEST_F(FederationHttpApiTest, BadRequestsGetTheRightStatusAndAJsonError) {
  const std::string token = "Bearer " + Token("cp-news");
  const auto error_of = [](const HttpResult& r) { return r.Json().value("error", std::string("<no error member>")); };

  // 400: not JSON, wrong shape (with the JSON path), both trigger and cancel.
  HttpResult r = Post("cp-news", "{\"trigger\": ");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers.at("Content-Type"), "application/json");
  r = Post("cp-news", R"({"trigger": {"type": "purge", "content.urls": [7]}, "cdn-path": []})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_of(r).rfind("trigger.content.urls[0]: ", 0), 0u) << error_of(r);
  r = Post("cp-news", R"({"trigger": {"type": 7, "content.urls": ["https://news.example/a"]}, "cdn-path": []})");
  EXPECT_EQ(error_of(r).rfind("trigger.type: ", 0), 0u) << error_of(r);
  // An unknown type is no bad request (RFC 8007 section 5.2.6): created, then failed "eunsupported".
  r = Post("cp-news", R"({"trigger": {"type": "explode", "content.urls": ["https://news.example/a"]}, "cdn-path": []})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(WaitFor("cp-news", PathOf(r.headers.at("Location")), "failed")["errors"][0]["error"], "eunsupported");
  EXPECT_EQ(Post("cp-news", R"({"cancel": [], "cdn-path": []})").status, 400);
  EXPECT_EQ(Post("cp-news", "[]").status, 400);

  // 401: no token, a bad scheme, expired, forged, unknown participant.
  r = Raw(Request("GET", "/triggers", {}));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers.at("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(Raw(Request("GET", "/triggers", {{"Authorization", "Basic Y3A6cGFzcw=="}})).status, 401);
  r = Raw(Request("GET", "/triggers", {{"Authorization", "Bearer " + Token("cp-news", -5)}}));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(error_of(r), "bearer token expired");
  std::string forged = Token("cp-news");
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_EQ(Raw(Request("GET", "/triggers", {{"Authorization", "Bearer " + forged}})).status, 401);
  FederationIdentity outsider;
  outsider.AddParticipant("cp-rogue", "cp-rogue-secret-0123456789");
  const auto rogue = *BearerTokenAuthority(outsider).Issue("cp-rogue", 4'000'000'000);
  EXPECT_EQ(Raw(Request("GET", "/triggers", {{"Authorization", "Bearer " + rogue}})).status, 401);
  // A token is checked before the body is even read.
  EXPECT_EQ(Raw(Request("POST", "/triggers", {{"Content-Type", kCommandType}}, Purge("https://news.example/a"))).status,
            401);

  // 404: unknown paths and ids.
  EXPECT_EQ(Raw(Request("GET", "/", {{"Authorization", token}})).status, 404);
  EXPECT_EQ(Raw(Request("GET", "/triggers/nope", {{"Authorization", token}})).status, 404);
  EXPECT_EQ(Raw(Request("GET", "/triggers/a/b", {{"Authorization", token}})).status, 404);
  EXPECT_EQ(Raw(Request("GET", "/triggers/%zz", {{"Authorization", token}})).status, 404);

  // 405 with Allow.
  r = Raw(Request("PUT", "/triggers", {{"Authorization", token}}, "{}"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.at("Allow"), "GET, HEAD, POST");
  r = Raw(Request("POST", "/triggers/cdn-a-t1", {{"Authorization", token}, {"Content-Type", kCommandType}}, "{}"));
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.at("Allow"), "GET, HEAD, DELETE");
  EXPECT_EQ(Raw(Request("PATCH", "/triggers/active", {{"Authorization", token}})).headers.at("Allow"), "GET, HEAD");
  EXPECT_EQ(Raw(Request("DELETE", "/triggers", {{"Authorization", token}})).status, 405);

  // 413: declared over 1 MiB (refused before reading), and chunked over 1 MiB.
  const std::string big(1024 * 1024 + 1, ' ');
  r = Post("cp-news", big);
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(error_of(r).find("1048576"), std::string::npos);
  std::string chunked = "POST /triggers HTTP/1.1\r\nHost: x\r\nAuthorization: " + token +
                        "\r\nContent-Type: " + kCommandType + "\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 17; ++i) chunked += "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
  chunked += "0\r\n\r\n";
  EXPECT_EQ(Raw(chunked).status, 413);

  // 415: a missing or wrong content type.
  EXPECT_EQ(Raw(Request("POST", "/triggers", {{"Authorization", token}}, Purge("https://news.example/a"))).status, 415);
  EXPECT_EQ(Post("cp-news", Purge("https://news.example/a"), {{"Content-Type", "application/json"}}).status, 415);
  EXPECT_EQ(Post("cp-news", Purge("https://news.example/a"), {{"Content-Type", "application/cdni; ptype=ci-trigger-status"}}).status,
            415);
  // Accepted spellings of the right one.
  EXPECT_EQ(Post("cp-news", Purge("https://news.example/a"), {{"Content-Type", "Application/CDNI;ptype=\"ci-trigger-command\""}}).status,
            201);
}

TEST_F(FederationHttpApiTest, HostileClientsNeitherCrashNorHangTheServer) {
  // Garbage instead of HTTP.
  EXPECT_EQ(Raw(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + "\r\n\r\n").status, 400);
  EXPECT_EQ(Raw("GET /triggers HTTP/1.1\r\nHost x\r\n\r\n").status, 400);
  // Bytes that are not UTF-8, echoed in error messages (JSON cannot carry them as they are).
  const std::string auth = "Bearer " + Token("cp-news");
  EXPECT_EQ(Raw(Request("GET", "/triggers/%FF%FE", {{"Authorization", auth}})).status, 404);
  EXPECT_EQ(Raw(Request("GET", "/\xff\xfe", {{"Authorization", auth}})).status, 404);
  EXPECT_EQ(Post("cp-news", "{}", {{"Content-Type", "application/\xff"}}).status, 415);
  EXPECT_EQ(Post("cp-news", "{\"trigger\": \"\xff\"}").status, 400);
  // A header over the limit.
  EXPECT_EQ(Raw(Request("GET", "/triggers", {{"X-Junk", std::string(20000, 'j')}})).status, 431);
  // Deeply nested JSON within the size limit.
  const HttpResult nested = Post("cp-news", std::string(500000, '[') + std::string(500000, ']'));
  EXPECT_EQ(nested.status, 400);
  // A slow client: half a request, then silence. The server gives up after its timeout.
  {
    boost::asio::io_context client;
    tcp::socket socket(client);
    socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
    timeval tv{5, 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    boost::asio::write(socket, boost::asio::buffer(std::string("GET /triggers HTTP/1.1\r\nHost: x\r\n")));
    const auto start = std::chrono::steady_clock::now();
    char byte;
    boost::system::error_code ec;
    socket.read_some(boost::asio::buffer(&byte, 1), ec);
    EXPECT_EQ(ec, boost::asio::error::eof) << ec.message();  // closed by the server, not our 5 s timeout
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  }
  // Connections over the limit are refused; the server still answers afterwards.
  {
    boost::asio::io_context client;
    std::vector<tcp::socket> idle;
    for (int i = 0; i < 12; ++i) {
      idle.emplace_back(client);
      idle.back().connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // the idle ones time out
  EXPECT_EQ(Get("cp-news", "/triggers").status, 200);
  // Keep-alive: two requests on one connection.
  {
    boost::asio::io_context client;
    tcp::socket socket(client);
    socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
    const std::string get = "GET /triggers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Token("cp-news") + "\r\n\r\n";
    boost::asio::write(socket, boost::asio::buffer(get));
    EXPECT_EQ(ReadResponse(socket).status, 200);
    boost::asio::write(socket, boost::asio::buffer(get));
    EXPECT_EQ(ReadResponse(socket).status, 200);
  }
}

TEST_F(FederationHttpApiTest, PortInUseIsAClearError) {
  FederationHttpApi second(io_, *cis_, tokens_, Endpoint{Ipv4Address{0x7F000001}, port_}, 0.0, [] { return 0; });
  second.SetTransport(PlainHttpOptIn());
  try {
    second.Start();
    FAIL() << "listened twice on one port";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(port_)), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("in use"), std::string::npos) << e.what();
  }
}

TEST_F(FederationHttpApiTest, BearerTokensOverPlainHttpNeedTheOperatorsConsent) {
  FederationHttpApi plain(io_, *cis_, tokens_, Endpoint{Ipv4Address{0x7F000001}, 0}, 0.0, [] { return 0; });
  try {
    plain.Start();
    FAIL() << "served bearer tokens over plain HTTP without being allowed to";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("HTTPS"), std::string::npos) << e.what();
  }
  plain.SetTransport(PlainHttpOptIn());
  EXPECT_NO_THROW(plain.Start());
  EXPECT_EQ(plain.BaseUrl().rfind("http://", 0), 0u) << plain.BaseUrl();
  plain.Stop();
}

// RFC 8007 section 8: the API over HTTPS, here with mutual TLS (a federation peer's client
// certificate), checked with curl and a throwaway CA.
TEST_F(FederationHttpApiTest, HttpsWithMutualTlsCarriesTriggersAndRefusesStrangers) {
  const testing::ThrowawayPki pki;
  FederationHttpTransport transport;
  transport.tls.cert_chain_file = pki.File("server.pem");
  transport.tls.key_file = pki.File("server.key");
  transport.tls.client_ca_file = pki.File("ca.pem");
  transport.tls.require_client_cert = true;
  std::unique_ptr<FederationHttpApi> https;
  const std::uint16_t port = OnIo([&] {
    https = std::make_unique<FederationHttpApi>(io_, *cis_, tokens_, Endpoint{Ipv4Address{0x7F000001}, 0}, 0.0,
                                                [this] { return clock_->UnixSeconds(); });
    https->SetTransport(transport);
    https->Start();
    return https->Port();
  });
  const std::string url = "https://127.0.0.1:" + std::to_string(port) + "/triggers";
  const std::string post = "curl -sS --max-time 5 -o /dev/null -w '%{http_code} %header{location}' -X POST"
                           " -H 'Authorization: Bearer " + Token("cp-news") + "' -H 'Content-Type: " + kCommandType +
                           "' --data-binary '" + Purge("https://news.example/a.html") + "' ";
  const std::string client = " --cert " + pki.File("client.pem") + " --key " + pki.File("client.key") + " ";

  const auto created = testing::RunShell(post + "--cacert " + pki.File("ca.pem") + client + url);
  EXPECT_EQ(created.exit_code, 0) << created.output;
  EXPECT_EQ(created.output.rfind("201 ", 0), 0u) << created.output;
  EXPECT_NE(created.output.find(url + "/"), std::string::npos) << "Location is https: " << created.output;

  const auto wrong_ca = testing::RunShell(post + "--cacert " + pki.File("other-ca.pem") + client + url);
  EXPECT_EQ(wrong_ca.exit_code, 60) << wrong_ca.output;
  const auto no_client_cert = testing::RunShell(post + "--cacert " + pki.File("ca.pem") + " " + url);
  EXPECT_NE(no_client_cert.exit_code, 0) << no_client_cert.output;
  EXPECT_EQ(no_client_cert.output.find("201"), std::string::npos) << no_client_cert.output;
  const auto plain = testing::RunShell(post + "http://127.0.0.1:" + std::to_string(port) + "/triggers");
  EXPECT_NE(plain.exit_code, 0) << plain.output;  // no bearer token in clear on the HTTPS port
  for (int i = 0; i < 100 && OnIo([&] { return https->HandshakesFailed(); }) < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(OnIo([&] { return https->HandshakesFailed(); }), 3u);
  OnIo([&] {
    https.reset();
    return 0;
  });
}

// What a gateway restart relies on (the restart test above crashed on it now and then): a
// timer that expired while the io_context was being stopped has its completion queued; once
// its clock is gone, or the timer cancelled, that completion must do nothing when the
// io_context runs again. Two zero-delay timers expire in one pass, so the second's
// completion is queued when the first stops the io_context.
TEST(AsioClockAcrossARestart, AnExpiredTimerDoesNotOutliveItsClockOrItsCancel) {
  boost::asio::io_context io;
  int late = 0;
  {
    AsioClock clock(io);
    clock.ScheduleAfter(Duration::zero(), [&io] { io.stop(); });
    clock.ScheduleAfter(Duration::zero(), [&late] { ++late; });
    io.run();
    EXPECT_EQ(late, 0);
  }  // the clock goes with the second completion still queued
  io.restart();
  io.run();  // (touched the destroyed clock and ran the callback before the fix)
  EXPECT_EQ(late, 0);

  io.restart();
  AsioClock clock(io);
  TimerId second = 0;
  clock.ScheduleAfter(Duration::zero(), [&] { clock.Cancel(second); });
  second = clock.ScheduleAfter(Duration::zero(), [&late] { ++late; });
  io.run();
  EXPECT_EQ(late, 0);  // cancelled after it expired, before its completion ran: it never runs
  EXPECT_EQ(clock.Pending(), 0u);
}

}  // namespace
}  // namespace cdnlab
