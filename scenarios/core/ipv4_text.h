#pragma once
// IPv4 addresses and prefixes from text, for every file cdnlab reads (scenarios, realnet
// configs). The policy core keeps integers; turning text into them happens here.
#include <optional>
#include <string>
#include <variant>

#include "models/net/ipv4.h"

namespace cdnlab {

std::optional<Ipv4Address> ParseIpv4Address(const std::string& text);

// "a.b.c.d/len" with len in [min_length, max_length] and no host bits set; otherwise the
// string says what is wrong (ready to put after "field 'x': ").
std::variant<Ipv4Prefix, std::string> ParseIpv4Prefix(const std::string& text, int min_length = 0, int max_length = 32);

}  // namespace cdnlab
