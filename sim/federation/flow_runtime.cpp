// Flow fidelity: no ns-3 nodes or sockets; each message is delivered by an ns-3 scheduler
// event after the one-way delay of its path plus its serialization at the path's bottleneck
// (FlowDatagramTransport, shared with routing's flow fidelity).
#include "sim/federation/flow_network.h"
#include "sim/federation/runtime.h"
#include "sim/flow/datagram_transport.h"

namespace cdnlab {
namespace {

// The transport's loss draws (lossy scenario links only): a stream of the scenario's seed that
// no model of a federation run uses (the gateways' are 100 and up).
constexpr std::uint64_t kFlowLossStream = 90;

class FlowFederationRuntime final : public FederationRuntime {
 public:
  explicit FlowFederationRuntime(const Scenario& scenario)
      : network_(scenario), transport_(network_.Flows(), scenario.seed, kFlowLossStream) {}

  const FederationDirectory& Directory() const override { return network_.Directory(); }
  Endpoint EndpointOf(const std::string& node) const override { return network_.EndpointOf(node); }
  NodeLatency LatencyFunction() const override { return network_.LatencyFunction(); }
  void SetReachable(const std::string& node, bool reachable) override { network_.SetReachable(node, reachable); }
  DatagramTransport& Transport() override { return transport_; }

 private:
  FederationFlowNetwork network_;
  FlowDatagramTransport transport_;
};

}  // namespace

std::unique_ptr<FederationRuntime> MakeFlowFederationRuntime(const Scenario& scenario) {
  return std::make_unique<FlowFederationRuntime>(scenario);
}

}  // namespace cdnlab
