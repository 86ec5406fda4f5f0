#pragma once
// A probe train: what to send (ProbeTrainSpec), what came of it (ProbeOutcome), and the
// port through which a scheduler asks a PoP server to run one (ProbeTrainRunner).
#include <chrono>
#include <functional>
#include <optional>

#include "models/core/sim_time.h"
#include "models/net/endpoint.h"
#include "models/net/ipv4.h"
#include "models/routing/catalog.h"

namespace cdnlab {

struct ProbeTrainSpec {
  GroupIndex group = 0;
  Endpoint target;                 // the group's representative host and responder port
  int packets = 5;
  Duration spacing = std::chrono::milliseconds(20);
  Duration timeout = std::chrono::seconds(1);  // after the last send, unanswered probes count as lost
  std::size_t packet_bytes = 64;
};

struct ProbeOutcome {
  PopIndex pop = 0;
  GroupIndex group = 0;
  SimTime finished_at{0};
  std::optional<double> rtt_ms;  // median RTT of the answered probes; absent when all were lost
  double loss = 0;               // lost / sent
  int sent = 0;
  int received = 0;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
};

// Something on a PoP server that can run a probe train and report its outcome: the UDP
// ProbeAgent below, or a runtime's own method (realnet's ICMP echo agent). The
// ProbeScheduler drives any of them.
class ProbeTrainRunner {
 public:
  using Done = std::function<void(const ProbeOutcome&)>;
  virtual ~ProbeTrainRunner() = default;
  virtual void RunTrain(const ProbeTrainSpec& spec, Done done) = 0;
};

}  // namespace cdnlab
