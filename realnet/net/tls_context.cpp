#include "realnet/net/tls_context.h"

#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

#include <fmt/format.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

namespace cdnlab {
namespace ssl = boost::asio::ssl;

namespace {

// OpenSSL's reason for the last failure ("no start line", "key values mismatch"), queue cleared.
std::string OpenSslReason() {
  std::string reason;
  while (const unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    reason = text;  // the last one is the most specific
  }
  return reason.empty() ? "unknown OpenSSL error" : reason;
}

// A missing or unreadable file gets the system's reason, not OpenSSL's "system lib".
void RequireReadable(const std::string& path, const char* what) {
  if (path.empty()) throw std::runtime_error(fmt::format("no {} file given", what));
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("cannot read {} {}: no such file or not readable", what, path));
}

std::shared_ptr<ssl::context> NewContext(ssl::context::method method) {
  auto context = std::make_shared<ssl::context>(method);
  // TLS 1.2 and later only; no compression (CRIME), fresh DH/ECDH keys per connection.
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                       ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  return context;
}

void LoadCertificateAndKey(SSL_CTX* context, const std::string& cert_file, const std::string& key_file) {
  RequireReadable(cert_file, "TLS certificate chain");
  RequireReadable(key_file, "TLS private key");
  ERR_clear_error();
  if (SSL_CTX_use_certificate_chain_file(context, cert_file.c_str()) != 1) {
    throw std::runtime_error(fmt::format("cannot read TLS certificate chain {}: {}", cert_file, OpenSslReason()));
  }
  // Read apart from using it: OpenSSL's use_PrivateKey_file reports a key that does not match
  // the certificate as a failure to read the key.
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(key_file.c_str(), "r"), &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr, &EVP_PKEY_free);
  if (!key) throw std::runtime_error(fmt::format("cannot read TLS private key {}: {}", key_file, OpenSslReason()));
  if (SSL_CTX_use_PrivateKey(context, key.get()) != 1 || SSL_CTX_check_private_key(context) != 1) {
    throw std::runtime_error(fmt::format("TLS private key {} does not match the certificate in {}: {}", key_file,
                                         cert_file, OpenSslReason()));
  }
}

void LoadCa(SSL_CTX* context, const std::string& ca_file, const char* what) {
  RequireReadable(ca_file, what);
  ERR_clear_error();
  if (SSL_CTX_load_verify_locations(context, ca_file.c_str(), nullptr) != 1) {
    throw std::runtime_error(fmt::format("cannot read {} {}: {}", what, ca_file, OpenSslReason()));
  }
}

}  // namespace

std::shared_ptr<ssl::context> MakeServerTlsContext(const TlsServerConfig& config) {
  auto context = NewContext(ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  LoadCertificateAndKey(native, config.cert_chain_file, config.key_file);
  if (config.require_client_cert && config.client_ca_file.empty()) {
    throw std::runtime_error("requiring client certificates needs a client CA file");
  }
  if (!config.client_ca_file.empty()) {
    LoadCa(native, config.client_ca_file, "TLS client CA file");
    // Tell clients which CAs are accepted, so curl or a browser picks the right certificate.
    if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config.client_ca_file.c_str())) {
      SSL_CTX_set_client_CA_list(native, names);
    }
    int mode = SSL_VERIFY_PEER;
    if (config.require_client_cert) mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_CTX_set_verify(native, mode, nullptr);
  }
  return context;
}

std::shared_ptr<ssl::context> MakeClientTlsContext(const TlsClientConfig& config) {
  auto context = NewContext(ssl::context::tls_client);
  SSL_CTX* native = context->native_handle();
  LoadCa(native, config.ca_file, "TLS CA file");
  SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr);
  if (!config.cert_chain_file.empty() || !config.key_file.empty()) {
    LoadCertificateAndKey(native, config.cert_chain_file, config.key_file);
  }
  return context;
}

}  // namespace cdnlab
