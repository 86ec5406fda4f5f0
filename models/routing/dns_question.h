#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/core/sim_time.h"
#include "models/net/ip_address.h"
#include "models/ports/name_resolver.h"
#include "models/routing/catalog.h"

namespace cdnlab {

enum class DnsType : std::uint16_t { kA = 1, kNs = 2, kSoa = 6, kAaaa = 28, kAny = 255 };

// What an authoritative server needs from a query, independent of the wire format.
struct DnsQuestion {
  std::string qname;
  std::uint16_t qtype = static_cast<std::uint16_t>(DnsType::kA);
  IpAddress source;                        // the querying resolver (either family)
  std::optional<IpPrefix> client_subnet;   // EDNS Client Subnet source prefix, if sent (family 1 or 2)
};

// Which RRset a positive answer carries: A records (the CDN name, or an in-zone name server's
// glue), or the zone's own SOA or NS set at its apex. NODATA and NXDOMAIN carry none; the
// wire format adds the SOA to their authority section (RFC 2308).
enum class DnsAnswerData : std::uint8_t { kAddresses, kApexSoa, kApexNs };

struct DnsAnswer {
  DnsRcode rcode = DnsRcode::kNoError;
  DnsAnswerData data = DnsAnswerData::kAddresses;
  std::vector<Ipv4Address> addresses;           // A records (empty for NODATA/errors)
  std::vector<Ipv6Address> addresses6;          // AAAA records, from the same ranking as A
  Duration ttl{0};
  std::optional<std::uint8_t> scope_prefix_length;  // set when the question carried a client subnet
  std::optional<PopIndex> pop;                  // which PoP was answered (for metrics)
};

}  // namespace cdnlab
