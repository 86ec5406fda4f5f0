#include "sim/federation/faulty_transport.h"

namespace cdnlab {

void FaultyDatagramTransport::Send(const Endpoint& from, const Endpoint& to, Bytes payload) {
  auto it = pending_.find(to);
  if (it != pending_.end() && it->second > 0) {
    --it->second;
    ++dropped_[to];
    ++dropped_total_;
    return;
  }
  inner_.Send(from, to, std::move(payload));
}

void FaultyDatagramTransport::DropNext(const Endpoint& to, int count) {
  if (count > 0) pending_[to] += static_cast<std::uint64_t>(count);
}

std::uint64_t FaultyDatagramTransport::PendingDrops(const Endpoint& to) const {
  auto it = pending_.find(to);
  return it == pending_.end() ? 0 : it->second;
}

std::uint64_t FaultyDatagramTransport::Dropped(const Endpoint& to) const {
  auto it = dropped_.find(to);
  return it == dropped_.end() ? 0 : it->second;
}

}  // namespace cdnlab
