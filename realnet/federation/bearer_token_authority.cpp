#include "realnet/federation/bearer_token_authority.h"

#include <nlohmann/json.hpp>

namespace cdnlab {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

std::string BearerTokenAuthority::Base64UrlEncode(const std::string& bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (6 - bits)) & 63];
  return out;  // unpadded, as in JWS
}

std::optional<std::string> BearerTokenAuthority::Base64UrlDecode(const std::string& text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = Sextet(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  // Leftover bits must be zero, so each token has exactly one spelling.
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::optional<std::string> BearerTokenAuthority::Issue(const std::string& participant,
                                                       std::int64_t expires_unix_s) const {
  const nlohmann::ordered_json claims{{"sub", participant}, {"exp", expires_unix_s}};
  const std::string payload = Base64UrlEncode(claims.dump());
  const auto signature = identity_.Sign(participant, payload);
  if (!signature) return std::nullopt;
  return payload + "." + *signature;
}

BearerTokenAuthority::Verified BearerTokenAuthority::Verify(const std::string& token, std::int64_t now_unix_s) const {
  if (token.empty()) return {std::nullopt, "missing bearer token"};
  if (token.size() > kMaxTokenBytes) return {std::nullopt, "malformed bearer token (too long)"};
  const auto dot = token.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == token.size() || token.find('.', dot + 1) != std::string::npos) {
    return {std::nullopt, "malformed bearer token (expected CLAIMS.SIGNATURE)"};
  }
  const std::string payload = token.substr(0, dot);
  const auto decoded = Base64UrlDecode(payload);
  if (!decoded) return {std::nullopt, "malformed bearer token (claims are not base64url)"};
  const auto claims = nlohmann::json::parse(*decoded, nullptr, false);
  if (!claims.is_object() || !claims.contains("sub") || !claims["sub"].is_string() || !claims.contains("exp") ||
      !claims["exp"].is_number_integer()) {
    return {std::nullopt, "malformed bearer token (claims need a string \"sub\" and an integer \"exp\")"};
  }
  const std::string participant = claims["sub"].get<std::string>();
  if (!identity_.Knows(participant)) return {std::nullopt, "bearer token of an unknown participant"};
  if (!identity_.Verify(participant, payload, token.substr(dot + 1))) {
    return {std::nullopt, "bearer token signature does not verify"};
  }
  if (claims["exp"].get<std::int64_t>() <= now_unix_s) return {std::nullopt, "bearer token expired"};
  return {participant, ""};
}

}  // namespace cdnlab
