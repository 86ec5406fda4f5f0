// `cdnlab realnet controller --rfc2136`: the default row of the measured mapping, built from
// real probes, becomes the plain record of the CDN name in a real Knot DNS the test starts.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/support/knot_server.h"
#include "tests/support/loopback_scenario.h"
#include "tests/support/shell.h"

namespace cdnlab {
namespace {

TEST(ControllerRfc2136, MeasuredMappingReachesKnot) {
  const char* secret = "Y29udHJvbGxlciB0byBrbm90IHRlc3Qga2V5IQ==";
  testing::KnotServer knot("example.net", "ctl-key", secret, "cdn IN A 192.0.2.1");
  const std::string bin = CDNLAB_BINARY;
  // Its own controller address: other tests run loopback_routing.yaml's controller in parallel.
  const std::string scenario = testing::LoopbackRoutingScenarioOn(knot.Dir(), "127.0.3.6");
  // pop-a's agent signs its reports; the controller knows its public key.
  const std::string pop_key = (knot.Dir() / "pop-a.key").string();
  const std::string pop_keys = (knot.Dir() / "pop-keys").string();
  ASSERT_EQ(testing::RunShell(bin + " realnet pop-key --pop pop-a --secret-file " + pop_key + " >" + pop_keys).exit_code, 0);
  const std::string controller = bin + " realnet controller " + scenario + " --policy measured --for 6 --rfc2136 127.0.0.1:" +
                                 std::to_string(knot.Port()) + " --tsig ctl-key:" + secret + " --pop-keys " + pop_keys;
  const auto r = testing::RunShell(
      "(" + bin + " realnet responder " + scenario + " --group g1 --for 6 >/dev/null 2>&1 &" + bin +
      " realnet responder " + scenario + " --group g2 --for 6 >/dev/null 2>&1 &" + bin + " realnet probe-agent " + scenario +
       " --pop pop-a --key-file " + pop_key + " --for 6 >/dev/null 2>&1 &" + controller + "; wait)");
  EXPECT_NE(r.output.find("RFC 2136 updates accepted, 0 failed"), std::string::npos) << r.output;
  // Only pop-a was measured: the default row, and so the plain record, points at its server.
  EXPECT_EQ(knot.Kdig("cdn.example.net A +short").output, "127.0.2.1\n");
  // Rows are no longer published as names of their own (README, "Real sockets").
  EXPECT_NE(knot.Kdig("10-1-0-0-24.map.example.net A").output.find("NXDOMAIN"), std::string::npos);
}

TEST(ControllerRfc2136, BadFlagsAreRefused) {
  const std::string base = std::string(CDNLAB_BINARY) + " realnet controller " + std::string(CDNLAB_SOURCE_DIR) +
                           "/tests/realnet/data/loopback_routing.yaml --policy measured --accept-unsigned-reports --for 1";
  const auto no_key = testing::RunShell(base + " --rfc2136 127.0.0.1:53");
  EXPECT_NE(no_key.exit_code, 0);
  EXPECT_NE(no_key.output.find("--tsig"), std::string::npos) << no_key.output;
  const auto bad_server = testing::RunShell(base + " --rfc2136 localhost --tsig k:c2VjcmV0");
  EXPECT_NE(bad_server.exit_code, 0);
  EXPECT_NE(bad_server.output.find("--rfc2136"), std::string::npos) << bad_server.output;
  const auto bad_policy = testing::RunShell(std::string(CDNLAB_BINARY) + " realnet controller " +
                                            std::string(CDNLAB_SOURCE_DIR) + "/tests/realnet/data/loopback_routing.yaml --policy oracle --for 1");
  EXPECT_NE(bad_policy.exit_code, 0);
}

}  // namespace
}  // namespace cdnlab
