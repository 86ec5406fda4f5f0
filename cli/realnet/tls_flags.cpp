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

void AddTlsClientFlags(CLI::App* cmd, TlsClientConfig& tls, const std::string& what, const std::string& prefix) {
  const std::string ca_flag = "--" + prefix + "tls-ca";
  const std::string cert_flag = "--" + prefix + "tls-cert";
  CLI::Option* ca = cmd->add_option(ca_flag, tls.ca_file,
                                    "Reach " + what + " over HTTPS; its certificate must chain to these CAs (PEM) "
                                    "and name the address dialled");
  CLI::Option* cert = cmd->add_option(cert_flag, tls.cert_chain_file,
                                      "Client certificate chain (PEM) to present to " + what + ", for mutual TLS");
  CLI::Option* key = cmd->add_option("--" + prefix + "tls-key", tls.key_file, "The private key of " + cert_flag + " (PEM)");
  cert->needs(key);
  key->needs(cert);
  cert->needs(ca);
}

CLI::Option* AddPlainHttpFlag(CLI::App* cmd, bool& plain_http) {
  return cmd->add_flag("--plain-http", plain_http,
                "Serve plain HTTP, in clear (loopback tests, behind a TLS proxy); without it --tls-cert and "
                "--tls-key are required")
      ->excludes("--tls-cert");
}

void RequireTlsOrPlainHttp(const TlsServerConfig& tls, bool plain_http, const std::string& what) {
  if (tls.Enabled() || plain_http) return;
  throw CLI::ValidationError("--tls-cert", what + " is served over HTTPS only: give --tls-cert and --tls-key, or "
                                                  "--plain-http to serve plain HTTP");
}

}  // namespace cdnlab::cli
