#include "models/routing/family_chooser.h"

#include <stdexcept>

namespace cdnlab {

IpFamily FamilyChooser::Choose(GroupIndex g) {
  const double share = catalog_.groups.at(g).Ipv6Share();
  if (share <= 0) return IpFamily::kV4;
  if (share >= 1) return IpFamily::kV6;
  return random_.Uniform01() < share ? IpFamily::kV6 : IpFamily::kV4;
}

IpAddress FamilyChooser::ClientAddress(const ClientGroupInfo& group, IpFamily family) {
  if (family == IpFamily::kV4) return group.representative;
  const std::optional<Ipv6Address> host = group.Representative6();
  if (!host) throw std::invalid_argument("client group " + group.id + " has no IPv6 prefix");
  return *host;
}

}  // namespace cdnlab
