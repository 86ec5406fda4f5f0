#include "models/federation/identity.h"

#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/sha.h>

namespace cdnlab {
namespace {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kSignatureBytes = 64;

std::string ToHex(const std::string& raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Exactly `bytes` bytes of hex, or nothing: hostile text never reaches OpenSSL.
std::optional<std::string> FromHex(const std::string& hex, std::size_t bytes) {
  if (hex.size() != bytes * 2) return std::nullopt;
  std::string out(bytes, '\0');
  for (std::size_t i = 0; i < bytes; ++i) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

const unsigned char* Bytes(const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); }

PkeyPtr PrivateKey(const std::string& seed) {
  return PkeyPtr(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, Bytes(seed), seed.size()), &EVP_PKEY_free);
}

PkeyPtr PublicKey(const std::string& raw) {
  return PkeyPtr(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, Bytes(raw), raw.size()), &EVP_PKEY_free);
}

}  // namespace

void FederationIdentity::AddParticipant(const std::string& id, const std::string& secret) {
  if (id.empty()) throw std::invalid_argument("participant with an empty id");
  if (secret.size() < 16) throw std::invalid_argument("participant '" + id + "': secret shorter than 16 bytes");
  if (Knows(id)) throw std::invalid_argument("participant '" + id + "' added twice");
  std::string seed(SHA256_DIGEST_LENGTH, '\0');
  SHA256(Bytes(secret), secret.size(), reinterpret_cast<unsigned char*>(seed.data()));
  PkeyPtr key = PrivateKey(seed);
  std::string raw_public(kKeyBytes, '\0');
  std::size_t length = raw_public.size();
  auto* out = reinterpret_cast<unsigned char*>(raw_public.data());
  if (!key || EVP_PKEY_get_raw_public_key(key.get(), out, &length) != 1 || length != kKeyBytes) {
    throw std::runtime_error("participant '" + id + "': OpenSSL could not derive an Ed25519 key");
  }
  PkeyPtr verifying = PublicKey(raw_public);
  if (!verifying) throw std::runtime_error("participant '" + id + "': OpenSSL could not load its Ed25519 public key");
  public_keys_[id] = raw_public;
  private_keys_[id] = seed;
  signing_keys_[id] = std::shared_ptr<EVP_PKEY>(key.release(), &EVP_PKEY_free);
  verifying_keys_[id] = std::shared_ptr<EVP_PKEY>(verifying.release(), &EVP_PKEY_free);
}

void FederationIdentity::AddPublicKey(const std::string& id, const std::string& public_key_hex) {
  if (id.empty()) throw std::invalid_argument("participant with an empty id");
  auto raw = FromHex(public_key_hex, kKeyBytes);
  if (!raw) throw std::invalid_argument("participant '" + id + "': public key is not 64 hex digits");
  if (Knows(id)) throw std::invalid_argument("participant '" + id + "' added twice");
  PkeyPtr verifying = PublicKey(*raw);  // null if OpenSSL refuses it: Verify() then fails, as before
  public_keys_[id] = *raw;
  verifying_keys_[id] = std::shared_ptr<EVP_PKEY>(verifying.release(), &EVP_PKEY_free);
}

std::optional<std::string> FederationIdentity::PublicKeyHex(const std::string& id) const {
  auto it = public_keys_.find(id);
  if (it == public_keys_.end()) return std::nullopt;
  return ToHex(it->second);
}

std::optional<std::string> FederationIdentity::Sign(const std::string& signer, const std::string& payload) const {
  auto it = signing_keys_.find(signer);
  if (it == signing_keys_.end()) return std::nullopt;
  EVP_PKEY* key = it->second.get();
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!key || !ctx) return std::nullopt;
  std::string signature(kSignatureBytes, '\0');
  std::size_t length = signature.size();
  // Ed25519 hashes internally: no digest, one-shot sign.
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, Bytes(payload),
                     payload.size()) != 1 ||
      length != kSignatureBytes) {
    return std::nullopt;
  }
  return ToHex(signature);
}

bool FederationIdentity::Verify(const std::string& signer, const std::string& payload,
                                const std::string& signature_hex) const {
  auto it = verifying_keys_.find(signer);
  if (it == verifying_keys_.end()) return false;
  auto signature = FromHex(signature_hex, kSignatureBytes);
  if (!signature) return false;
  EVP_PKEY* key = it->second.get();
  MdCtxPtr ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  if (!key || !ctx) return false;
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key) != 1) return false;
  return EVP_DigestVerify(ctx.get(), Bytes(*signature), signature->size(), Bytes(payload), payload.size()) == 1;
}

FederationIdentity FederationIdentity::OnlyPrivateKeyOf(const std::string& id) const {
  FederationIdentity copy;
  copy.public_keys_ = public_keys_;
  copy.verifying_keys_ = verifying_keys_;
  auto it = private_keys_.find(id);
  if (it != private_keys_.end()) {
    copy.private_keys_.insert(*it);
    copy.signing_keys_.insert(*signing_keys_.find(id));
  }
  return copy;
}

}  // namespace cdnlab
