// The hybrid policy on real sockets: a RoutingControllerService takes signed probe reports over
// UDP while a RumCollectorService hosted next to it (as `realnet controller --rum-listen` does)
// takes beacons over HTTP, and both feed the controller's one MeasurementStore: a probe report
// and a beacon about the same (group, PoP) land in the same cell, and the mapping the
// controller's DNS server answers from follows whichever measurement is best.
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "realnet/routing/catalog.h"
#include "realnet/routing/controller_service.h"
#include "realnet/routing/probe_report_signer.h"
#include "realnet/rum/collector_service.h"
#include "scenarios/loader/scenario_loader.h"
#include "tests/realnet/streaming/test_support.h"

namespace cdnlab {
namespace {

using testing::Http;
using testing::HttpResult;

const char* const kScenario = CDNLAB_SOURCE_DIR "/tests/realnet/data/rum_loopback.yaml";
const std::string kPopMidSecret = "pop-mid's secret for the hybrid test";

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A beacon from g-lo (the test speaks from 127.0.0.1) with RUM timings, as tag.js posts it.
std::string BeaconJson(const std::string& pv, const std::string& timings) {
  const double t = NowMs() / 1000.0;
  return R"({"v":1,"pv":")" + pv + R"(","t":)" + std::to_string(t) + R"(,"m":[)" + timings + "]}";
}

std::string Timing(const std::string& pop, double rtt_ms) {
  return R"({"pop":")" + pop + R"(","ok":true,"rtt_ms":)" + std::to_string(rtt_ms) + R"(,"dur_ms":)" +
         std::to_string(rtt_ms + 1) + R"(,"bytes":10000})";
}

class ControllerBeacons : public ::testing::Test {
 protected:
  void StartWith(const std::string& policy_name) {
    scenario_ = LoadScenarioFile(kScenario);
    // Ports the OS has free now (the scenario's are fixed), and measurements that do not age out
    // on a loaded machine.
    const Ipv4Address loopback{0x7F000001};
    scenario_.realnet.controller = Endpoint{loopback, testing::FreeUdpPort()};
    scenario_.realnet.dns = Endpoint{loopback, 0};
    for (auto& p : scenario_.policies) {
      p.max_age_s = 600;
      if (p.name == policy_name) policy_ = &p;
    }
    ASSERT_NE(policy_, nullptr);
    catalog_ = RealnetCatalog(scenario_);
    FederationIdentity keys;
    keys.AddParticipant("pop-mid", kPopMidSecret);
    ProbeReportVerifierConfig checks;
    checks.pop_keys.AddPublicKey("pop-mid", *keys.PublicKeyHex("pop-mid"));
    checks.max_skew_ms = 30000;
    clock_ = std::make_unique<AsioClock>(io_);
    transport_ = std::make_unique<AsioDatagramTransport>(io_);
    controller_ = std::make_unique<RoutingControllerService>(scenario_, *policy_, io_, *clock_, *transport_, metrics_,
                                                             checks);
    RumCollectorConfig config;
    config.listen = testing::Loopback(0);
    config.object_port = 18081;
    config.collector.rate_per_client_per_s = 100;
    config.collector.burst_per_client = 100;
    collector_ = std::make_unique<RumCollectorService>(scenario_, *policy_, io_, *clock_, metrics_, config,
                                                       RumMeasurements{controller_->Store(), controller_->Table()});
    controller_->Start();
    collector_->Start();
    port_ = collector_->Port();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    if (thread_.joinable()) {
      boost::asio::post(io_, [this] {
        collector_->Stop();
        controller_->Stop();
      });
      io_.stop();
      thread_.join();
    }
  }

  void SendReport(const std::string& pop, double rtt_ms, std::uint64_t seq) {
    ProbeReportSigner signer(catalog_, pop, kPopMidSecret, seq);
    ProbeOutcome o;
    for (PopIndex p = 0; p < catalog_.pops.size(); ++p) {
      if (catalog_.pops[p].id == pop) o.pop = p;
    }
    o.group = 0;  // g-lo
    o.rtt_ms = rtt_ms;
    o.sent = 3;
    o.received = 3;
    const Bytes datagram = signer.Seal(o, NowMs());
    boost::asio::io_context io;
    boost::asio::ip::udp::socket socket(io, boost::asio::ip::udp::v4());
    socket.send_to(boost::asio::buffer(datagram),
                   boost::asio::ip::udp::endpoint(boost::asio::ip::make_address_v4("127.0.0.1"),
                                                  scenario_.realnet.controller.port));
  }

  // /rum/state, served on the io thread: the store and the controller's mapping, read safely.
  nlohmann::json State() {
    const HttpResult r = Http(port_, "GET", "/rum/state");
    EXPECT_EQ(r.status, 200);
    return r.status == 200 ? nlohmann::json::parse(r.body) : nlohmann::json::object();
  }
  nlohmann::json GLo() {
    const auto state = State();
    return state.contains("groups") ? state["groups"][0] : nlohmann::json::object();
  }
  // Polls until g-lo is mapped to `pop` (at most 10 s; the mapping recomputes every 0.25 s).
  bool WaitForGLoOn(const std::string& pop) {
    for (int i = 0; i < 100; ++i) {
      const auto g = GLo();
      if (g.contains("pop") && g["pop"] == pop) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  Scenario scenario_;
  const PolicySpec* policy_ = nullptr;
  RoutingCatalog catalog_;
  boost::asio::io_context io_;
  std::unique_ptr<AsioClock> clock_;
  std::unique_ptr<AsioDatagramTransport> transport_;
  NullMetricsSink metrics_;
  std::unique_ptr<RoutingControllerService> controller_;
  std::unique_ptr<RumCollectorService> collector_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

TEST_F(ControllerBeacons, ProbeReportsAndBeaconsFeedOneStoreThatTheMappingRanks) {
  StartWith("hybrid");
  ASSERT_TRUE(controller_->TakesReports());
  EXPECT_TRUE(GLo()["pop"].is_null()) << "nothing measured yet";

  // 1. A probe report alone: g-lo is 30 ms from pop-mid, so mapped there.
  SendReport("pop-mid", 30, 1);
  ASSERT_TRUE(WaitForGLoOn("pop-mid")) << State().dump();
  EXPECT_EQ(GLo()["samples"]["pop-mid"], 1);

  // 2. A beacon: pop-fast 20 ms, pop-mid 50 ms. The beacon's pop-mid timing joins the probe's
  // sample in the same cell (EWMA, alpha 0.5: 40 ms), which pop-fast beats by the hysteresis
  // margin (10% and 5 ms: below 31 ms).
  const HttpResult r = Http(port_, "POST", "/rum/beacon",
                            BeaconJson("pv-hybrid-1", Timing("pop-fast", 20) + "," + Timing("pop-mid", 50)));
  ASSERT_EQ(r.status, 204) << r.body;
  ASSERT_TRUE(WaitForGLoOn("pop-fast")) << State().dump();
  const auto g = GLo();
  EXPECT_EQ(g["samples"]["pop-mid"], 2) << "one probe train and one beacon timing";
  EXPECT_EQ(g["samples"]["pop-fast"], 1);
  EXPECT_DOUBLE_EQ(g["rtt_ms"]["pop-mid"].get<double>(), 40.0) << "0.5 * 50 + 0.5 * 30";
  EXPECT_DOUBLE_EQ(g["rtt_ms"]["pop-fast"].get<double>(), 20.0);
  const auto state = State();
  EXPECT_EQ(state["beacons"]["accepted"], 1);
  EXPECT_GE(state["mapping_version"].get<std::uint64_t>(), 2u) << "the controller's own mapping, not a copy";

  // 3. Probe reports keep arriving: pop-mid at 1 ms takes g-lo back once its cell's EWMA
  // (40, 20.5, 10.75, ...) is below pop-fast's 20 ms by the margin (below 13 ms).
  for (std::uint64_t seq = 2; seq <= 6; ++seq) SendReport("pop-mid", 1, seq);
  ASSERT_TRUE(WaitForGLoOn("pop-mid")) << State().dump();
  EXPECT_EQ(GLo()["samples"]["pop-mid"], 7);
}

TEST_F(ControllerBeacons, TheRumPolicyRanksBeaconsOnly) {
  StartWith("rum");
  EXPECT_FALSE(controller_->TakesReports()) << "rum, as in simulation, has no probe reports";
  const HttpResult r =
      Http(port_, "POST", "/rum/beacon", BeaconJson("pv-rum-1", Timing("pop-slow", 120) + "," + Timing("pop-mid", 40)));
  ASSERT_EQ(r.status, 204) << r.body;
  ASSERT_TRUE(WaitForGLoOn("pop-mid")) << State().dump();
}

}  // namespace
}  // namespace cdnlab
