// Flow fidelity: no ns-3 nodes or sockets; datagrams and downloads take delays computed from
// the topology (FlowNetwork) and are delivered by ns-3 scheduler events.
#include "sim/flow/datagram_transport.h"
#include "sim/flow/network.h"
#include "sim/flow/object_fetcher.h"
#include "sim/routing/runtime.h"

namespace cdnlab {
namespace {

// The transport's loss draws: a stream of the scenario's seed no model uses.
constexpr std::uint64_t kFlowLossStream = 101;

class FlowRoutingRuntime final : public RoutingRuntime {
 public:
  FlowRoutingRuntime(const Scenario& scenario, const TopologyGraph& graph, Ns3Clock& clock, Duration test_timeout)
      : network_(scenario, graph),
        transport_(network_, scenario.seed, kFlowLossStream),
        downloads_(network_, clock, clock),
        tests_(network_, clock, clock, test_timeout) {}

  NetworkControls& Network() override { return network_; }
  Ipv4Address DnsAddress() const override { return network_.DnsAddress(); }
  Ipv4Address ControllerAddress() const override { return network_.ControllerAddress(); }
  DatagramTransport& Transport() override { return transport_; }
  ObjectFetcher& Downloads() override { return downloads_; }
  ObjectFetcher& TestFetches() override { return tests_; }
  void Start() override {}  // every server serves from the start

 private:
  FlowNetwork network_;
  FlowDatagramTransport transport_;
  FlowObjectFetcher downloads_;
  FlowObjectFetcher tests_;
};

}  // namespace

std::unique_ptr<RoutingRuntime> MakeFlowRoutingRuntime(const Scenario& scenario, const TopologyGraph& graph,
                                                       Ns3Clock& clock, Duration test_timeout) {
  return std::make_unique<FlowRoutingRuntime>(scenario, graph, clock, test_timeout);
}

}  // namespace cdnlab
