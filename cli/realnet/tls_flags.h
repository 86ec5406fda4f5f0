#pragma once
// The TLS flags every realnet service and client takes, named alike everywhere:
//   a server:  --tls-cert F --tls-key F [--tls-client-ca F]  (a client CA means mutual TLS)
//   a client:  --tls-ca F [--tls-cert F --tls-key F]           (its own certificate, for mutual TLS)
#include <CLI/CLI.hpp>

#include "realnet/net/tls_config.h"

namespace cdnlab::cli {

// `tls` must outlive the command (the options write into it when parsed).
void AddTlsServerFlags(CLI::App* cmd, TlsServerConfig& tls, const std::string& what);
void AddTlsClientFlags(CLI::App* cmd, TlsClientConfig& tls, const std::string& what);

}  // namespace cdnlab::cli
