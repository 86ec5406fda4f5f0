#include "models/net/ipv6.h"

#include <fmt/format.h>

namespace cdnlab {

std::string Ipv6Address::ToString() const {
  // RFC 5952 5: an IPv4-mapped address keeps its dotted tail.
  bool mapped = bytes[10] == 0xFF && bytes[11] == 0xFF;
  for (int i = 0; i < 10; ++i) mapped = mapped && bytes[i] == 0;
  if (mapped) return fmt::format("::ffff:{}.{}.{}.{}", bytes[12], bytes[13], bytes[14], bytes[15]);
  std::array<std::uint16_t, 8> groups{};
  for (int i = 0; i < 8; ++i) groups[i] = static_cast<std::uint16_t>((bytes[2 * i] << 8) | bytes[2 * i + 1]);
  // The longest run of two or more zero groups (the first of equal runs) becomes "::".
  int best = -1;
  int best_length = 1;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_length) {
      best = i;
      best_length = j - i;
    }
    i = j;
  }
  std::string out;
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += fmt::format("{:x}", groups[i]);
  }
  return out;
}

Ipv6Prefix Ipv6Prefix::Of(const Ipv6Address& address, std::uint8_t length) {
  Ipv6Prefix p{address, length > 128 ? std::uint8_t{128} : length};
  for (int i = 0; i < 16; ++i) {
    const int bits = static_cast<int>(p.length) - 8 * i;  // bits of this byte inside the prefix
    if (bits >= 8) continue;
    p.network.bytes[i] &= bits <= 0 ? 0 : static_cast<std::uint8_t>(0xFF << (8 - bits));
  }
  return p;
}

std::string Ipv6Prefix::ToString() const { return network.ToString() + "/" + std::to_string(length); }

}  // namespace cdnlab
