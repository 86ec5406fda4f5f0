// StreamingHttpClient over HTTPS against our own server on loopback, with a throwaway CA: the
// right CA succeeds; a wrong CA, an expired server certificate and a certificate naming another
// address (subjectAltName IP) fail; with mutual TLS a missing client certificate is refused and a good one accepted.
#include "realnet/net/http_client.h"

#include <future>
#include <string>

#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "tests/support/throwaway_pki.h"
#include "tests/support/tls_test_server.h"

namespace cdnlab {
namespace {

using testing::ThrowawayPki;
using testing::TlsTestServer;

using testing::ServerWith;

const ThrowawayPki& Pki() { return testing::SharedPki(); }

TlsClientConfig ClientTrusting(const std::string& ca, const std::string& own = "") {
  TlsClientConfig tls;
  tls.ca_file = Pki().File(ca);
  if (!own.empty()) {
    tls.cert_chain_file = Pki().File(own + ".pem");
    tls.key_file = Pki().File(own + ".key");
  }
  return tls;
}

// One GET of https://127.0.0.1:PORT/x through a client built (and destroyed) on the server's thread.
StreamingHttpResponse Get(TlsTestServer& server, const TlsClientConfig& tls) {
  std::promise<StreamingHttpResponse> result;
  std::unique_ptr<StreamingHttpClient> client;
  server.OnIo([&] {
    StreamingHttpClientOptions options;
    options.tls = tls;
    client = std::make_unique<StreamingHttpClient>(server.Io(), options);
    client->Request(Endpoint{Ipv4Address{0x7F000001}, server.Port()}, "GET", "/x", "", "",
                    [&result](const StreamingHttpResponse& r) { result.set_value(r); });
    return 0;
  });
  auto response = result.get_future().get();
  server.OnIo([&] {
    client.reset();
    return 0;
  });
  return response;
}

TEST(HttpsClient, TheRightCaSucceeds) {
  TlsTestServer server(ServerWith("server"));
  const auto r = Get(server, ClientTrusting("ca.pem"));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(*r.body, "hello /x\n");
}

TEST(HttpsClient, AWrongCaFails) {
  TlsTestServer server(ServerWith("server"));
  const auto r = Get(server, ClientTrusting("other-ca.pem"));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("TLS handshake failed"), std::string::npos) << r.error;
}

TEST(HttpsClient, AnExpiredServerCertificateFails) {
  TlsTestServer server(ServerWith("expired"));
  const auto r = Get(server, ClientTrusting("ca.pem"));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("TLS handshake failed"), std::string::npos) << r.error;
}

TEST(HttpsClient, ACertificateNamingAnotherAddressFails) {
  TlsTestServer server(ServerWith("elsewhere"));  // valid, from the right CA, but for 127.0.0.2
  const auto r = Get(server, ClientTrusting("ca.pem"));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("TLS handshake failed"), std::string::npos) << r.error;
}

TEST(HttpsClient, MutualTlsNeedsTheClientCertificate) {
  TlsServerConfig mutual = ServerWith("server");
  mutual.client_ca_file = Pki().File("ca.pem");
  mutual.require_client_cert = true;
  TlsTestServer server(mutual);
  const auto without = Get(server, ClientTrusting("ca.pem"));
  EXPECT_FALSE(without.ok) << "status " << without.status;
  const auto foreign = Get(server, ClientTrusting("ca.pem", "other-client"));
  EXPECT_FALSE(foreign.ok) << "status " << foreign.status;
  const auto with = Get(server, ClientTrusting("ca.pem", "client"));
  ASSERT_TRUE(with.ok) << with.error;
  EXPECT_EQ(*with.body, "hello /x\n");
  EXPECT_EQ(server.WaitForHandshakesFailed(2), 2u);
}

TEST(HttpsClient, AnUnreadableClientCertificateIsNamed) {
  boost::asio::io_context io;
  StreamingHttpClientOptions options;
  options.tls = ClientTrusting("ca.pem");
  options.tls.cert_chain_file = Pki().File("absent.pem");
  options.tls.key_file = Pki().File("client.key");
  try {
    StreamingHttpClient client(io, options);
    FAIL() << "built a client without its certificate";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(Pki().File("absent.pem")), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cdnlab
