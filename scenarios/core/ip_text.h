#pragma once
// Prefixes of either family from text, for files whose rows may be IPv4 or IPv6 (mapping
// files, snapshots): the text's own form says which (a ':' means IPv6).
#include <string>
#include <variant>

#include "models/net/ip_address.h"

namespace cdnlab {

// "10.1.0.0/24" or "2001:db8:1::/48", no host bits set; otherwise the string says what is
// wrong (ready to put after "field 'x': ").
std::variant<IpPrefix, std::string> ParseIpPrefix(const std::string& text);

}  // namespace cdnlab
