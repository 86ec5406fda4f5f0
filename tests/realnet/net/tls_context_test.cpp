// Building TLS contexts from PEM files: what works, and errors that name the file at fault.
#include "realnet/net/tls_context.h"

#include <fstream>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/throwaway_pki.h"

namespace cdnlab {
namespace {

using testing::ThrowawayPki;

const ThrowawayPki& Pki() {
  static const ThrowawayPki pki;
  return pki;
}

// The message of what `make` throws ("" when it does not throw).
template <class Make>
std::string ErrorOf(Make make) {
  try {
    make();
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TlsServerConfig GoodServer() {
  TlsServerConfig tls;
  tls.cert_chain_file = Pki().File("server.pem");
  tls.key_file = Pki().File("server.key");
  return tls;
}

TEST(TlsContext, GoodServerAndClientFilesLoad) {
  EXPECT_NE(MakeServerTlsContext(GoodServer()), nullptr);
  TlsServerConfig mutual = GoodServer();
  mutual.client_ca_file = Pki().File("ca.pem");
  mutual.require_client_cert = true;
  EXPECT_NE(MakeServerTlsContext(mutual), nullptr);
  TlsClientConfig client;
  client.ca_file = Pki().File("ca.pem");
  client.cert_chain_file = Pki().File("client.pem");
  client.key_file = Pki().File("client.key");
  EXPECT_NE(MakeClientTlsContext(client), nullptr);
}

TEST(TlsContext, AMissingFileIsNamed) {
  TlsServerConfig tls = GoodServer();
  tls.cert_chain_file = Pki().File("nowhere.pem");
  const std::string error = ErrorOf([&] { MakeServerTlsContext(tls); });
  EXPECT_NE(error.find("certificate chain " + Pki().File("nowhere.pem")), std::string::npos) << error;

  TlsClientConfig client;
  client.ca_file = Pki().File("no-ca.pem");
  const std::string ca_error = ErrorOf([&] { MakeClientTlsContext(client); });
  EXPECT_NE(ca_error.find(Pki().File("no-ca.pem")), std::string::npos) << ca_error;
}

TEST(TlsContext, AFileThatIsNotPemIsNamed) {
  const std::string garbage = Pki().File("garbage.pem");
  std::ofstream(garbage) << "not a certificate\n";
  TlsServerConfig tls = GoodServer();
  tls.key_file = garbage;
  const std::string error = ErrorOf([&] { MakeServerTlsContext(tls); });
  EXPECT_NE(error.find("private key " + garbage), std::string::npos) << error;

  TlsServerConfig bad_ca = GoodServer();
  bad_ca.client_ca_file = garbage;
  const std::string ca_error = ErrorOf([&] { MakeServerTlsContext(bad_ca); });
  EXPECT_NE(ca_error.find("client CA file " + garbage), std::string::npos) << ca_error;
}

TEST(TlsContext, AKeyNotMatchingItsCertificateIsRefused) {
  TlsServerConfig tls = GoodServer();
  tls.key_file = Pki().File("client.key");
  const std::string error = ErrorOf([&] { MakeServerTlsContext(tls); });
  EXPECT_NE(error.find(Pki().File("client.key") + " does not match the certificate in " + Pki().File("server.pem")),
            std::string::npos)
      << error;
}

TEST(TlsContext, RequiringClientCertificatesNeedsAClientCa) {
  TlsServerConfig tls = GoodServer();
  tls.require_client_cert = true;
  EXPECT_NE(ErrorOf([&] { MakeServerTlsContext(tls); }).find("client CA"), std::string::npos);
}

}  // namespace
}  // namespace cdnlab
