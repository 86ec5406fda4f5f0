#include "scenarios/core/ipv6_text.h"

#include <arpa/inet.h>

#include <cstring>

#include <fmt/format.h>

namespace cdnlab {

std::optional<Ipv6Address> ParseIpv6Address(const std::string& text) {
  Ipv6Address a;
  // inet_pton takes exactly the RFC 4291 text forms (no zone ids, no brackets).
  if (text.find('%') != std::string::npos || inet_pton(AF_INET6, text.c_str(), a.bytes.data()) != 1) return std::nullopt;
  return a;
}

std::variant<Ipv6Prefix, std::string> ParseIpv6Prefix(const std::string& text, int min_length, int max_length) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return fmt::format("expected an IPv6 prefix like 2001:db8::/48, got '{}'", text);
  const auto address = ParseIpv6Address(text.substr(0, slash));
  const std::string digits = text.substr(slash + 1);
  if (!address || digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos) {
    return fmt::format("expected an IPv6 prefix like 2001:db8::/48, got '{}'", text);
  }
  const int length = std::stoi(digits);
  if (length < min_length || length > max_length) {
    return fmt::format("prefix length {} is outside {}..{} in '{}'", length, min_length, max_length, text);
  }
  const Ipv6Prefix prefix = Ipv6Prefix::Of(*address, static_cast<std::uint8_t>(length));
  if (prefix.network != *address) {
    return fmt::format("'{}' has host bits set; the network is {}", text, prefix.ToString());
  }
  return prefix;
}

}  // namespace cdnlab
