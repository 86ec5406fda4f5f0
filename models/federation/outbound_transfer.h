#pragma once
// The sender's side of one message in the reliable channel: which fragments are
// acknowledged, which are in flight, which to send next. Pure bookkeeping; the channel
// owns the timers and the transport.
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "models/core/sim_time.h"
#include "models/federation/fragment.h"
#include "models/net/endpoint.h"

namespace cdnlab {

class OutboundTransfer {
 public:
  OutboundTransfer(std::uint64_t id, Endpoint from, Endpoint to, Bytes message, std::size_t fragment_bytes);

  std::uint64_t Id() const { return id_; }
  const Endpoint& From() const { return from_; }
  const Endpoint& To() const { return to_; }
  std::size_t MessageBytes() const { return message_.size(); }
  std::uint32_t FragmentCount() const { return count_; }
  bool Done() const { return acked_count_ == count_; }
  DataFragment Fragment(std::uint32_t index) const;

  // Fragments never sent, up to `window` in flight; they count as in flight from now on.
  std::vector<std::uint32_t> FillWindow(std::size_t window);
  // Every fragment in flight, to send again after a timeout.
  std::vector<std::uint32_t> InFlight() const;

  struct AckEffect {
    bool progress = false;  // at least one fragment newly acknowledged
    bool peer_reset = false;  // the receiver restarted: everything is unacknowledged again
    std::vector<std::uint32_t> resend_now;  // holes the receiver skipped past (fast retransmit)
  };
  AckEffect OnAck(const FragmentAck& ack);

  // Retransmission state kept here so the channel stays a dispatcher.
  SimTime last_progress{0};
  Duration rto{0};
  std::optional<std::uint64_t> timer;

 private:
  void MarkAcked(std::uint32_t index, AckEffect& effect);

  std::uint64_t id_;
  Endpoint from_, to_;
  Bytes message_;
  std::uint32_t fragment_bytes_;
  std::uint32_t count_;
  std::vector<bool> acked_;
  std::uint32_t acked_count_ = 0;
  std::uint32_t next_new_ = 0;
  std::map<std::uint32_t, bool> in_flight_;  // index -> already fast-retransmitted since last sent
  std::optional<std::uint64_t> receiver_incarnation_;
};

}  // namespace cdnlab
