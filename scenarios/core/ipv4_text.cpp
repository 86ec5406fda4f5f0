#include "scenarios/core/ipv4_text.h"

#include <arpa/inet.h>

#include <charconv>

#include <fmt/format.h>

namespace cdnlab {

std::optional<Ipv4Address> ParseIpv4Address(const std::string& text) {
  in_addr addr{};
  if (inet_pton(AF_INET, text.c_str(), &addr) != 1) return std::nullopt;
  return Ipv4Address{ntohl(addr.s_addr)};
}

std::variant<Ipv4Prefix, std::string> ParseIpv4Prefix(const std::string& text, int min_length, int max_length) {
  const std::string expected = fmt::format("expected an IPv4 prefix like 10.1.2.0/24, got '{}'", text);
  const auto slash = text.find('/');
  if (slash == std::string::npos) return expected;
  const auto address = ParseIpv4Address(text.substr(0, slash));
  if (!address) return expected;
  int length = -1;
  const std::string len_text = text.substr(slash + 1);
  const auto [end, ec] = std::from_chars(len_text.data(), len_text.data() + len_text.size(), length);
  if (ec != std::errc() || end != len_text.data() + len_text.size() || length < min_length || length > max_length) {
    return fmt::format("expected a prefix length from {} to {}, got '{}'", min_length, max_length, text);
  }
  const Ipv4Prefix prefix = Ipv4Prefix::Of(*address, static_cast<std::uint8_t>(length));
  if (prefix.network != *address) {
    return fmt::format("host bits set in '{}'; did you mean {}?", text, prefix.ToString());
  }
  return prefix;
}

}  // namespace cdnlab
