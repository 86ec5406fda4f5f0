#include "sim/federation/faulty_transport.h"

namespace cdnlab {

void FaultyDatagramTransport::Send(const Endpoint& from, const Endpoint& to, Bytes payload) {
  if (max_datagram_bytes_ > 0 && payload.size() > max_datagram_bytes_) {
    return Report(from, to, DatagramError::kTooLarge,
                  std::to_string(payload.size()) + " bytes over the path's " + std::to_string(max_datagram_bytes_));
  }
  if (refusing_.count(to) != 0) {
    Drop(to);
    return Report(from, to, DatagramError::kRefused, "port unreachable");
  }
  if (silent_.count(from) != 0) return Drop(to);
  auto it = pending_.find(to);
  if (it != pending_.end() && it->second > 0) {
    --it->second;
    return Drop(to);
  }
  inner_.Send(from, to, std::move(payload));
}

void FaultyDatagramTransport::OnError(const Endpoint& local, ErrorHandler handler) {
  error_handlers_[local] = handler;
  inner_.OnError(local, std::move(handler));
}

void FaultyDatagramTransport::Drop(const Endpoint& to) {
  ++dropped_[to];
  ++dropped_total_;
}

void FaultyDatagramTransport::Report(const Endpoint& from, const Endpoint& to, DatagramError error,
                                     const std::string& detail) {
  auto it = error_handlers_.find(from);
  if (it == error_handlers_.end()) return;
  ++errors_reported_;
  const ErrorHandler handler = it->second;  // a copy: the handler may unbind
  handler(DatagramFailure{from, to, error, detail});
}

void FaultyDatagramTransport::DropNext(const Endpoint& to, int count) {
  if (count > 0) pending_[to] += static_cast<std::uint64_t>(count);
}

void FaultyDatagramTransport::Silence(const Endpoint& from, bool silent) {
  if (silent) {
    silent_.insert(from);
  } else {
    silent_.erase(from);
  }
}

void FaultyDatagramTransport::Refuse(const Endpoint& to, bool refuse) {
  if (refuse) {
    refusing_.insert(to);
  } else {
    refusing_.erase(to);
  }
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
