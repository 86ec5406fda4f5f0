#include "sim/routing/dns_message.h"

#include "sim/net/byte_codec.h"

namespace cdnlab {
namespace {

enum Kind : std::uint8_t { kQuery = 1, kResponse = 2, kChunk = 3, kAck = 4 };

constexpr std::size_t kChunkHeaderBytes = 1 + 8 + 8 + 2 + 2 + 2 + 2;

// IPv4 prefixes take 5 bytes; IPv6 ones (which IPv4-only scenarios never have) an escape
// marker in the length byte, then their length and 16 bytes. IPv4 rows thus keep their size,
// and packet-mode timings of IPv4-only scenarios their values.
constexpr std::uint8_t kIpv6Marker = 0xFF;
std::size_t PrefixBytes(const IpPrefix& p) { return p.IsV4() ? 5 : 5 + 1 + 16; }
std::size_t UpsertBytes(const MappingEntry& e) { return PrefixBytes(e.prefix) + 1 + 2 * e.ranked_pops.size(); }

void WriteIpv6(ByteWriter& w, const Ipv6Address& a) {
  for (std::uint8_t b : a.bytes) w.U8(b);
}

Ipv6Address ReadIpv6(ByteReader& r) {
  Ipv6Address a;
  for (auto& b : a.bytes) b = r.U8();
  return a;
}

void WritePrefix(ByteWriter& w, const IpPrefix& p) {
  if (p.IsV4()) {
    w.U32(p.V4().network.value);
    w.U8(p.Length());
    return;
  }
  w.U32(0);
  w.U8(kIpv6Marker);
  w.U8(p.Length());
  WriteIpv6(w, p.V6().network);
}

std::optional<IpPrefix> ReadPrefix(ByteReader& r) {
  const std::uint32_t network = r.U32();
  const std::uint8_t length = r.U8();
  if (length == kIpv6Marker) {
    const std::uint8_t length6 = r.U8();
    const Ipv6Address network6 = ReadIpv6(r);
    if (length6 > 128) return std::nullopt;
    const Ipv6Prefix p = Ipv6Prefix::Of(network6, length6);
    if (p.network != network6) return std::nullopt;  // host bits set: not something we wrote
    return IpPrefix(p);
  }
  if (length > 32) return std::nullopt;
  const Ipv4Prefix p = Ipv4Prefix::Of(Ipv4Address{network}, length);
  if (p.network.value != network) return std::nullopt;  // host bits set: not something we wrote
  return IpPrefix(p);
}

struct Encoder {
  ByteWriter& w;
  void operator()(const SimDnsQuery& q) {
    w.U8(kQuery);
    w.U16(q.id);
    w.U16(q.question.qtype);
    // The client subnet: its ECS family (0 = none), address, length.
    const auto& ecs = q.question.client_subnet;
    w.U8(ecs ? static_cast<std::uint8_t>(ecs->Family()) : 0);
    if (ecs && ecs->IsV6()) {
      WriteIpv6(w, ecs->V6().network);
    } else {
      w.U32(ecs ? ecs->V4().network.value : 0);
    }
    w.U8(ecs ? ecs->Length() : 0);
    w.Str(q.question.qname);
  }
  void operator()(const SimDnsResponse& m) {
    const DnsAnswer& a = m.answer;
    w.U8(kResponse);
    w.U16(m.id);
    w.U8(static_cast<std::uint8_t>(a.rcode));
    w.U32(static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(a.ttl).count()));
    w.U8(a.scope_prefix_length ? 1 : 0);
    w.U8(a.scope_prefix_length.value_or(0));
    w.U8(a.pop ? 1 : 0);
    w.U32(static_cast<std::uint32_t>(a.pop.value_or(0)));
    // How many A (low nibble) and AAAA (high nibble) records follow.
    w.U8(static_cast<std::uint8_t>(a.addresses.size() | (a.addresses6.size() << 4)));
    for (const auto& addr : a.addresses) w.U32(addr.value);
    for (const auto& addr : a.addresses6) WriteIpv6(w, addr);
  }
  void operator()(const MappingDiffChunk& c) {
    w.U8(kChunk);
    w.U64(c.from_version);
    w.U64(c.to_version);
    w.U16(c.index);
    w.U16(c.count);
    w.U16(static_cast<std::uint16_t>(c.upserts.size()));
    for (const auto& e : c.upserts) {
      WritePrefix(w, e.prefix);
      w.U8(static_cast<std::uint8_t>(e.ranked_pops.size()));
      for (PopIndex p : e.ranked_pops) w.U16(static_cast<std::uint16_t>(p));
    }
    w.U16(static_cast<std::uint16_t>(c.removals.size()));
    for (const auto& p : c.removals) WritePrefix(w, p);
  }
  void operator()(const MappingDiffAck& a) {
    w.U8(kAck);
    w.U64(a.version);
  }
};

std::optional<SimMessage> DecodeQuery(ByteReader& r) {
  SimDnsQuery q;
  q.id = r.U16();
  q.question.qtype = r.U16();
  const std::uint8_t family = r.U8();
  if (family == static_cast<std::uint8_t>(IpFamily::kV6)) {
    const Ipv6Address network = ReadIpv6(r);
    const std::uint8_t length = r.U8();
    if (length > 128) return std::nullopt;
    q.question.client_subnet = Ipv6Prefix::Of(network, length);
  } else {
    const std::uint32_t network = r.U32();
    const std::uint8_t length = r.U8();
    if (family > 1 || length > 32) return std::nullopt;
    if (family == 1) q.question.client_subnet = Ipv4Prefix::Of(Ipv4Address{network}, length);
  }
  q.question.qname = r.Str();
  return q;
}

std::optional<SimMessage> DecodeResponse(ByteReader& r) {
  SimDnsResponse m;
  m.id = r.U16();
  const std::uint8_t rcode = r.U8();
  m.answer.rcode = static_cast<DnsRcode>(rcode);
  m.answer.ttl = std::chrono::milliseconds(r.U32());
  const bool has_scope = r.U8() == 1;
  const std::uint8_t scope = r.U8();
  const bool has_pop = r.U8() == 1;
  const std::uint32_t pop = r.U32();
  if (has_scope) m.answer.scope_prefix_length = scope;
  if (has_pop) m.answer.pop = pop;
  const std::uint8_t counts = r.U8();
  for (int i = 0; i < (counts & 0x0F) && r.Ok(); ++i) m.answer.addresses.push_back(Ipv4Address{r.U32()});
  for (int i = 0; i < (counts >> 4) && r.Ok(); ++i) m.answer.addresses6.push_back(ReadIpv6(r));
  if (scope > 128 || rcode > 5) return std::nullopt;
  return m;
}

std::optional<SimMessage> DecodeChunk(ByteReader& r) {
  MappingDiffChunk c;
  c.from_version = r.U64();
  c.to_version = r.U64();
  c.index = r.U16();
  c.count = r.U16();
  const std::uint16_t upserts = r.U16();
  for (int i = 0; i < upserts && r.Ok(); ++i) {
    MappingEntry e;
    auto prefix = ReadPrefix(r);
    if (!prefix) return std::nullopt;
    e.prefix = *prefix;
    const std::uint8_t pops = r.U8();
    for (int k = 0; k < pops && r.Ok(); ++k) e.ranked_pops.push_back(r.U16());
    c.upserts.push_back(std::move(e));
  }
  const std::uint16_t removals = r.U16();
  for (int i = 0; i < removals && r.Ok(); ++i) {
    auto prefix = ReadPrefix(r);
    if (!prefix) return std::nullopt;
    c.removals.push_back(*prefix);
  }
  if (c.count == 0 || c.index >= c.count || c.to_version < c.from_version) return std::nullopt;
  return c;
}

}  // namespace

Bytes EncodeSimMessage(const SimMessage& message) {
  ByteWriter w;
  std::visit(Encoder{w}, message);
  return w.Take();
}

std::optional<SimMessage> DecodeSimMessage(const Bytes& bytes) {
  ByteReader r(bytes);
  std::optional<SimMessage> out;
  switch (r.U8()) {
    case kQuery: out = DecodeQuery(r); break;
    case kResponse: out = DecodeResponse(r); break;
    case kChunk: out = DecodeChunk(r); break;
    case kAck: out = MappingDiffAck{r.U64()}; break;
    default: return std::nullopt;
  }
  if (!r.Ok() || !r.AtEnd()) return std::nullopt;
  return out;
}

std::vector<MappingDiffChunk> SplitDiff(const MappingDiff& diff, std::size_t max_bytes) {
  std::vector<MappingDiffChunk> chunks(1);
  std::size_t size = kChunkHeaderBytes;
  const auto start_new_if_full = [&](std::size_t add) {
    if (size + add > max_bytes && !(chunks.back().upserts.empty() && chunks.back().removals.empty())) {
      chunks.emplace_back();
      size = kChunkHeaderBytes;
    }
    size += add;
  };
  for (const auto& e : diff.upserts) {
    start_new_if_full(UpsertBytes(e));
    chunks.back().upserts.push_back(e);
  }
  for (const auto& p : diff.removals) {
    start_new_if_full(PrefixBytes(p));
    chunks.back().removals.push_back(p);
  }
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    chunks[i].from_version = diff.from_version;
    chunks[i].to_version = diff.to_version;
    chunks[i].index = static_cast<std::uint16_t>(i);
    chunks[i].count = static_cast<std::uint16_t>(chunks.size());
  }
  return chunks;
}

}  // namespace cdnlab
