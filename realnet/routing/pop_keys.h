#pragma once
// Key files of the probe-report channel. Each PoP's agent holds a secret (a file, mode 0600);
// its Ed25519 key pair derives from it as a federation participant's does (SHA-256 of the
// secret is the seed), so `realnet pop-key` prints the public key the controller needs.
// The controller reads one text file of public keys, a line per PoP:
//   # comment
//   pop-a 5c0a4d...(64 hex digits)
#include <string>

#include "models/federation/identity.h"
#include "models/routing/catalog.h"

namespace cdnlab {

// Creates `path` (refusing to overwrite it) with mode 0600 holding a fresh random secret
// (32 bytes from OpenSSL's generator, as hex); returns that secret. Throws std::runtime_error
// naming the file.
std::string WriteNewPopSecretFile(const std::string& path);

// The secret in `path`, whitespace around it ignored. Throws std::runtime_error naming the file
// when it cannot be read or holds fewer than 16 bytes.
std::string ReadPopSecretFile(const std::string& path);

// The public keys file as an identity that can verify each PoP listed. Throws
// std::runtime_error as FILE:LINE: reason for a line that is not "POP-ID HEX", a key that is
// not 64 hex digits, a PoP listed twice or absent from `catalog`, or an unreadable file.
FederationIdentity ReadPopPublicKeysFile(const std::string& path, const RoutingCatalog& catalog);

}  // namespace cdnlab
