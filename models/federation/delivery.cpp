#include "models/federation/delivery.h"

namespace cdnlab {

const char* ToString(DeliveryFailure failure) {
  switch (failure) {
    case DeliveryFailure::kNone: return "delivered";
    case DeliveryFailure::kMessageTooLarge: return "message_too_large";
    case DeliveryFailure::kDatagramTooLarge: return "datagram_too_large";
    case DeliveryFailure::kRefused: return "refused";
    case DeliveryFailure::kUnreachable: return "unreachable";
    case DeliveryFailure::kTimeout: return "timeout";
    case DeliveryFailure::kQueueFull: return "queue_full";
    case DeliveryFailure::kReceiverFull: return "receiver_full";
    case DeliveryFailure::kNotSent: return "not_sent";
  }
  return "unknown";
}

}  // namespace cdnlab
