#pragma once
// The TLS flags every realnet service and client takes, named alike everywhere:
//   a server:  --tls-cert F --tls-key F [--tls-client-ca F]  (a client CA means mutual TLS)
//              or --plain-http, the explicit choice of plain HTTP (RequireTlsOrPlainHttp)
//   a client:  --tls-ca F [--tls-cert F --tls-key F]           (its own certificate, for mutual TLS)
// A service that is both (a cache fetching from its parent) names its client side with a prefix:
//   --upstream-tls-ca F [--upstream-tls-cert F --upstream-tls-key F]
#include <string>

#include <CLI/CLI.hpp>

#include "realnet/net/tls_config.h"

namespace cdnlab::cli {

// `tls` must outlive the command (the options write into it when parsed).
void AddTlsServerFlags(CLI::App* cmd, TlsServerConfig& tls, const std::string& what);
// `prefix` goes before "tls-": "" gives --tls-ca, "upstream-" gives --upstream-tls-ca.
void AddTlsClientFlags(CLI::App* cmd, TlsClientConfig& tls, const std::string& what,
                       const std::string& prefix = "");

// --plain-http, for a service whose HTTP would otherwise need --tls-cert/--tls-key (call after
// AddTlsServerFlags: the two exclude each other).
CLI::Option* AddPlainHttpFlag(CLI::App* cmd, bool& plain_http);
// Throws CLI::ValidationError naming the flags unless the service has a certificate or its
// operator asked for plain HTTP: nothing is served in clear by default.
void RequireTlsOrPlainHttp(const TlsServerConfig& tls, bool plain_http, const std::string& what);

}  // namespace cdnlab::cli
