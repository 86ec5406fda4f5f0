#include "models/routing/catalog.h"

#include <algorithm>

namespace cdnlab {

std::optional<PopIndex> RoutingCatalog::PopById(const std::string& id) const {
  for (PopIndex p = 0; p < pops.size(); ++p) {
    if (pops[p].id == id) return p;
  }
  return std::nullopt;
}

std::optional<GroupIndex> RoutingCatalog::GroupById(const std::string& id) const {
  for (GroupIndex g = 0; g < groups.size(); ++g) {
    if (groups[g].id == id) return g;
  }
  return std::nullopt;
}

std::optional<PopIndex> RoutingCatalog::PopOfServer(Ipv4Address server) const {
  for (PopIndex p = 0; p < pops.size(); ++p) {
    const auto& s = pops[p].servers;
    if (std::find(s.begin(), s.end(), server) != s.end()) return p;
  }
  return std::nullopt;
}

std::optional<PopIndex> RoutingCatalog::PopOfServer(const Ipv6Address& server) const {
  for (PopIndex p = 0; p < pops.size(); ++p) {
    const auto& s = pops[p].servers6;
    if (std::find(s.begin(), s.end(), server) != s.end()) return p;
  }
  return std::nullopt;
}

std::optional<PopIndex> RoutingCatalog::PopOfServer(const IpAddress& server) const {
  return server.IsV4() ? PopOfServer(server.V4()) : PopOfServer(server.V6());
}

std::optional<Ipv6Address> ClientGroupInfo::Representative6() const {
  if (!prefix6) return std::nullopt;
  Ipv6Address host = prefix6->network;
  host.bytes[15] |= 1;
  return host;
}

std::optional<GroupIndex> RoutingCatalog::GroupOfAddress(Ipv4Address address) const {
  std::optional<GroupIndex> best;
  for (GroupIndex g = 0; g < groups.size(); ++g) {
    if (groups[g].prefix.Contains(address) &&
        (!best || groups[g].prefix.length > groups[*best].prefix.length)) {
      best = g;
    }
  }
  return best;
}

}  // namespace cdnlab
