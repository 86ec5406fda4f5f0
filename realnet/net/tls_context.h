#pragma once
// Builds the OpenSSL contexts (through Boost.Asio) for realnet's HTTPS servers and clients:
// TLS 1.2 or later only, certificates checked against the given CA files. Every error names the
// file at fault ("cannot read TLS private key /etc/x.key: ..."), and a key that does not match
// its certificate is refused here rather than at the first handshake. Throws std::runtime_error.
#include <memory>

#include <boost/asio/ssl/context.hpp>

#include "realnet/net/tls_config.h"

namespace cdnlab {

std::shared_ptr<boost::asio::ssl::context> MakeServerTlsContext(const TlsServerConfig& config);
std::shared_ptr<boost::asio::ssl::context> MakeClientTlsContext(const TlsClientConfig& config);

}  // namespace cdnlab
