#pragma once
// The wire format of the federation's reliable transfer (reliable_channel.h): a message of
// any length travels as numbered data fragments, each one datagram small enough to avoid IP
// fragmentation; the receiver answers every fragment with an acknowledgement that says which
// fragments it holds, or with a refusal when it will not take the message at all.
//
// Every datagram starts with the 4-byte magic "CDFT" and a kind byte; integers are big-endian.
//   data:    magic 'D' message_id:u64 message_bytes:u32 fragment_bytes:u32 index:u32 payload
//   ack:     magic 'A' message_id:u64 incarnation:u64 prefix:u32 complete:u8 bitmap_len:u16 bitmap
//            (fragments [0, prefix) are held; bit i of the bitmap is fragment prefix + 1 + i)
//   refusal: magic 'R' message_id:u64 incarnation:u64 reason:u8
// Fragments are not signed: the signature covers the whole message (FederationMessenger),
// which is checked once reassembled. A forged ack can at worst make a sender stop early; the
// command protocol above still waits for its own signed answer.
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "models/ports/datagram_transport.h"

namespace cdnlab {

struct DataFragment {
  std::uint64_t message_id = 0;
  std::uint32_t message_bytes = 0;   // the whole message
  std::uint32_t fragment_bytes = 0;  // every fragment's payload but the last one's
  std::uint32_t index = 0;
  Bytes payload;

  std::uint32_t FragmentCount() const;
};

struct FragmentAck {
  std::uint64_t message_id = 0;
  std::uint64_t incarnation = 0;  // the receiver's: a new value means it restarted and forgot
  std::uint32_t prefix = 0;       // fragments [0, prefix) are held
  bool complete = false;          // the whole message was reassembled and handed on
  std::vector<std::uint8_t> bitmap;
};

enum class RefusalReason : std::uint8_t { kTooLarge = 1, kNoMemory = 2 };

struct TransferRefusal {
  std::uint64_t message_id = 0;
  std::uint64_t incarnation = 0;
  RefusalReason reason = RefusalReason::kNoMemory;
};

using TransferDatagram = std::variant<DataFragment, FragmentAck, TransferRefusal>;

inline constexpr std::size_t kFragmentHeaderBytes = 4 + 1 + 8 + 4 + 4 + 4;
inline constexpr std::size_t kMaxAckBitmapBytes = 64;  // acks describe up to 512 fragments past the prefix

Bytes EncodeTransferDatagram(const TransferDatagram& datagram);
// Nothing for anything that is not exactly one well-formed datagram of this format
// (including a data fragment whose header is inconsistent: index past the end, a payload of
// the wrong length, a zero fragment size).
std::optional<TransferDatagram> DecodeTransferDatagram(const Bytes& bytes);

}  // namespace cdnlab
