#include "cli/realnet/tls_flags.h"

namespace cdnlab::cli {

void AddTlsServerFlags(CLI::App* cmd, TlsServerConfig& tls, const std::string& what) {
  CLI::Option* cert = cmd->add_option("--tls-cert", tls.cert_chain_file,
                                      "Serve " + what + " over HTTPS with this certificate chain (PEM, leaf first)");
  CLI::Option* key = cmd->add_option("--tls-key", tls.key_file, "The private key of --tls-cert (PEM)");
  CLI::Option* client_ca =
      cmd->add_option("--tls-client-ca", tls.client_ca_file,
                      "Mutual TLS: refuse clients without a certificate issued by these CAs (PEM)")
          ->each([&tls](const std::string&) { tls.require_client_cert = true; });
  cert->needs(key);
  key->needs(cert);
  client_ca->needs(cert);
}

void AddTlsClientFlags(CLI::App* cmd, TlsClientConfig& tls, const std::string& what) {
  CLI::Option* ca = cmd->add_option("--tls-ca", tls.ca_file,
                                    "Reach " + what + " over HTTPS; its certificate must chain to these CAs (PEM) "
                                    "and name the address dialled");
  CLI::Option* cert = cmd->add_option("--tls-cert", tls.cert_chain_file,
                                      "Client certificate chain (PEM) to present, for mutual TLS");
  CLI::Option* key = cmd->add_option("--tls-key", tls.key_file, "The private key of --tls-cert (PEM)");
  cert->needs(key);
  key->needs(cert);
  cert->needs(ca);
}

}  // namespace cdnlab::cli
