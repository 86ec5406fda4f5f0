// Packet fidelity: the scenario as ns-3 nodes, point-to-point links, UDP and TCP sockets.
#include <memory>
#include <vector>

#include "sim/net/ns3_datagram_transport.h"
#include "sim/routing/object_server.h"
#include "sim/routing/runtime.h"
#include "sim/net/network.h"
#include "sim/routing/tcp_object_fetcher.h"

namespace cdnlab {
namespace {

class PacketRoutingRuntime final : public RoutingRuntime {
 public:
  PacketRoutingRuntime(const Scenario& scenario, const TopologyGraph& graph, Ns3Clock& clock, Duration test_timeout)
      : network_(scenario, graph),
        transport_(network_),
        downloads_(network_, clock, clock),
        tests_(network_, clock, clock, test_timeout) {
    for (const auto& pop : network_.Catalog().pops) {
      for (const auto& server : pop.servers) {
        servers_.push_back(std::make_unique<ObjectServer>(network_.NodeOf(server), ObjectServer::kPort, network_.DualStack()));
      }
    }
  }

  NetworkControls& Network() override { return network_; }
  Ipv4Address DnsAddress() const override { return network_.DnsAddress(); }
  Ipv4Address ControllerAddress() const override { return network_.ControllerAddress(); }
  DatagramTransport& Transport() override { return transport_; }
  ObjectFetcher& Downloads() override { return downloads_; }
  ObjectFetcher& TestFetches() override { return tests_; }
  void Start() override {
    for (auto& s : servers_) s->Start();
  }

 private:
  SimNetwork network_;
  Ns3DatagramTransport transport_;
  TcpObjectFetcher downloads_;
  TcpObjectFetcher tests_;
  std::vector<std::unique_ptr<ObjectServer>> servers_;  // closed before the fetchers
};

}  // namespace

std::unique_ptr<RoutingRuntime> MakePacketRoutingRuntime(const Scenario& scenario, const TopologyGraph& graph,
                                                         Ns3Clock& clock, Duration test_timeout) {
  return std::make_unique<PacketRoutingRuntime>(scenario, graph, clock, test_timeout);
}

}  // namespace cdnlab
