#pragma once
// What became of one message handed to the reliable channel: delivered (every fragment
// acknowledged by the receiver), or failed with a reason the sender can act on. Retryable
// failures may succeed later (the peer comes back, the queue drains); the others will fail
// the same way again, so a caller should give up at once.
#include <string>

namespace cdnlab {

enum class DeliveryFailure {
  kNone,
  kMessageTooLarge,   // over TransferLimits::max_message_bytes (sender) or refused as too large (receiver)
  kDatagramTooLarge,  // the network stack refused a fragment (EMSGSIZE)
  kRefused,           // nothing listens at the peer (ECONNREFUSED, ICMP port unreachable)
  kUnreachable,       // no route to the peer
  kTimeout,           // no acknowledgement progress for TransferLimits::give_up_after
  kQueueFull,         // the sender's outbound queue is full (back-pressure)
  kReceiverFull,      // the receiver's reassembly memory is full
  kNotSent,           // unknown node, no key, or the sender stopped
};

struct DeliveryOutcome {
  DeliveryFailure failure = DeliveryFailure::kNone;
  std::string detail;  // human-readable, e.g. "connection refused (ECONNREFUSED) by 127.0.0.1:7001"

  bool Delivered() const { return failure == DeliveryFailure::kNone; }
  bool Retryable() const {
    return failure == DeliveryFailure::kRefused || failure == DeliveryFailure::kUnreachable ||
           failure == DeliveryFailure::kTimeout || failure == DeliveryFailure::kQueueFull ||
           failure == DeliveryFailure::kReceiverFull;
  }
};

// The metric label of a failure ("refused", "timeout", "queue_full", ...).
const char* ToString(DeliveryFailure failure);

}  // namespace cdnlab
