#pragma once
// What an operator gives a realnet service or client to speak TLS: PEM file paths only. The
// one place that turns these into an OpenSSL context is tls_context.h.
#include <string>

namespace cdnlab {

// A server's side. Empty cert_chain_file: plain HTTP.
struct TlsServerConfig {
  std::string cert_chain_file;  // PEM: the server's certificate first, then intermediates
  std::string key_file;         // PEM: its private key
  std::string client_ca_file;   // PEM: CAs a client certificate must chain to (empty: none asked for)
  bool require_client_cert = false;  // mutual TLS: a client without a valid certificate is refused

  bool Enabled() const { return !cert_chain_file.empty(); }
};

// A client's side. Empty ca_file: plain HTTP.
struct TlsClientConfig {
  std::string ca_file;          // PEM: CAs the server's certificate must chain to
  std::string cert_chain_file;  // PEM: the client certificate presented for mutual TLS (optional)
  std::string key_file;         // its private key (with cert_chain_file)

  bool Enabled() const { return !ca_file.empty(); }
};

}  // namespace cdnlab
