#pragma once
// Federation membership and authentication: every participant (a platform or a content
// provider) has an Ed25519 key pair. Messages between participants carry the sender's
// signature; a receiver that does not know the sender, or whose check fails, drops the
// message, so a cross-platform call is authenticated, never trusted on its word.
// A key pair is derived from a participant's secret (SHA-256 of it is the Ed25519 seed), so
// a scenario file is enough to reproduce a run; a participant known only by its public key
// can be verified but not impersonated.
#include <map>
#include <memory>
#include <optional>
#include <string>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace cdnlab {

class FederationIdentity {
 public:
  // Both throw std::invalid_argument: empty id, a secret under 16 bytes, a key that is not
  // 64 hex digits, or an id added twice.
  void AddParticipant(const std::string& id, const std::string& secret);
  void AddPublicKey(const std::string& id, const std::string& public_key_hex);

  bool Knows(const std::string& id) const { return public_keys_.count(id) > 0; }
  bool CanSignAs(const std::string& id) const { return private_keys_.count(id) > 0; }
  std::optional<std::string> PublicKeyHex(const std::string& id) const;

  // Hex Ed25519 signature of `payload`; nullopt when this identity holds no private key for `signer`.
  std::optional<std::string> Sign(const std::string& signer, const std::string& payload) const;
  // False for an unknown signer or a bad signature (never throws on hostile input).
  bool Verify(const std::string& signer, const std::string& payload, const std::string& signature_hex) const;

  // A copy that can verify everyone but sign only as `id` (what one real process holds).
  FederationIdentity OnlyPrivateKeyOf(const std::string& id) const;

 private:
  std::map<std::string, std::string> public_keys_;   // raw 32 bytes
  std::map<std::string, std::string> private_keys_;  // raw 32-byte seeds
  // The same keys parsed once: deriving a key from its seed costs as much as a signature.
  std::map<std::string, std::shared_ptr<evp_pkey_st>> signing_keys_;
  std::map<std::string, std::shared_ptr<evp_pkey_st>> verifying_keys_;
};

}  // namespace cdnlab
