// Every realnet HTTP service refuses to serve plain HTTP unless asked to (--plain-http): without
// --tls-cert/--tls-key it exits with a message naming the flags, before listening anywhere.
// Each command gets --for 1, so one that wrongly starts ends on its own and fails the test.
#include <string>

#include <gtest/gtest.h>

#include "tests/support/shell.h"

namespace cdnlab {
namespace {

testing::ShellResult RunRealnet(const std::string& args) {
  return testing::RunShell(std::string(CDNLAB_BINARY) + " realnet " + args + " --for 1");
}

std::string Data(const std::string& name) { return std::string(CDNLAB_SOURCE_DIR) + "/tests/realnet/data/" + name; }

// 127.0.0.1:1 is never bound: a service that got as far as listening would fail differently.
const char* kCommands[] = {
    "rum-collector {rum} --listen 127.0.0.1:1 --object-port 8080",
    "rum-object-server --listen 127.0.0.1:1",
    "stream-ingest --id i --listen 127.0.0.1:1 --health 127.0.0.1:1 --announce-from 127.0.0.1:1 --relay 127.0.0.1:1",
    "stream-balancer --listen 127.0.0.1:1 --admin 127.0.0.1:1",
    "stream-cache --id m --tier mid --listen 127.0.0.1:1 --announce 127.0.0.1:1",
    "controller {routing} --policy geo --accept-unsigned-reports --publish-snapshots 127.0.0.1:1",
};

std::string Expand(std::string command) {
  for (const auto& [name, file] : {std::pair<std::string, std::string>{"{rum}", "rum_loopback.yaml"},
                                   {"{routing}", "loopback_routing.yaml"}}) {
    if (const auto at = command.find(name); at != std::string::npos) command.replace(at, name.size(), Data(file));
  }
  return command;
}

TEST(RealnetPlainHttp, EveryServiceRefusesToStartWithoutCertificateOrPlainHttp) {
  for (const char* command : kCommands) {
    const auto r = RunRealnet(Expand(command));
    EXPECT_NE(r.exit_code, 0) << command << "\n" << r.output;
    for (const char* flag : {"--tls-cert", "--tls-key", "--plain-http"}) {
      EXPECT_NE(r.output.find(flag), std::string::npos) << command << ": no " << flag << " in\n" << r.output;
    }
    EXPECT_NE(r.output.find("HTTPS only"), std::string::npos) << command << "\n" << r.output;
  }
}

TEST(RealnetPlainHttp, PlainHttpAndACertificateExcludeEachOther) {
  const auto r = RunRealnet("rum-object-server --listen 127.0.0.1:1 --plain-http --tls-cert a.pem --tls-key a.key");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("--tls-cert excludes --plain-http"), std::string::npos) << r.output;
}

TEST(RealnetPlainHttp, TheControllerTakesPlainHttpOnlyWithPublishSnapshots) {
  const auto r = RunRealnet("controller " + Data("loopback_routing.yaml") +
                            " --policy geo --accept-unsigned-reports --plain-http");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("--plain-http requires --publish-snapshots"), std::string::npos) << r.output;
}

TEST(RealnetPlainHttp, HelpNamesTheFlags) {
  const auto collector = testing::RunShell(std::string(CDNLAB_BINARY) + " realnet rum-collector --help");
  for (const char* flag : {"--tls-cert", "--tls-key", "--tls-client-ca", "--plain-http", "--object-scheme"}) {
    EXPECT_NE(collector.output.find(flag), std::string::npos) << flag << "\n" << collector.output;
  }
  const auto cache = testing::RunShell(std::string(CDNLAB_BINARY) + " realnet stream-cache --help");
  for (const char* flag : {"--tls-cert", "--plain-http", "--upstream-tls-ca", "--upstream-tls-cert",
                           "--upstream-tls-key"}) {
    EXPECT_NE(cache.output.find(flag), std::string::npos) << flag << "\n" << cache.output;
  }
}

}  // namespace
}  // namespace cdnlab
