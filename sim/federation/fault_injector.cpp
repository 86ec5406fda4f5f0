#include "sim/federation/fault_injector.h"

#include <stdexcept>

#include "scenarios/federation/from_scenario.h"

namespace cdnlab {

std::string ToString(FederationFaultType type) {
  switch (type) {
    case FederationFaultType::kServerDown: return "server_down";
    case FederationFaultType::kGatewayUnreachable: return "gateway_unreachable";
    case FederationFaultType::kMessageLoss: return "message_loss";
  }
  return "unknown";
}

FederationFaultInjector::FederationFaultInjector(const FederationSpec& federation, FederationRuntime& network,
                                                 FaultyDatagramTransport& transport, TimerScheduler& timers,
                                                 const Clock& clock)
    : federation_(federation), network_(network), transport_(transport), timers_(timers), clock_(clock) {}

void FederationFaultInjector::Start() {
  for (const auto& fault : federation_.faults) {
    std::string node;
    switch (fault.type) {
      case FederationFaultType::kServerDown: node = fault.server; break;
      case FederationFaultType::kGatewayUnreachable: node = GatewayNodeId(fault.platform); break;
      case FederationFaultType::kMessageLoss:
        node = fault.to_server.empty() ? GatewayNodeId(fault.platform) : fault.to_server;
        break;
    }
    const Endpoint endpoint = network_.EndpointOf(node);  // throws for an unknown node
    const FederationFaultSpec* f = &fault;
    if (fault.type == FederationFaultType::kMessageLoss) {
      timers_.ScheduleAfter(FromSeconds(fault.at_s), [this, f, node, endpoint] {
        transport_.DropNext(endpoint, f->count);
        Record(*f, node, "armed", f->count);
      });
      continue;
    }
    timers_.ScheduleAfter(FromSeconds(fault.at_s), [this, f, node] {
      network_.SetReachable(node, false);
      Record(*f, node, "start", 0);
    });
    timers_.ScheduleAfter(FromSeconds(fault.at_s + fault.duration_s), [this, f, node] {
      network_.SetReachable(node, true);
      Record(*f, node, "end", 0);
    });
  }
}

void FederationFaultInjector::Record(const FederationFaultSpec& fault, const std::string& node,
                                     const std::string& event, int count) {
  applied_.push_back({ToSeconds(clock_.Now()), ToString(fault.type), node, event, count});
}

}  // namespace cdnlab
