// A real controller (RoutingControllerService on loopback UDP) against every kind of report an
// attacker or a broken agent can send: only the good ones reach the measurement store and move
// the mapping; each other kind is refused and counted under its reason.
#include "realnet/routing/controller_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

#include <boost/asio/ip/udp.hpp>

#include "realnet/routing/catalog.h"
#include "realnet/routing/probe_report_signer.h"
#include "scenarios/loader/scenario_loader.h"
#include "tests/support/shell.h"

namespace cdnlab {
namespace {

const std::string kPopASecret = "pop-a's secret for the report test";
const std::string kPopBSecret = "pop-b's secret for the report test";

// Counts by name and "reason" label, which RecordingMetricsSink does not keep apart.
class ReasonCountingSink final : public MetricsSink {
 public:
  void Count(std::string_view name, double delta, const MetricLabels& labels) override {
    std::string key(name);
    for (const auto& [k, v] : labels) key += "{" + k + "=" + v + "}";
    counters[key] += delta;
  }
  void Sample(std::string_view, SimTime, double, const MetricLabels&) override {}
  std::map<std::string, double> counters;
};

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

ProbeOutcome G1Outcome(const RoutingCatalog& catalog, const std::string& pop, double rtt_ms) {
  ProbeOutcome o;
  for (PopIndex p = 0; p < catalog.pops.size(); ++p) {
    if (catalog.pops[p].id == pop) o.pop = p;
  }
  o.group = 0;  // g1
  o.rtt_ms = rtt_ms;
  o.sent = 3;
  o.received = 3;
  return o;
}

class ControllerReportsTest : public ::testing::Test {
 protected:
  ControllerReportsTest() : scenario_(LoadScenario()), catalog_(RealnetCatalog(scenario_)) {
    FederationIdentity keys;
    keys.AddParticipant("pop-a", kPopASecret);
    keys.AddParticipant("pop-b", kPopBSecret);
    ProbeReportVerifierConfig checks;
    checks.pop_keys.AddPublicKey("pop-a", *keys.PublicKeyHex("pop-a"));
    checks.pop_keys.AddPublicKey("pop-b", *keys.PublicKeyHex("pop-b"));
    checks.max_skew_ms = 30000;
    controller_ = std::make_unique<RoutingControllerService>(scenario_, scenario_.policies.at(0), io_, clock_,
                                                             transport_, metrics_, checks);
    controller_->Start();
    socket_.open(boost::asio::ip::udp::v4());
  }

  static Scenario LoadScenario() {
    Scenario s = LoadScenarioFile(std::string(CDNLAB_SOURCE_DIR) + "/tests/realnet/data/loopback_routing.yaml");
    // An address of its own (loop.sh and the rfc2136 test use 127.0.3.1), DNS on any port, and
    // measurements that do not age out while the test runs on a loaded machine.
    s.realnet.controller = Endpoint{Ipv4Address{0x7F000309}, 17100};
    s.realnet.dns = Endpoint{Ipv4Address{0x7F000309}, 0};
    s.policies.at(0).max_age_s = 600;
    return s;
  }

  void Send(const Bytes& datagram) {
    const boost::asio::ip::udp::endpoint to(boost::asio::ip::make_address_v4("127.0.3.9"), 17100);
    socket_.send_to(boost::asio::buffer(datagram), to);
  }
  void Send(const std::string& text) { Send(Bytes(text.begin(), text.end())); }

  // Runs the controller until `done` (at most 10 s).
  bool RunUntil(const std::function<bool()>& done) {
    for (int i = 0; i < 200 && !done(); ++i) io_.run_for(std::chrono::milliseconds(50));
    return done();
  }
  std::string G1Pop() const {
    const auto pop = controller_->StateJson()["groups"][0]["pop"];
    return pop.is_string() ? pop.get<std::string>() : "";
  }
  nlohmann::ordered_json G1Rtts() const { return controller_->StateJson()["groups"][0]["rtt_ms"]; }

  Scenario scenario_;
  RoutingCatalog catalog_;
  boost::asio::io_context io_;
  AsioClock clock_{io_};
  AsioDatagramTransport transport_{io_};
  ReasonCountingSink metrics_;
  std::unique_ptr<RoutingControllerService> controller_;
  boost::asio::ip::udp::socket socket_{io_};
};

TEST_F(ControllerReportsTest, OnlyGoodReportsMoveTheMapping) {
  ProbeReportSigner pop_a(catalog_, "pop-a", kPopASecret, 1000);
  ProbeReportSigner pop_b(catalog_, "pop-b", kPopBSecret, 1000);

  // 1. A good report: g1 measured from pop-a only, so mapped to pop-a.
  const Bytes good_a = pop_a.Seal(G1Outcome(catalog_, "pop-a", 40), NowMs());
  Send(good_a);
  ASSERT_TRUE(RunUntil([&] { return G1Pop() == "pop-a"; })) << controller_->StateJson().dump();
  const auto rtts_before = G1Rtts();
  const auto version_before = controller_->Table().Version();
  EXPECT_EQ(rtts_before["pop-a"], 40.0);
  EXPECT_TRUE(rtts_before["pop-b"].is_null());

  // 2. Each bad kind claims g1 is 1 or 10 ms from pop-b (or 1 ms from pop-a): it would move the mapping.
  ProbeReportSigner wrong_key(catalog_, "pop-b", std::string("not pop-b's secret at all"), 5000);
  Send(wrong_key.Seal(G1Outcome(catalog_, "pop-b", 1), NowMs()));  // forged signature
  const Bytes signed_b = pop_b.Seal(G1Outcome(catalog_, "pop-b", 70), NowMs());
  std::string altered(signed_b.begin(), signed_b.end());
  altered.replace(altered.find("\"rtt_ms\":70"), 11, "\"rtt_ms\":10");  // altered body: 10 ms
  Send(altered);
  Send(good_a);  // replayed as is
  ProbeReportSigner rewound_a(catalog_, "pop-a", kPopASecret, 1);  // signed, but an old number
  Send(rewound_a.Seal(G1Outcome(catalog_, "pop-a", 1), NowMs()));
  Send(pop_b.Seal(G1Outcome(catalog_, "pop-b", 1), NowMs() - 3600 * 1000));  // stale: an hour old
  Send(pop_b.Seal(G1Outcome(catalog_, "pop-b", 1), NowMs() + 3600 * 1000));  // stale: from the future
  Send(R"({"pop":"pop-x","group":"g1","rtt_ms":1,"loss":0,"sent":3,"received":3,"seq":9,"sent_at_ms":)" +
       std::to_string(NowMs()) + "}");  // unknown PoP
  ProbeReportSigner unsigned_b(catalog_, "pop-b", std::nullopt, 9000);
  Send(unsigned_b.Seal(G1Outcome(catalog_, "pop-b", 1), NowMs()));  // unsigned
  Send(std::string("\x16\x03\x01\x00\xff garbage \n\x00", 16));     // malformed
  Send(std::string("{\"pop\":\"pop-b\""));                           // malformed: truncated
  ASSERT_TRUE(RunUntil([&] { return controller_->ReportsRejected() == 10; })) << controller_->StateJson().dump();
  io_.run_for(std::chrono::milliseconds(1200));  // two recomputes of the mapping

  EXPECT_EQ(controller_->ReportsAccepted(), 1u);
  EXPECT_EQ(controller_->ReportsRefused(ReportRefusal::kForged), 2u);
  EXPECT_EQ(controller_->ReportsRefused(ReportRefusal::kReplayed), 2u);
  EXPECT_EQ(controller_->ReportsRefused(ReportRefusal::kStale), 2u);
  EXPECT_EQ(controller_->ReportsRefused(ReportRefusal::kUnknownPop), 1u);
  EXPECT_EQ(controller_->ReportsRefused(ReportRefusal::kUnsigned), 1u);
  EXPECT_EQ(controller_->ReportsRefused(ReportRefusal::kMalformed), 2u);
  EXPECT_EQ(metrics_.counters["controller.reports_rejected{reason=forged}"], 2);
  EXPECT_EQ(metrics_.counters["controller.reports_rejected{reason=malformed}"], 2);
  const auto state = controller_->StateJson();
  EXPECT_EQ(state["reports_refused"]["replayed"], 2);
  EXPECT_EQ(state["reports_refused"]["unknown_pop"], 1);
  EXPECT_EQ(controller_->RefusalSummary(),
            "malformed 2, unknown_pop 1, unsigned 1, forged 2, stale 2, replayed 2");
  // Nothing refused reached the store or the mapping.
  EXPECT_EQ(G1Rtts(), rtts_before);
  EXPECT_EQ(G1Pop(), "pop-a");
  EXPECT_EQ(controller_->Table().Version(), version_before);

  // 3. The same claim, signed by pop-b: accepted, and the mapping moves.
  Send(pop_b.Seal(G1Outcome(catalog_, "pop-b", 1), NowMs()));
  ASSERT_TRUE(RunUntil([&] { return G1Pop() == "pop-b"; })) << controller_->StateJson().dump();
  EXPECT_EQ(controller_->ReportsAccepted(), 2u);
  EXPECT_EQ(G1Rtts()["pop-b"], 1.0);
}

// The binary: no keys and no explicit opt-out is refused; bad key files are named.
TEST(ControllerReportsCli, KeysAreRequiredAndBadKeyFilesAreNamed) {
  const auto dir = std::filesystem::temp_directory_path() / ("cdnlab-report-keys-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string bin = CDNLAB_BINARY;
  const std::string scenario = std::string(CDNLAB_SOURCE_DIR) + "/tests/realnet/data/loopback_routing.yaml";
  const std::string controller = bin + " realnet controller " + scenario + " --policy measured --for 1";
  const auto unkeyed = testing::RunShell(controller);
  EXPECT_NE(unkeyed.exit_code, 0);
  EXPECT_NE(unkeyed.output.find("--pop-keys"), std::string::npos) << unkeyed.output;
  const std::string bad_keys = (dir / "bad-keys").string();
  std::ofstream(bad_keys) << "pop-a not-a-key\n";
  const auto bad = testing::RunShell(controller + " --pop-keys " + bad_keys);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find(bad_keys + ":1:"), std::string::npos) << bad.output;
  const std::string missing = (dir / "missing.key").string();
  const std::string agent = bin + " realnet probe-agent " + scenario + " --pop pop-a --for 1";
  const auto no_key = testing::RunShell(agent);
  EXPECT_NE(no_key.exit_code, 0);
  EXPECT_NE(no_key.output.find("--key-file"), std::string::npos) << no_key.output;
  const auto missing_key = testing::RunShell(agent + " --key-file " + missing);
  EXPECT_NE(missing_key.exit_code, 0);
  EXPECT_NE(missing_key.output.find(missing), std::string::npos) << missing_key.output;
  // pop-key makes a 0600 secret and refuses to replace it.
  const std::string key = (dir / "pop-a.key").string();
  const auto made = testing::RunShell(bin + " realnet pop-key --pop pop-a --secret-file " + key);
  EXPECT_EQ(made.exit_code, 0) << made.output;
  EXPECT_EQ(made.output.rfind("pop-a ", 0), 0u) << made.output;
  EXPECT_EQ(made.output.size(), std::string("pop-a ").size() + 64 + 1) << made.output;
  EXPECT_EQ(std::filesystem::status(key).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto again = testing::RunShell(bin + " realnet pop-key --pop pop-a --secret-file " + key);
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find(key), std::string::npos) << again.output;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cdnlab
