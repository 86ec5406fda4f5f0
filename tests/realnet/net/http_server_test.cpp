// StreamingHttpServer over HTTPS on loopback, judged by curl with a throwaway CA: the right CA
// is accepted; a wrong CA, an expired certificate, a missing or foreign client certificate (with
// mutual TLS) and plain HTTP are each refused, counted, and leave the server serving. A client
// that never finishes its handshake is cut off by the timeout.
#include "realnet/net/http_server.h"

#include <chrono>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <gtest/gtest.h>

#include "tests/support/shell.h"
#include "tests/support/throwaway_pki.h"
#include "tests/support/tls_test_server.h"

namespace cdnlab {
namespace {

using testing::RunShell;
using testing::ShellResult;
using testing::ThrowawayPki;
using testing::TlsTestServer;

using testing::ServerWith;

const ThrowawayPki& Pki() { return testing::SharedPki(); }

TlsServerConfig MutualServer() {
  TlsServerConfig tls = ServerWith("server");
  tls.client_ca_file = Pki().File("ca.pem");
  tls.require_client_cert = true;
  return tls;
}

// curl to https://127.0.0.1:PORT/hello with `args` (--cacert, --cert, ...).
ShellResult Curl(std::uint16_t port, const std::string& args, const std::string& scheme = "https") {
  return RunShell("curl -sS --max-time 5 " + args + " " + scheme + "://127.0.0.1:" + std::to_string(port) + "/hello");
}

std::string CaArg(const std::string& ca) { return "--cacert " + Pki().File(ca); }
std::string ClientArg(const std::string& name) {
  return "--cert " + Pki().File(name + ".pem") + " --key " + Pki().File(name + ".key");
}

TEST(HttpsServer, TheRightCaIsAccepted) {
  TlsTestServer server(ServerWith("server"));
  const ShellResult ok = Curl(server.Port(), CaArg("ca.pem"));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_EQ(ok.output, "hello /hello\n");
  EXPECT_EQ(server.HandshakesFailed(), 0u);
}

TEST(HttpsServer, AWrongCaIsRefusedByTheClient) {
  TlsTestServer server(ServerWith("server"));
  const ShellResult wrong = Curl(server.Port(), CaArg("other-ca.pem"));
  EXPECT_EQ(wrong.exit_code, 60) << wrong.output;  // peer certificate cannot be authenticated
  EXPECT_EQ(wrong.output.find("hello"), std::string::npos);
  EXPECT_EQ(server.WaitForHandshakesFailed(1), 1u);  // the client's alert ends the handshake
  EXPECT_EQ(Curl(server.Port(), CaArg("ca.pem")).exit_code, 0);  // still serving
}

TEST(HttpsServer, AnExpiredCertificateIsRefusedByTheClient) {
  TlsTestServer server(ServerWith("expired"));
  const ShellResult expired = Curl(server.Port(), CaArg("ca.pem"));
  EXPECT_EQ(expired.exit_code, 60) << expired.output;
  EXPECT_NE(expired.output.find("expired"), std::string::npos) << expired.output;
}

TEST(HttpsServer, MutualTlsRefusesAMissingOrForeignClientCertificate) {
  TlsTestServer server(MutualServer());
  const ShellResult missing = Curl(server.Port(), CaArg("ca.pem"));
  EXPECT_NE(missing.exit_code, 0) << missing.output;
  EXPECT_EQ(missing.output.find("hello"), std::string::npos) << missing.output;
  EXPECT_EQ(server.WaitForHandshakesFailed(1), 1u);

  const ShellResult foreign = Curl(server.Port(), CaArg("ca.pem") + " " + ClientArg("other-client"));
  EXPECT_NE(foreign.exit_code, 0) << foreign.output;
  EXPECT_EQ(foreign.output.find("hello"), std::string::npos) << foreign.output;
  EXPECT_EQ(server.WaitForHandshakesFailed(2), 2u);

  const ShellResult good = Curl(server.Port(), CaArg("ca.pem") + " " + ClientArg("client"));
  EXPECT_EQ(good.exit_code, 0) << good.output;
  EXPECT_EQ(good.output, "hello /hello\n");
  EXPECT_EQ(server.HandshakesFailed(), 2u);
}

TEST(HttpsServer, PlainHttpToTheHttpsPortIsCountedAndClosed) {
  TlsTestServer server(ServerWith("server"));
  const ShellResult plain = Curl(server.Port(), "", "http");
  EXPECT_NE(plain.exit_code, 0) << plain.output;
  EXPECT_EQ(server.WaitForHandshakesFailed(1), 1u);
  EXPECT_EQ(Curl(server.Port(), CaArg("ca.pem")).exit_code, 0);
}

TEST(HttpsServer, ASilentClientIsCutOffByTheHandshakeTimeout) {
  StreamingHttpLimits limits;
  limits.handshake_timeout = std::chrono::milliseconds(300);
  TlsTestServer server(ServerWith("server"), limits);
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address_v4("127.0.0.1"), server.Port()});
  const auto start = std::chrono::steady_clock::now();
  char byte = 0;
  boost::system::error_code ec;
  boost::asio::read(socket, boost::asio::buffer(&byte, 1), ec);  // returns when the server closes
  EXPECT_EQ(ec, boost::asio::error::eof) << ec.message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(server.WaitForHandshakesFailed(1), 1u);
}

TEST(HttpsServer, ThePlainPathIsUnchanged) {
  TlsTestServer server(TlsServerConfig{});
  const ShellResult plain = Curl(server.Port(), "", "http");
  EXPECT_EQ(plain.exit_code, 0) << plain.output;
  EXPECT_EQ(plain.output, "hello /hello\n");
  EXPECT_NE(Curl(server.Port(), CaArg("ca.pem")).exit_code, 0);  // no TLS spoken there
}

TEST(HttpsServer, UnreadablePemStopsTheServerBeforeItListens) {
  TlsServerConfig tls = ServerWith("server");
  tls.key_file = Pki().File("missing.key");
  try {
    TlsTestServer server(tls);
    FAIL() << "started without its key";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(Pki().File("missing.key")), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cdnlab
