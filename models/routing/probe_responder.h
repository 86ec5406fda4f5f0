#pragma once
#include "models/ports/datagram_transport.h"

namespace cdnlab {

// Runs on a client group's representative host: echoes each probe request back to its
// sender as a reply of the same size. Anything that is not a probe request is dropped.
class ProbeResponder {
 public:
  ProbeResponder(Endpoint local, DatagramTransport& transport);
  ~ProbeResponder();
  void Start();
  void Stop();
  std::uint64_t Echoed() const { return echoed_; }

 private:
  Endpoint local_;
  DatagramTransport& transport_;
  bool bound_ = false;
  std::uint64_t echoed_ = 0;
};

}  // namespace cdnlab
