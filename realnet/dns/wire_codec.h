#pragma once
// DNS wire format for cdnlab's authoritative server, through ldns (never hand-parsed):
// parse a query into the fields the answerer needs, including EDNS Client Subnet (RFC 7871),
// and build the response. Hostile input yields FORMERR (when a header can be echoed) or a
// drop, never a crash.
#include <cstdint>
#include <optional>
#include <string>

#include "models/ports/datagram_transport.h"
#include "models/routing/dns_question.h"

namespace cdnlab {

struct ClientSubnetOption {
  std::uint16_t family = 1;          // 1 = IPv4, 2 = IPv6 (IPv6 is echoed, not mapped)
  std::uint8_t source_prefix_length = 0;
  Bytes address;                     // as sent: ceil(source/8) bytes
};

struct WireQuery {
  std::uint16_t id = 0;
  std::uint8_t opcode = 0;
  bool recursion_desired = false;
  bool has_edns = false;
  std::uint16_t udp_payload_size = 512;  // what the client can take over UDP
  DnsQuestion question;                  // source is left for the server to fill in
  std::optional<ClientSubnetOption> client_subnet;
};

enum class QueryVerdict {
  kAnswer,    // well formed: answer it
  kError,     // answer with `error_rcode` (FORMERR, NOTIMP) and the header echoed
  kDrop,      // not worth a reply: too short for a header, or a response
};

struct ParsedQuery {
  QueryVerdict verdict = QueryVerdict::kDrop;
  DnsRcode error_rcode = DnsRcode::kFormErr;
  WireQuery query;
  std::string why;  // for logs and tests
};

ParsedQuery ParseDnsQuery(const std::uint8_t* data, std::size_t size);

struct ZoneInfo {
  std::string zone;      // "example.net"
  std::string hostname;  // "cdn.example.net"
  std::uint32_t serial = 1;
  std::uint32_t negative_ttl_s = 30;
};

// The response to a well-formed query. Over UDP, a response larger than the client's
// payload size is truncated (TC set, answers removed) so it retries over TCP.
Bytes BuildDnsResponse(const WireQuery& query, const DnsAnswer& answer, const ZoneInfo& zone, bool over_udp);
// A header-only error response for a query that could not be parsed or is not supported.
Bytes BuildDnsError(const std::uint8_t* data, std::size_t size, DnsRcode rcode);

}  // namespace cdnlab
