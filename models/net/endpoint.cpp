#include "models/net/endpoint.h"

#include <stdexcept>

namespace cdnlab {

Ipv4Address Endpoint::RequireV4(const char* where) const {
  if (address.IsV6()) throw std::invalid_argument(std::string(where) + " supports IPv4 only, not " + ToString());
  return address.V4();
}

std::string Endpoint::ToString() const {
  const std::string host = address.IsV6() ? "[" + address.ToString() + "]" : address.ToString();
  return host + ":" + std::to_string(port);
}

}  // namespace cdnlab
