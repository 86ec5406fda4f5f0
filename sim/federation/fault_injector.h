#pragma once
#include <vector>

#include "analysis/federation_results.h"
#include "models/ports/clock.h"
#include "models/ports/timer_scheduler.h"
#include "scenarios/core/scenario.h"
#include "sim/federation/faulty_transport.h"
#include "sim/federation/runtime.h"

namespace cdnlab {

// Plays a scenario's federation.faults on the simulated network (either fidelity) at their times:
//  - server_down / gateway_unreachable: the node neither sends nor receives (packets: its
//    access link drops everything both ways) for duration_s, then carries traffic again;
//  - message_loss: the next `count` datagrams sent to that gateway or server are lost.
// Every step is recorded with its simulated time.
class FederationFaultInjector {
 public:
  FederationFaultInjector(const FederationSpec& federation, FederationRuntime& network,
                          FaultyDatagramTransport& transport, TimerScheduler& timers, const Clock& clock);

  // Schedules every fault (call once, at time 0). Throws std::invalid_argument for a fault
  // naming a node the network does not have.
  void Start();
  const std::vector<FederationFaultRecord>& Applied() const { return applied_; }

 private:
  void Record(const FederationFaultSpec& fault, const std::string& node, const std::string& event, int count);

  const FederationSpec& federation_;
  FederationRuntime& network_;
  FaultyDatagramTransport& transport_;
  TimerScheduler& timers_;
  const Clock& clock_;
  std::vector<FederationFaultRecord> applied_;
};

// "server_down", "gateway_unreachable", "message_loss".
std::string ToString(FederationFaultType type);

}  // namespace cdnlab
