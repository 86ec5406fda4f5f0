#pragma once
#include <cstdint>
#include <optional>

#include "models/ports/datagram_transport.h"

namespace cdnlab {

// The UDP probe a PoP server sends toward a client group, and the echo it gets back.
// Wire layout (big endian): magic "CDNP" (4), kind (1), reserved (1), seq (2),
// train id (8), sender timestamp ns (8), then zero padding to the requested size.
struct ProbePacket {
  enum class Kind : std::uint8_t { kRequest = 1, kReply = 2 };
  static constexpr std::size_t kHeaderBytes = 24;

  Kind kind = Kind::kRequest;
  std::uint16_t seq = 0;
  std::uint64_t train_id = 0;
  std::int64_t sent_at_ns = 0;

  // `total_bytes` below kHeaderBytes is raised to kHeaderBytes.
  Bytes Encode(std::size_t total_bytes) const;
  // nullopt for anything that is not a well-formed probe (wrong magic, short, bad kind).
  static std::optional<ProbePacket> Decode(const Bytes& payload);
};

}  // namespace cdnlab
