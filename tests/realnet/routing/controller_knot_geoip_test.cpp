// `cdnlab realnet controller --knot-geoip-config --knotc-socket [--rfc2136]`: Knot as the DNS
// data plane. The controller's mapping (geo policy: no probes needed) reaches a real Knot the
// test starts with mod-geoip; kdig sees per-subnet answers, and RFC 2136 keeps the zone's plain
// record on the default row.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <regex>

#include "tests/support/knot_server.h"
#include "tests/support/loopback_scenario.h"
#include "tests/support/shell.h"

namespace cdnlab {
namespace {

using testing::LoopbackRoutingScenarioOn;

TEST(ControllerKnotGeoip, KnotAnswersTheControllersMappingPerSubnet) {
  const char* secret = "Y29udHJvbGxlciB0byBrbm90IGdlb2lwIHRlc3Qga2V5";
  testing::KnotServer knot(
      "example.net", "ctl-key", secret, "cdn IN A 192.0.2.1",
      {"    edns-client-subnet: on\n",
       "mod-geoip:\n  - id: cdn\n    config-file: {dir}/geoip.conf\n    ttl: 5\n    mode: subnet\n",
       "    module: mod-geoip/cdn\n",
       {{"geoip.conf", ""}}});
  const std::string controller =
      std::string(CDNLAB_BINARY) + " realnet controller " + LoopbackRoutingScenarioOn(knot.Dir(), "127.0.3.7") +
      " --policy geo --accept-unsigned-reports --for 2 --knot-geoip-config " + (knot.Dir() / "geoip.conf").string() + " --knotc-socket " +
      knot.ControlSocket() + " --rfc2136 127.0.0.1:" + std::to_string(knot.Port()) + " --tsig ctl-key:" + secret;
  const auto r = testing::RunShell(controller);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Knot geoip: 1 reloads confirmed, 0 failed, Knot answers mapping version 1"),
            std::string::npos)
      << r.output << knot.Log();
  EXPECT_NE(r.output.find("1 RFC 2136 updates accepted, 0 failed"), std::string::npos) << r.output;

  // By geography: g1 (Boston, 10.1.0.0/24) -> pop-a (New York, 127.0.2.1); g2 (Paris) and the
  // default row (the groups' centroid, in the Atlantic nearer London) -> pop-b (127.0.2.2/.3).
  EXPECT_EQ(knot.Kdig("cdn.example.net A +short +subnet=10.1.0.0/24").output, "127.0.2.1\n");
  const std::string paris = knot.Kdig("cdn.example.net A +short +subnet=10.2.0.0/24").output;
  EXPECT_TRUE(paris == "127.0.2.2\n" || paris == "127.0.2.3\n") << paris;
  const std::string elsewhere = knot.Kdig("cdn.example.net A +short +subnet=10.9.0.0/24").output;
  EXPECT_TRUE(elsewhere == "127.0.2.2\n" || elsewhere == "127.0.2.3\n") << elsewhere;
  EXPECT_EQ(knot.Kdig("_cdnlab-mapping.example.net TXT +short").output, "\"1\"\n");
  // The zone's own record (what secondaries get by transfer) follows the default row too, and
  // the next module reload (the writer's `knotc -f zone-reload`) keeps it.
  const std::string knotc = "knotc -s " + knot.ControlSocket();
  ASSERT_EQ(testing::RunShell(knotc + " -f zone-reload example.net").exit_code, 0);
  const auto zone = testing::RunShell(knotc + " zone-read example.net cdn A");
  EXPECT_NE(zone.output.find("127.0.2.2"), std::string::npos) << zone.output;
  EXPECT_NE(zone.output.find("127.0.2.3"), std::string::npos) << zone.output;
  EXPECT_EQ(zone.output.find("192.0.2.1"), std::string::npos) << zone.output;
}

TEST(ControllerKnotGeoip, BadFlagsAreRefused) {
  const std::string base = std::string(CDNLAB_BINARY) + " realnet controller " + std::string(CDNLAB_SOURCE_DIR) +
                           "/tests/realnet/data/loopback_routing.yaml --policy geo --accept-unsigned-reports --for 1";
  const auto no_socket = testing::RunShell(base + " --knot-geoip-config /tmp/x.conf");
  EXPECT_NE(no_socket.exit_code, 0);
  EXPECT_NE(no_socket.output.find("--knotc-socket"), std::string::npos) << no_socket.output;
}

// Knot is not there: the controller keeps running (cdnlab's own DNS still answers) but says so.
TEST(ControllerKnotGeoip, AnUnreachableKnotIsReportedNotHidden) {
  const auto dir = std::filesystem::temp_directory_path() / ("cdnlab-knot-geoip-cli-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string knot_flags =
      " --knot-geoip-config " + (dir / "geoip.conf").string() + " --knotc-socket " + (dir / "no-knot.sock").string();
  const auto r = testing::RunShell(std::string(CDNLAB_BINARY) + " realnet controller " +
                                   LoopbackRoutingScenarioOn(dir, "127.0.3.8") + " --policy geo --accept-unsigned-reports --for 1" + knot_flags);
  std::filesystem::remove_all(dir);
  EXPECT_NE(r.output.find("error: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Knot geoip: 0 reloads confirmed, 1 failed"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace cdnlab
