#include "models/net/ipv4.h"

#include <fmt/format.h>

namespace cdnlab {

std::string Ipv4Address::ToString() const {
  return fmt::format("{}.{}.{}.{}", value >> 24, (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF);
}

std::string Ipv4Prefix::ToString() const { return fmt::format("{}/{}", network.ToString(), length); }

}  // namespace cdnlab
