#include "scenarios/core/ip_text.h"

#include "scenarios/core/ipv4_text.h"
#include "scenarios/core/ipv6_text.h"

namespace cdnlab {

std::variant<IpPrefix, std::string> ParseIpPrefix(const std::string& text) {
  if (text.find(':') != std::string::npos) {
    auto v6 = ParseIpv6Prefix(text);
    if (auto* problem = std::get_if<std::string>(&v6)) return *problem;
    return IpPrefix(std::get<Ipv6Prefix>(v6));
  }
  auto v4 = ParseIpv4Prefix(text);
  if (auto* problem = std::get_if<std::string>(&v4)) return *problem;
  return IpPrefix(std::get<Ipv4Prefix>(v4));
}

}  // namespace cdnlab
