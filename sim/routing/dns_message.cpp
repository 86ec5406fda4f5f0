#include "sim/routing/dns_message.h"

#include "sim/net/byte_codec.h"

namespace cdnlab {
namespace {

enum Kind : std::uint8_t { kQuery = 1, kResponse = 2, kChunk = 3, kAck = 4 };

constexpr std::size_t kChunkHeaderBytes = 1 + 8 + 8 + 2 + 2 + 2 + 2;

std::size_t UpsertBytes(const MappingEntry& e) { return 4 + 1 + 1 + 2 * e.ranked_pops.size(); }
constexpr std::size_t kRemovalBytes = 5;

void WritePrefix(ByteWriter& w, const Ipv4Prefix& p) {
  w.U32(p.network.value);
  w.U8(p.length);
}

std::optional<Ipv4Prefix> ReadPrefix(ByteReader& r) {
  const std::uint32_t network = r.U32();
  const std::uint8_t length = r.U8();
  if (length > 32) return std::nullopt;
  const Ipv4Prefix p = Ipv4Prefix::Of(Ipv4Address{network}, length);
  if (p.network.value != network) return std::nullopt;  // host bits set: not something we wrote
  return p;
}

struct Encoder {
  ByteWriter& w;
  void operator()(const SimDnsQuery& q) {
    w.U8(kQuery);
    w.U16(q.id);
    w.U16(q.question.qtype);
    w.U8(q.question.client_subnet ? 1 : 0);
    w.U32(q.question.client_subnet ? q.question.client_subnet->network.value : 0);
    w.U8(q.question.client_subnet ? q.question.client_subnet->length : 0);
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
    w.U8(static_cast<std::uint8_t>(a.addresses.size()));
    for (const auto& addr : a.addresses) w.U32(addr.value);
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
  const bool has_ecs = r.U8() == 1;
  const std::uint32_t network = r.U32();
  const std::uint8_t length = r.U8();
  q.question.qname = r.Str();
  if (length > 32) return std::nullopt;
  if (has_ecs) q.question.client_subnet = Ipv4Prefix::Of(Ipv4Address{network}, length);
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
  const std::uint8_t count = r.U8();
  for (int i = 0; i < count && r.Ok(); ++i) m.answer.addresses.push_back(Ipv4Address{r.U32()});
  if (scope > 32 || rcode > 5) return std::nullopt;
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
    start_new_if_full(kRemovalBytes);
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
