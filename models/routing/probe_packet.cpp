#include "models/routing/probe_packet.h"

namespace cdnlab {
namespace {

constexpr std::uint8_t kMagic[4] = {'C', 'D', 'N', 'P'};

void PutBigEndian(Bytes& out, std::size_t at, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) {
    out[at + i] = static_cast<std::uint8_t>(v & 0xFF);
    v >>= 8;
  }
}

std::uint64_t GetBigEndian(const Bytes& in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | in[at + i];
  return v;
}

}  // namespace

Bytes ProbePacket::Encode(std::size_t total_bytes) const {
  Bytes out(total_bytes < kHeaderBytes ? kHeaderBytes : total_bytes, 0);
  for (int i = 0; i < 4; ++i) out[i] = kMagic[i];
  out[4] = static_cast<std::uint8_t>(kind);
  PutBigEndian(out, 6, seq, 2);
  PutBigEndian(out, 8, train_id, 8);
  PutBigEndian(out, 16, static_cast<std::uint64_t>(sent_at_ns), 8);
  return out;
}

std::optional<ProbePacket> ProbePacket::Decode(const Bytes& payload) {
  if (payload.size() < kHeaderBytes) return std::nullopt;
  for (int i = 0; i < 4; ++i) {
    if (payload[i] != kMagic[i]) return std::nullopt;
  }
  if (payload[4] != static_cast<std::uint8_t>(Kind::kRequest) && payload[4] != static_cast<std::uint8_t>(Kind::kReply)) {
    return std::nullopt;
  }
  ProbePacket p;
  p.kind = static_cast<Kind>(payload[4]);
  p.seq = static_cast<std::uint16_t>(GetBigEndian(payload, 6, 2));
  p.train_id = GetBigEndian(payload, 8, 8);
  p.sent_at_ns = static_cast<std::int64_t>(GetBigEndian(payload, 16, 8));
  return p;
}

}  // namespace cdnlab
