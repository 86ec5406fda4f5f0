#pragma once
// IPv6 addresses and prefixes from text (RFC 4291 2.2 forms, with an embedded IPv4 tail), for
// every file cdnlab reads. The policy core keeps bytes; turning text into them happens here.
#include <optional>
#include <string>
#include <variant>

#include "models/net/ipv6.h"

namespace cdnlab {

std::optional<Ipv6Address> ParseIpv6Address(const std::string& text);

// "2001:db8::/32" with the length in [min_length, max_length] and no host bits set; otherwise
// the string says what is wrong (ready to put after "field 'x': ").
std::variant<Ipv6Prefix, std::string> ParseIpv6Prefix(const std::string& text, int min_length = 0, int max_length = 128);

}  // namespace cdnlab
