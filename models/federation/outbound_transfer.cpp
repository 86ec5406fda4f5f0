#include "models/federation/outbound_transfer.h"

#include <algorithm>

namespace cdnlab {
namespace {
// A hole is resent at once when the receiver already holds this many later fragments.
constexpr std::uint32_t kHoleThreshold = 3;
}  // namespace

OutboundTransfer::OutboundTransfer(std::uint64_t id, Endpoint from, Endpoint to, Bytes message,
                                   std::size_t fragment_bytes)
    : id_(id),
      from_(from),
      to_(to),
      message_(std::move(message)),
      fragment_bytes_(static_cast<std::uint32_t>(std::max<std::size_t>(fragment_bytes, 1))) {
  DataFragment probe;
  probe.message_bytes = static_cast<std::uint32_t>(message_.size());
  probe.fragment_bytes = fragment_bytes_;
  count_ = probe.FragmentCount();
  acked_.assign(count_, false);
}

DataFragment OutboundTransfer::Fragment(std::uint32_t index) const {
  DataFragment f;
  f.message_id = id_;
  f.message_bytes = static_cast<std::uint32_t>(message_.size());
  f.fragment_bytes = fragment_bytes_;
  f.index = index;
  const std::size_t begin = std::min<std::size_t>(static_cast<std::size_t>(index) * fragment_bytes_, message_.size());
  const std::size_t end = std::min<std::size_t>(begin + fragment_bytes_, message_.size());
  f.payload.assign(message_.begin() + static_cast<std::ptrdiff_t>(begin),
                   message_.begin() + static_cast<std::ptrdiff_t>(end));
  return f;
}

std::vector<std::uint32_t> OutboundTransfer::FillWindow(std::size_t window) {
  std::vector<std::uint32_t> out;
  while (in_flight_.size() < window && next_new_ < count_) {
    const std::uint32_t i = next_new_++;
    if (acked_[i]) continue;
    in_flight_[i] = false;
    out.push_back(i);
  }
  return out;
}

std::vector<std::uint32_t> OutboundTransfer::InFlight() const {
  std::vector<std::uint32_t> out;
  for (const auto& [i, fast] : in_flight_) out.push_back(i);
  return out;
}

void OutboundTransfer::MarkAcked(std::uint32_t index, AckEffect& effect) {
  if (index >= count_ || acked_[index]) return;
  acked_[index] = true;
  ++acked_count_;
  in_flight_.erase(index);
  effect.progress = true;
}

OutboundTransfer::AckEffect OutboundTransfer::OnAck(const FragmentAck& ack) {
  AckEffect effect;
  if (receiver_incarnation_ && *receiver_incarnation_ != ack.incarnation && !ack.complete) {
    // The receiver restarted mid-transfer and lost what it had: start over.
    std::fill(acked_.begin(), acked_.end(), false);
    acked_count_ = 0;
    next_new_ = 0;
    in_flight_.clear();
    effect.peer_reset = true;
  }
  receiver_incarnation_ = ack.incarnation;
  if (ack.complete) {
    for (std::uint32_t i = 0; i < count_; ++i) MarkAcked(i, effect);
    return effect;
  }
  for (std::uint32_t i = 0; i < std::min(ack.prefix, count_); ++i) MarkAcked(i, effect);
  std::uint32_t highest = ack.prefix == 0 ? 0 : ack.prefix - 1;
  std::uint32_t held_beyond = 0;
  for (std::size_t byte = 0; byte < ack.bitmap.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      if ((ack.bitmap[byte] >> bit) & 1) {
        const std::uint32_t i = ack.prefix + 1 + static_cast<std::uint32_t>(byte * 8 + bit);
        MarkAcked(i, effect);
        highest = std::max(highest, i);
        ++held_beyond;
      }
    }
  }
  // Fragments below what the receiver already holds, missing there: lost, most likely.
  if (held_beyond >= kHoleThreshold) {
    for (auto& [i, fast] : in_flight_) {
      if (i + kHoleThreshold <= highest && !fast) {
        fast = true;
        effect.resend_now.push_back(i);
      }
    }
  }
  return effect;
}

}  // namespace cdnlab
