#pragma once
#include <CLI/CLI.hpp>

namespace cdnlab::cli {

// `cdnlab realnet federation-gateway | federation-agent | federation-token`: the federated
// command interoperability (RFC 8007 triggers) of a scenario's `federation` section on real
// sockets, one process per gateway and per server, placed by its realnet section.
void AddFederationCommands(CLI::App* realnet);

}  // namespace cdnlab::cli
