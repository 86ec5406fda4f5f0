// A SIGHUP that adds and removes PoPs (RoutingControllerService::Reload): the DNS server keeps
// answering from the same socket, every sink gets one diff that re-sends all rows with the new
// catalog's PoP indexes (so a replica applies it in order), measurements carry over by id, and
// a reload that cannot apply changes nothing.
#include "realnet/routing/controller_service.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "realnet/routing/catalog.h"
#include "scenarios/loader/scenario_loader.h"

namespace cdnlab {
namespace {

// What Knot's writer and the snapshot publisher do: keep a replica, index PoPs by the catalog.
class ReplicaSink final : public ResolverConfigSink {
 public:
  void Apply(const MappingDiff& diff) override {
    if (!replica.Apply(diff)) ++out_of_order;
    for (const auto& row : diff.upserts) {
      for (PopIndex p : row.ranked_pops) {
        if (p >= pop_ids.size()) ++unknown_pops;
      }
    }
  }
  void Reconfigure(const RoutingCatalog& catalog, const AuthoritativeConfig& dns) override {
    pop_ids.clear();
    for (const auto& pop : catalog.pops) pop_ids.push_back(pop.id);
    ttl = dns.ttl;
  }
  // PoP id per prefix, as the replica answers.
  std::map<std::string, std::string> Answers() const {
    std::map<std::string, std::string> out;
    for (const auto& row : replica.Entries()) out[row.prefix.ToString()] = pop_ids.at(row.ranked_pops.at(0));
    return out;
  }
  MappingTable replica;
  std::vector<std::string> pop_ids;
  Duration ttl{};
  int out_of_order = 0;
  int unknown_pops = 0;
};

class NullMetrics final : public MetricsSink {
 public:
  void Count(std::string_view, double, const MetricLabels&) override {}
  void Sample(std::string_view, SimTime, double, const MetricLabels&) override {}
};

Scenario Loaded() {
  Scenario s = LoadScenarioFile(std::string(CDNLAB_SOURCE_DIR) + "/tests/realnet/data/loopback_routing.yaml");
  s.realnet.controller = Endpoint{Ipv4Address{0x7F00030A}, 0};
  s.realnet.dns = Endpoint{Ipv4Address{0x7F00030A}, 0};
  return s;
}

const PolicySpec& Geo(const Scenario& s) {
  for (const auto& p : s.policies) {
    if (p.name == "geo") return p;
  }
  throw std::logic_error("the test scenario lists no geo policy");
}

// pop-b (London) replaced by pop-c (Frankfurt), and a group g3 near it: geo maps g2 and g3 there.
Scenario Reshaped(Scenario s) {
  s.pops.at(1).id = "pop-c";
  s.pops.at(1).location = GeoPoint{50.1, 8.7};
  s.realnet.servers.at(1) = {"pop-c", {Ipv4Address{0x7F000204}}};
  s.realnet.servers6.erase(s.realnet.servers6.begin() + 1);
  ClientGroupSpec g3 = s.client_groups.at(1);
  g3.id = "g3";
  g3.prefix = Ipv4Prefix{Ipv4Address{0x0A030000}, 24};
  g3.prefix6.reset();
  s.client_groups.push_back(g3);
  s.realnet.groups.emplace_back("g3", Ipv4Address{0x7F000103});
  for (auto& link : s.links) {
    if (link.a == "pop-b") link.a = "pop-c";
  }
  s.dns.ttl_s = 9;
  return s;
}

class ControllerReloadTest : public ::testing::Test {
 protected:
  ControllerReloadTest() : scenario_(Loaded()) {
    ProbeReportVerifierConfig checks;
    checks.accept_unsigned = true;
    sink_.Reconfigure(RealnetCatalog(scenario_), ControllerAnswererConfig(scenario_, Geo(scenario_)));
    controller_ = std::make_unique<RoutingControllerService>(scenario_, Geo(scenario_), io_, clock_, transport_,
                                                             metrics_, checks, std::vector<ResolverConfigSink*>{&sink_});
    controller_->Start();
  }
  ~ControllerReloadTest() override { controller_->Stop(); }

  Scenario scenario_;
  boost::asio::io_context io_;
  AsioClock clock_{io_};
  AsioDatagramTransport transport_{io_};
  NullMetrics metrics_;
  ReplicaSink sink_;
  std::unique_ptr<RoutingControllerService> controller_;
};

TEST_F(ControllerReloadTest, AddedAndRemovedPopsReachEverySinkInOrder) {
  ASSERT_GT(controller_->Table().Version(), 0u);
  EXPECT_EQ(sink_.Answers().at("10.2.0.0/24"), "pop-b");
  const auto port = controller_->DnsPort();
  const auto version = controller_->Table().Version();

  const Scenario next = Reshaped(scenario_);
  ASSERT_EQ(controller_->Reload(next, Geo(next), std::nullopt), "");

  EXPECT_EQ(controller_->DnsPort(), port) << "the DNS server must keep its socket";
  EXPECT_GT(controller_->Table().Version(), version);
  EXPECT_EQ(sink_.out_of_order, 0) << "every diff must follow the replica's version";
  EXPECT_EQ(sink_.unknown_pops, 0);
  EXPECT_EQ(sink_.replica.Version(), controller_->Table().Version());
  EXPECT_EQ(sink_.ttl, std::chrono::seconds(9));
  const auto answers = sink_.Answers();
  EXPECT_EQ(answers.at("10.1.0.0/24"), "pop-a");
  EXPECT_EQ(answers.at("10.2.0.0/24"), "pop-c");
  EXPECT_EQ(answers.at("10.3.0.0/24"), "pop-c");
  for (const auto& [prefix, pop] : answers) EXPECT_NE(pop, "pop-b") << prefix;
  // The DNS server answers from the same mapping, with the new servers.
  const AuthoritativeAnswerer& dns = controller_->Dns().Answerer();
  EXPECT_EQ(dns.Table().Version(), controller_->Table().Version());
  const nlohmann::ordered_json state = controller_->StateJson();
  ASSERT_EQ(state["groups"].size(), 3u);
  EXPECT_EQ(state["groups"][2]["group"], "g3");
  EXPECT_TRUE(state["groups"][2]["rtt_ms"].contains("pop-c"));
  EXPECT_FALSE(state["groups"][2]["rtt_ms"].contains("pop-b"));
}

TEST_F(ControllerReloadTest, AReloadThatCannotApplyChangesNothing) {
  const auto version = controller_->Table().Version();
  Scenario other_zone = Reshaped(scenario_);
  other_zone.dns.zone = "example.org";
  other_zone.dns.hostname = "cdn.example.org";
  EXPECT_NE(controller_->Reload(other_zone, Geo(other_zone), std::nullopt), "");
  Scenario moved = Reshaped(scenario_);
  moved.realnet.dns.port = 53535;
  EXPECT_NE(controller_->Reload(moved, Geo(moved), std::nullopt), "");
  PolicySpec oracle = Geo(scenario_);
  oracle.name = "oracle";
  oracle.kind = PolicyKind::kOracle;
  EXPECT_NE(controller_->Reload(Reshaped(scenario_), oracle, std::nullopt), "");
  EXPECT_EQ(controller_->Table().Version(), version);
  EXPECT_EQ(sink_.Answers().at("10.2.0.0/24"), "pop-b");
  EXPECT_EQ(controller_->StateJson()["groups"].size(), 2u);
}

}  // namespace
}  // namespace cdnlab
