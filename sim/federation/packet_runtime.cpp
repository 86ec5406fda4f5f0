// Packet fidelity: gateways and servers as ns-3 hosts on access links, messages as UDP packets.
#include "sim/federation/network.h"
#include "sim/federation/runtime.h"
#include "sim/net/ns3_datagram_transport.h"

namespace cdnlab {
namespace {

class PacketFederationRuntime final : public FederationRuntime {
 public:
  explicit PacketFederationRuntime(const Scenario& scenario) : network_(scenario), transport_(network_.Network()) {}

  const FederationDirectory& Directory() const override { return network_.Directory(); }
  Endpoint EndpointOf(const std::string& node) const override { return network_.EndpointOf(node); }
  NodeLatency LatencyFunction() const override { return network_.LatencyFunction(); }
  void SetReachable(const std::string& node, bool reachable) override { network_.SetReachable(node, reachable); }
  DatagramTransport& Transport() override { return transport_; }

 private:
  FederationSimNetwork network_;
  Ns3DatagramTransport transport_;
};

}  // namespace

std::unique_ptr<FederationRuntime> MakePacketFederationRuntime(const Scenario& scenario) {
  return std::make_unique<PacketFederationRuntime>(scenario);
}

}  // namespace cdnlab
