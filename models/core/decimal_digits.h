#pragma once
// Strict unsigned decimal numbers as protocols write them (HTTP ranges, HLS tags and paths,
// LL-HLS directives): one or more ASCII digits, nothing else (no sign, space or exponent), and
// no value above `max` (so no overflow either).
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace cdnlab {

inline std::optional<std::uint64_t> ParseDecimalDigits(std::string_view text,
                                                       std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (max - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

}  // namespace cdnlab
