#include "models/federation/reassembler.h"

#include <algorithm>

namespace cdnlab {

std::size_t Reassembler::ReservedBytes(const Endpoint& peer) const {
  auto it = reserved_by_peer_.find(peer);
  return it == reserved_by_peer_.end() ? 0 : it->second;
}

Reassembler::Result Reassembler::Add(const Endpoint& local, const Endpoint& peer, const DataFragment& fragment,
                                     SimTime now, std::uint64_t incarnation) {
  Result result;
  const Key key{local, peer, fragment.message_id};
  if (completed_.count(key) != 0) {
    FragmentAck done;
    done.message_id = fragment.message_id;
    done.incarnation = incarnation;
    done.prefix = fragment.FragmentCount();
    done.complete = true;
    result.ack = done;
    result.duplicate = true;
    return result;
  }
  auto it = partial_.find(key);
  if (it == partial_.end()) {
    const std::size_t size = fragment.message_bytes;
    std::optional<RefusalReason> refuse;
    if (size > limits_.max_message_bytes) {
      refuse = RefusalReason::kTooLarge;
    } else if (ReservedBytes(peer) + size > limits_.max_reassembly_bytes_per_peer ||
               reserved_total_ + size > limits_.max_reassembly_bytes_total) {
      refuse = RefusalReason::kNoMemory;
    }
    if (refuse) {
      result.refusal = TransferRefusal{fragment.message_id, incarnation, *refuse};
      return result;
    }
    Partial p;
    p.buffer.resize(size);
    p.held.assign(fragment.FragmentCount(), false);
    p.fragment_bytes = fragment.fragment_bytes;
    p.reserved = size;
    reserved_by_peer_[peer] += size;
    reserved_total_ += size;
    it = partial_.emplace(key, std::move(p)).first;
  }
  Partial& p = it->second;
  // Every fragment of a message must describe the same message.
  if (p.fragment_bytes != fragment.fragment_bytes || p.reserved != fragment.message_bytes) return result;
  p.last_fragment = now;
  if (p.held[fragment.index]) {
    result.duplicate = true;
  } else {
    p.held[fragment.index] = true;
    ++p.held_count;
    std::copy(fragment.payload.begin(), fragment.payload.end(),
              p.buffer.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(fragment.index) * p.fragment_bytes));
  }
  if (p.held_count == p.held.size()) {
    FragmentAck done;
    done.message_id = fragment.message_id;
    done.incarnation = incarnation;
    done.prefix = static_cast<std::uint32_t>(p.held.size());
    done.complete = true;
    result.ack = done;
    result.message = std::move(p.buffer);
    Release(it);
    RememberCompleted(key);
    return result;
  }
  result.ack = AckOf(key, p, incarnation);
  return result;
}

FragmentAck Reassembler::AckOf(const Key& key, const Partial& p, std::uint64_t incarnation) const {
  FragmentAck ack;
  ack.message_id = key.message_id;
  ack.incarnation = incarnation;
  const auto first_missing = std::find(p.held.begin(), p.held.end(), false);
  ack.prefix = static_cast<std::uint32_t>(first_missing - p.held.begin());
  // Bits for the fragments after the first hole, as far as the bitmap reaches.
  std::size_t last_set = 0;
  std::vector<std::uint8_t> bitmap(kMaxAckBitmapBytes, 0);
  for (std::size_t bit = 0; bit < kMaxAckBitmapBytes * 8; ++bit) {
    const std::size_t i = ack.prefix + 1 + bit;
    if (i >= p.held.size()) break;
    if (p.held[i]) {
      bitmap[bit / 8] |= static_cast<std::uint8_t>(1u << (bit % 8));
      last_set = bit / 8 + 1;
    }
  }
  bitmap.resize(last_set);
  ack.bitmap = std::move(bitmap);
  return ack;
}

void Reassembler::Release(std::map<Key, Partial>::iterator it) {
  const std::size_t reserved = it->second.reserved;
  auto peer = reserved_by_peer_.find(it->first.peer);
  if (peer != reserved_by_peer_.end()) {
    peer->second -= std::min(peer->second, reserved);
    if (peer->second == 0) reserved_by_peer_.erase(peer);
  }
  reserved_total_ -= std::min(reserved_total_, reserved);
  partial_.erase(it);
}

void Reassembler::RememberCompleted(const Key& key) {
  completed_.insert(key);
  completed_order_.push_back(key);
  while (completed_order_.size() > limits_.remembered_messages) {
    completed_.erase(completed_order_.front());
    completed_order_.pop_front();
  }
}

std::size_t Reassembler::Expire(SimTime now) {
  std::size_t dropped = 0;
  for (auto it = partial_.begin(); it != partial_.end();) {
    auto next = std::next(it);
    if (now - it->second.last_fragment >= limits_.reassembly_timeout) {
      Release(it);
      ++dropped;
    }
    it = next;
  }
  return dropped;
}

void Reassembler::Forget(const Endpoint& local) {
  for (auto it = partial_.begin(); it != partial_.end();) {
    auto next = std::next(it);
    if (it->first.local == local) Release(it);
    it = next;
  }
}

}  // namespace cdnlab
