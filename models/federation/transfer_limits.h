#pragma once
// The knobs of the reliable channel (reliable_channel.h): fragment size, send window,
// retransmission timing and every memory bound. The defaults suit loopback and the
// simulated WAN alike; realnet and sim use them unchanged.
#include <cstddef>

#include "models/core/sim_time.h"

namespace cdnlab {

struct TransferLimits {
  // Fragment payload: 1200 bytes + 25 header + 28 IP/UDP stay under every common MTU (1280
  // for IPv6 minimum), so no fragment is ever IP-fragmented.
  std::size_t fragment_bytes = 1200;
  std::size_t send_window = 64;            // unacknowledged fragments in flight per message
  Duration initial_rto = FromMillis(200);  // first retransmission timeout; doubles without progress
  Duration max_rto = FromSeconds(2);
  Duration give_up_after = FromSeconds(10);  // no acknowledgement progress this long: kTimeout
  std::size_t max_message_bytes = 32u << 20;  // larger messages are refused (sender and receiver)
  // Per sending endpoint: messages accepted but not yet delivered or failed, and their bytes.
  // Beyond either, Send fails with kQueueFull. (A gateway's fan-out of one command to a few
  // thousand servers, several commands at once, stays well inside.)
  std::size_t max_outbound_messages = 65536;
  std::size_t max_outbound_bytes = 256u << 20;
  // Per (sender, receiver): sent concurrently; the rest wait in order. Receivers do not wait
  // for each other.
  std::size_t max_active_transfers = 32;
  // Receiver: reassembly buffers reserved per sending endpoint and in total. A message that
  // does not fit is refused (kReceiverFull at the sender) and counted, never buffered.
  std::size_t max_reassembly_bytes_per_peer = 64u << 20;
  std::size_t max_reassembly_bytes_total = 256u << 20;
  Duration reassembly_timeout = FromSeconds(30);  // an incomplete message idle this long is dropped
  std::size_t remembered_messages = 4096;         // completed ids kept to recognise duplicates
};

}  // namespace cdnlab
