// Knot as the DNS data plane: a real knotd with mod-geoip (subnet mode) on loopback, fed by
// KnotGeoipWriter; kdig asks with several client subnets (ECS) and without, and the answers
// follow the mapping from one version to the next.
#include "realnet/dns/knot_geoip_writer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "models/routing/server_slot.h"
#include "tests/support/knot_server.h"
#include "tests/support/recording_metrics_sink.h"
#include "tests/support/routing_fixtures.h"

namespace cdnlab {
namespace {

using testing::Addr;

const char* kSecret = "Z2VvaXAgdGVzdHMgZG8gbm90IHVzZSB0aGlzIGtleQ==";  // unused by these tests, Knot wants one
const Ipv4Prefix kDefault{Ipv4Address{0}, 0};
const Ipv4Prefix kBoston{Addr(10, 1, 0, 0), 24};
const Ipv4Prefix kParis{Addr(10, 2, 0, 0), 16};
constexpr PopIndex kNyc = 0, kLon = 1, kTyo = 2;

// knotd with ECS on and mod-geoip attached to the zone, reading {dir}/geoip.conf, which starts
// empty as an operator would create it (knotd does not start when the file is missing).
testing::KnotExtraConfig GeoipModule() {
  return {"    edns-client-subnet: on\n",
          "mod-geoip:\n  - id: cdn\n    config-file: {dir}/geoip.conf\n    ttl: 20\n    mode: subnet\n",
          "    module: mod-geoip/cdn\n",
          {{"geoip.conf", ""}}};
}

class KnotGeoipWriterTest : public ::testing::Test {
 protected:
  KnotGeoipWriterTest()
      : catalog_(testing::ThreePopCatalog()), knot_("example.net", "k", kSecret, "cdn IN A 192.0.2.1", GeoipModule()) {}

  KnotGeoipTarget Target() const {
    KnotGeoipTarget t;
    t.config_path = (knot_.Dir() / "geoip.conf").string();
    t.knotc_socket = knot_.ControlSocket();
    t.zone = "example.net";
    t.hostname = "cdn.example.net";
    t.timeout = std::chrono::seconds(3);
    return t;
  }
  KnotGeoipWriter::LogLine Log() {
    return [this](const std::string& line) { log_ += line + "\n"; };
  }
  // The A answer for cdn.example.net, asked with a client subnet (ECS) or, when empty, without
  // one (then Knot looks at the query's source, 127.0.0.1).
  std::string Answer(const std::string& subnet) const {
    return knot_.Kdig("cdn.example.net A +short" + (subnet.empty() ? "" : " +subnet=" + subnet)).output;
  }
  // The ECS option of the reply, "CLIENT-SUBNET: source/source-len/scope".
  std::string Ecs(const std::string& subnet) const {
    const std::string out = knot_.Kdig("cdn.example.net A +subnet=" + subnet).output;
    const auto at = out.find("CLIENT-SUBNET: ");
    return at == std::string::npos ? "(none)" : out.substr(at + 15, out.find('\n', at) - at - 15);
  }
  // The server the writer must pick for a row: ServerSlot of the row's network, like cdnlab's answerer.
  std::string Server(PopIndex pop, const Ipv4Prefix& row) const {
    const auto& servers = catalog_.pops[pop].servers;
    return servers[ServerSlot(row.network, servers.size())].ToString() + "\n";
  }

  RoutingCatalog catalog_;
  testing::KnotServer knot_;
  testing::RecordingMetricsSink metrics_;
  std::string log_;
};

TEST_F(KnotGeoipWriterTest, KnotAnswersFollowTheMapping) {
  // The geoip file is empty yet: everyone gets the plain record.
  ASSERT_EQ(Answer("10.1.0.0/24"), "192.0.2.1\n");

  KnotGeoipWriter writer(catalog_, Target(), metrics_, Log());
  MappingTable table;
  writer.Apply(table.Replace({{kDefault, {kLon}}, {kBoston, {kNyc, kLon}}, {kParis, {kTyo}}}));
  ASSERT_EQ(writer.ReloadsFailed(), 0u) << writer.LastError() << "\n" << knot_.Log();
  EXPECT_EQ(writer.ConfirmedVersion(), 1u);

  EXPECT_EQ(Answer("10.1.0.0/24"), Server(kNyc, kBoston));
  EXPECT_EQ(Answer("10.2.0.0/16"), Server(kTyo, kParis));
  EXPECT_EQ(Answer("10.2.200.0/24"), Server(kTyo, kParis)) << "a subnet inside the /16 row";
  EXPECT_EQ(Answer("10.3.0.0/24"), Server(kLon, kDefault)) << "outside every row: the default row";
  EXPECT_EQ(Answer(""), Server(kLon, kDefault)) << "no subnet: by the source address, 127.0.0.1";
  // Scopes (RFC 7871): the row's length, and for the default row the disjoint block around the
  // subnet (10.3.0.0/16 here), never 0, which would let a resolver reuse it for Boston.
  EXPECT_EQ(Ecs("10.1.0.0/24"), "10.1.0.0/24/24");
  EXPECT_EQ(Ecs("10.2.0.0/16"), "10.2.0.0/16/16");
  EXPECT_EQ(Ecs("10.3.0.0/24"), "10.3.0.0/24/16");
  EXPECT_EQ(knot_.Kdig(writer.VersionName() + " TXT +short").output, "\"1\"\n");

  // What Knot read is what ConfigText says, in Knot's subnet-mode syntax.
  std::ifstream in(Target().config_path);
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(file, writer.ConfigText());
  EXPECT_NE(file.find("cdn.example.net.:\n"), std::string::npos) << file;
  EXPECT_NE(file.find("  - net: 10.1.0.0/24\n    A: " + Server(kNyc, kBoston)), std::string::npos) << file;
  EXPECT_NE(file.find("  - net: ::/0\n    A: " + Server(kLon, kDefault)), std::string::npos) << file;

  // Version 2 moves Boston to Tokyo; after the reload Knot answers it, the rest stays.
  writer.Apply(table.Replace({{kDefault, {kLon}}, {kBoston, {kTyo}}, {kParis, {kTyo}}}));
  ASSERT_EQ(writer.ReloadsFailed(), 0u) << writer.LastError() << "\n" << knot_.Log();
  EXPECT_EQ(Answer("10.1.0.0/24"), Server(kTyo, kBoston));
  EXPECT_EQ(Answer("10.2.0.0/16"), Server(kTyo, kParis));
  EXPECT_EQ(Answer(""), Server(kLon, kDefault));
  EXPECT_EQ(writer.ConfirmedVersion(), 2u);
  EXPECT_EQ(metrics_.Counter("dns.knot_geoip_reloads"), 2);
  EXPECT_NE(log_.find("answers mapping version 2"), std::string::npos) << log_;

  // Version 3 drops the Paris row: its clients fall back to the default row.
  writer.Apply(table.Replace({{kDefault, {kLon}}, {kBoston, {kTyo}}}));
  ASSERT_EQ(writer.ReloadsFailed(), 0u) << writer.LastError();
  EXPECT_EQ(Answer("10.2.0.0/16"), Server(kLon, kDefault));
}

// IPv6 rows: Knot maps an ECS family 2 subnet by them and answers AAAA (and A) from the row's
// PoP; IPv6 subnets no row covers get the default row, scoped to the block around them.
TEST_F(KnotGeoipWriterTest, IPv6SubnetsAreMappedByIPv6Rows) {
  using testing::Addr6;
  for (std::uint16_t p = 0; p < 3; ++p) catalog_.pops[p].servers6 = {Addr6({0x2001, 0xdb8, 0xcd00, p}, 1)};
  const Ipv6Prefix site = Ipv6Prefix::Of(Addr6({0x2001, 0xdb8, 1}), 48);
  KnotGeoipWriter writer(catalog_, Target(), metrics_, Log());
  MappingTable table;
  writer.Apply(table.Replace({{kDefault, {kLon}}, {kBoston, {kNyc}}, {site, {kTyo}}}));
  ASSERT_EQ(writer.ReloadsFailed(), 0u) << writer.LastError() << "\n" << knot_.Log();
  auto ask = [&](const std::string& type, const std::string& subnet) {
    return knot_.Kdig("cdn.example.net " + type + " +short +subnet=" + subnet).output;
  };
  const auto tyo6 = catalog_.pops[kTyo].servers6[0].ToString() + "\n";
  EXPECT_EQ(ask("AAAA", "2001:db8:1:4200::/56"), tyo6);
  EXPECT_EQ(ask("A", "2001:db8:1:4200::/56"), Server(kTyo, kBoston)) << "A from the IPv6 row's PoP too";
  EXPECT_EQ(ask("AAAA", "10.1.0.0/24"), catalog_.pops[kNyc].servers6[0].ToString() + "\n");
  EXPECT_EQ(ask("AAAA", "2001:db8:2::/56"), catalog_.pops[kLon].servers6[0].ToString() + "\n")
      << "outside every IPv6 row: the default row";
  const std::string out = knot_.Kdig("cdn.example.net AAAA +subnet=2001:db8:1:4200::/56").output;
  EXPECT_NE(out.find("CLIENT-SUBNET: 2001:db8:1:4200::/56/48"), std::string::npos) << out;
  const std::string outside = knot_.Kdig("cdn.example.net AAAA +subnet=2001:db8:2::/56").output;
  EXPECT_EQ(outside.find("CLIENT-SUBNET: 2001:db8:2::/56/0"), std::string::npos)
      << "scope 0 would let a resolver reuse the default answer for the mapped /48:\n" << outside;
  EXPECT_NE(writer.ConfigText().find("  - net: 2001:db8:1::/48\n    A: "), std::string::npos) << writer.ConfigText();
}

TEST_F(KnotGeoipWriterTest, ARowWithoutServersIsLoggedAndGetsThePlainRecord) {
  catalog_.pops[kTyo].servers.clear();
  KnotGeoipWriter writer(catalog_, Target(), metrics_, Log());
  MappingTable table;
  writer.Apply(table.Replace({{kBoston, {kTyo}}, {kParis, {kNyc}}}));
  ASSERT_EQ(writer.ReloadsFailed(), 0u) << writer.LastError();
  EXPECT_EQ(Answer("10.1.0.0/24"), "192.0.2.1\n");
  EXPECT_EQ(Answer("10.2.0.0/16"), Server(kNyc, kParis));
  EXPECT_EQ(Answer(""), "192.0.2.1\n") << "no default row: the zone's record";
  EXPECT_NE(log_.find("row 10.1.0.0/24 has no server"), std::string::npos) << log_;
  EXPECT_EQ(metrics_.Counter("dns.knot_geoip_rows_without_server"), 1);
}

TEST_F(KnotGeoipWriterTest, AFailedReloadIsCountedAndLogged) {
  KnotGeoipTarget t = Target();
  t.knotc_socket = (knot_.Dir() / "no-such.sock").string();
  KnotGeoipWriter writer(catalog_, t, metrics_, Log());
  MappingTable table;
  writer.Apply(table.Replace({{kDefault, {kLon}}}));
  EXPECT_EQ(writer.ReloadsFailed(), 1u);
  EXPECT_EQ(writer.ReloadsConfirmed(), 0u);
  EXPECT_NE(writer.LastError().find("zone-reload"), std::string::npos) << writer.LastError();
  EXPECT_NE(log_.find("error: "), std::string::npos) << log_;
  EXPECT_EQ(metrics_.Counter("dns.knot_geoip_failures"), 1);
  EXPECT_EQ(Answer(""), "192.0.2.1\n") << "Knot never reloaded";
}

TEST_F(KnotGeoipWriterTest, AnUnwritableFileIsAFailure) {
  KnotGeoipTarget t = Target();
  t.config_path = (knot_.Dir() / "missing-dir" / "geoip.conf").string();
  KnotGeoipWriter writer(catalog_, t, metrics_, Log());
  MappingTable table;
  writer.Apply(table.Replace({{kDefault, {kLon}}}));
  EXPECT_EQ(writer.ReloadsFailed(), 1u);
  EXPECT_NE(writer.LastError().find("cannot write"), std::string::npos) << writer.LastError();
}

TEST_F(KnotGeoipWriterTest, ADiffThatSkipsAVersionIsRefused) {
  KnotGeoipWriter writer(catalog_, Target(), metrics_, Log());
  MappingTable table;
  table.Replace({{kDefault, {kLon}}});
  writer.Apply(table.Replace({{kDefault, {kNyc}}}));  // v1 -> v2, the writer never saw v1
  EXPECT_EQ(writer.ReloadsFailed(), 1u);
  EXPECT_NE(writer.LastError().find("does not follow"), std::string::npos) << writer.LastError();
}

// knotc says OK to a reload even when the module is not there to read the file (here: not
// attached to the zone at all); the version check is what catches it.
TEST(KnotGeoipWriter, KnotNotReadingTheFileIsAFailure) {
  testing::KnotServer knot("example.net", "k", kSecret, "cdn IN A 192.0.2.1",
                           {"    edns-client-subnet: on\n", "", "", {}});
  KnotGeoipTarget t;
  t.config_path = (knot.Dir() / "geoip.conf").string();
  t.knotc_socket = knot.ControlSocket();
  t.timeout = std::chrono::seconds(3);
  testing::RecordingMetricsSink metrics;
  std::string log;
  KnotGeoipWriter writer(testing::ThreePopCatalog(), t, metrics, [&](const std::string& line) { log += line + "\n"; });
  MappingTable table;
  writer.Apply(table.Replace({{kDefault, {kLon}}}));
  EXPECT_EQ(writer.ReloadsFailed(), 1u);
  EXPECT_EQ(writer.ConfirmedVersion(), 0u);
  EXPECT_NE(writer.LastError().find("did not confirm mapping version 1"), std::string::npos) << writer.LastError();
  EXPECT_EQ(metrics.Counter("dns.knot_geoip_failures"), 1);
}

TEST(KnotGeoipWriter, KnotWithoutClientSubnetSupportIsWarnedAbout) {
  testing::KnotServer knot("example.net", "k", kSecret, "cdn IN A 192.0.2.1",
                           {"", GeoipModule().sections, GeoipModule().zone, GeoipModule().files});
  KnotGeoipTarget t;
  t.config_path = (knot.Dir() / "geoip.conf").string();
  t.knotc_socket = knot.ControlSocket();
  testing::RecordingMetricsSink metrics;
  std::string log;
  KnotGeoipWriter writer(testing::ThreePopCatalog(), t, metrics, [&](const std::string& line) { log += line + "\n"; });
  MappingTable table;
  writer.Apply(table.Replace({{kDefault, {kLon}}}));
  EXPECT_EQ(writer.ReloadsFailed(), 0u) << writer.LastError();
  EXPECT_NE(log.find("edns-client-subnet is not on"), std::string::npos) << log;
}

}  // namespace
}  // namespace cdnlab
