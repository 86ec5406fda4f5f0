#pragma once
// Bearer tokens for the federation HTTP API, signed with the federation's own Ed25519 keys so
// no second secret has to be distributed:
//   token = base64url(JSON {"sub": participant, "exp": unix seconds}) "." hex(Ed25519 signature)
// where the signature is FederationIdentity::Sign(participant, <the base64url part>). Whoever
// holds a participant's secret can mint its tokens; a gateway, holding only public keys of the
// others, can verify them but not forge them.
#include <cstdint>
#include <optional>
#include <string>

#include "models/federation/identity.h"

namespace cdnlab {

class BearerTokenAuthority {
 public:
  // Tokens longer than this are rejected unread (a header is not a place for megabytes).
  static constexpr std::size_t kMaxTokenBytes = 4096;

  struct Verified {
    std::optional<std::string> participant;  // set when the token is good
    std::string error;                       // why not, for the 401 body
  };

  explicit BearerTokenAuthority(const FederationIdentity& identity) : identity_(identity) {}

  // nullopt when this identity cannot sign as `participant`.
  std::optional<std::string> Issue(const std::string& participant, std::int64_t expires_unix_s) const;
  // Never throws on hostile input.
  Verified Verify(const std::string& token, std::int64_t now_unix_s) const;

  static std::string Base64UrlEncode(const std::string& bytes);
  static std::optional<std::string> Base64UrlDecode(const std::string& text);

 private:
  const FederationIdentity& identity_;
};

}  // namespace cdnlab
