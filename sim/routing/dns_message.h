#pragma once
// The simulator's compact DNS and DNS-configuration messages. Real DNS wire format belongs
// to realnet/; inside ns-3 only the fields the models read matter, and sizes stay realistic.
//
// Layout (big endian), first byte = kind:
//   1 query:    id u16, qtype u16, ecs_family u8 (0 none, 1, 2), ecs_network (u32, or 16 bytes
//               for family 2), ecs_length u8, qname (u16 len + bytes)
//   2 response: id u16, rcode u8, ttl_ms u32, has_scope u8, scope u8, has_pop u8, pop u32,
//               counts u8 (A low nibble, AAAA high), addresses u32 x A, 16 bytes x AAAA
//   3 diff chunk: from u64, to u64, index u16, count u16,
//               upserts u16 x (prefix, pops u8, pop u16 x pops), removals u16 x prefix;
//               prefix = network u32, length u8 (IPv4), or 0 u32, 0xFF u8, length u8, 16 bytes (IPv6)
//   4 diff ack: version u64
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "models/ports/datagram_transport.h"
#include "models/routing/dns_question.h"
#include "models/routing/mapping_diff.h"

namespace cdnlab {

struct SimDnsQuery {
  std::uint16_t id = 0;
  DnsQuestion question;  // question.source is filled in by the receiver from the sender address
};

struct SimDnsResponse {
  std::uint16_t id = 0;
  DnsAnswer answer;
};

struct MappingDiffChunk {
  std::uint64_t from_version = 0;
  std::uint64_t to_version = 0;
  std::uint16_t index = 0;
  std::uint16_t count = 1;
  std::vector<MappingEntry> upserts;
  std::vector<IpPrefix> removals;
};

struct MappingDiffAck {
  std::uint64_t version = 0;
};

using SimMessage = std::variant<SimDnsQuery, SimDnsResponse, MappingDiffChunk, MappingDiffAck>;

Bytes EncodeSimMessage(const SimMessage& message);
// nullopt for anything malformed: unknown kind, short or trailing bytes, bad prefix length.
std::optional<SimMessage> DecodeSimMessage(const Bytes& bytes);

// Splits a diff into chunks that each encode to at most `max_bytes`.
std::vector<MappingDiffChunk> SplitDiff(const MappingDiff& diff, std::size_t max_bytes = 1200);

}  // namespace cdnlab
