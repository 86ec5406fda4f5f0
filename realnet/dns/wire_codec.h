#pragma once
// DNS wire format of cdnlab's authoritative server: a strict parser for queries and a writer
// for responses, by hand and without allocation beyond the reply itself, because this is the
// fast path (ldns parsing and building ran at 0.30x Knot's qps). Everything the RFCs require
// of an authoritative answer is decided here or in the AuthoritativeAnswerer:
//  - RFC 1035/2181: header rules, one question, names of at most 255 octets in labels of at
//    most 63, no compression pointers in the question, nothing after the counted records;
//  - RFC 6891: at most one OPT, owned by the root; version 0 only (else BADVERS with an OPT of
//    version 0); an OPT in every reply to a query that had one, errors and truncation included;
//    the DO bit echoed (RFC 3225);
//  - RFC 7871: ECS family 1 or 2, source prefix within the family, address bytes exactly
//    ceil(source/8) with no bits beyond the prefix, scope 0 in queries, one ECS option;
//    every violation is FORMERR; the reply echoes family, source and address with the scope.
// Hostile input yields FORMERR (when a header can be echoed) or a drop, never a crash; the
// fuzz target (tests/realnet/dns/fuzz) runs this parser.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "models/ports/datagram_transport.h"
#include "models/routing/authoritative_answerer.h"
#include "models/routing/dns_question.h"

namespace cdnlab {

// RCODEs beyond the header's four bits (RFC 6891 6.1.3): the OPT carries the upper eight.
constexpr std::uint16_t kRcodeBadVers = 16;

struct ClientSubnetOption {
  std::uint16_t family = 1;  // 1 = IPv4, 2 = IPv6
  std::uint8_t source_prefix_length = 0;
  std::uint8_t address_size = 0;  // ceil(source / 8) bytes, as sent
  std::array<std::uint8_t, 16> address{};
};

struct WireQuery {
  std::uint16_t id = 0;
  std::uint8_t opcode = 0;
  bool recursion_desired = false;
  bool checking_disabled = false;
  bool has_edns = false;
  std::uint8_t edns_version = 0;
  bool dnssec_ok = false;
  std::uint16_t udp_payload_size = 512;  // what the client can take over UDP
  DnsQuestion question;                  // source is left for the server to fill in
  std::optional<ClientSubnetOption> client_subnet;
  // The question as received (name in its original case, type, class), echoed in replies.
  std::array<std::uint8_t, 255 + 4> question_wire{};
  std::size_t question_size = 0;
};

enum class QueryVerdict {
  kAnswer,  // well formed: answer it
  kError,   // answer with `error_rcode`, the header (and the question and OPT, when read) echoed
  kDrop,    // not worth a reply: too short for a header, or a response
};

struct ParsedQuery {
  QueryVerdict verdict = QueryVerdict::kDrop;
  std::uint16_t error_rcode = static_cast<std::uint16_t>(DnsRcode::kFormErr);  // may be kRcodeBadVers
  WireQuery query;
  const char* why = "";  // for logs and tests (a static string: no allocation)
};

ParsedQuery ParseDnsQuery(const std::uint8_t* data, std::size_t size);

// The response to a well-formed query, for a zone whose SOA serial is `serial`. Over UDP, a
// response larger than the client's payload size (512 without EDNS) is truncated: TC set,
// only the question and the OPT kept, so the client retries over TCP.
Bytes BuildDnsResponse(const WireQuery& query, const DnsAnswer& answer, const AuthoritativeConfig& zone,
                       std::uint32_t serial, bool over_udp);
// The same into `out` (its capacity reused: the server's workers allocate nothing per query).
void WriteDnsResponse(const WireQuery& query, const DnsAnswer& answer, const AuthoritativeConfig& zone,
                      std::uint32_t serial, bool over_udp, Bytes& out);
// The response to a query that ParseDnsQuery refused (verdict kError).
Bytes BuildDnsError(const ParsedQuery& parsed);
void WriteDnsError(const ParsedQuery& parsed, Bytes& out);

// A domain name in presentation form as DNS wire format ("a.example.net" -> 1a7example3net0).
// Empty when a label is empty or over 63 octets, or the name over 255.
Bytes EncodeDnsName(const std::string& name);

}  // namespace cdnlab
