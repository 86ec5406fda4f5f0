// Packet fidelity: ns-3 nodes and links (StreamingSimNetwork), exchanges over ns-3 TCP
// (StreamingRpcClient/Server on one fabric), datagrams over ns-3 UDP.
#include "sim/net/ns3_clock.h"
#include "sim/net/ns3_datagram_transport.h"
#include "sim/streaming/network.h"
#include "sim/streaming/runtime.h"
#include "sim/streaming/tcp_rpc.h"

namespace cdnlab {
namespace {

class PacketStreamingRuntime final : public StreamingRuntime {
 public:
  explicit PacketStreamingRuntime(const Scenario& scenario)
      : network_(scenario), transport_(network_.Network()), fabric_(StreamingSimNetwork::TcpSettings()) {}

  std::unique_ptr<RpcClientPort> MakeClient(const std::string& host) override {
    return std::make_unique<StreamingRpcClient>(fabric_, network_.Hosts().NodeOf(host), network_.AddressOf(host),
                                                clock_);
  }
  std::unique_ptr<RpcServerPort> MakeServer(const std::string& host, std::uint16_t port,
                                            RpcServerPort::Handler handler) override {
    return std::make_unique<StreamingRpcServer>(fabric_, network_.Hosts().NodeOf(host), port, std::move(handler));
  }
  Endpoint At(const std::string& host, std::uint16_t port) const override { return network_.At(host, port); }
  const std::string& LoadBalancer() const override { return network_.LoadBalancer(); }
  std::string PublisherHost(const std::string& stream) const override { return network_.PublisherHost(stream); }
  DatagramTransport& Transport() override { return transport_; }
  void SetReachable(const std::string& host, bool reachable) override {
    network_.Hosts().SetReachable(host, reachable);
  }
  Duration Latency(const std::string& a, const std::string& b) const override {
    return network_.Hosts().Latency(a, b);
  }
  double AccessMbps(const std::string& host) const override {
    return network_.Hosts().Graph().Link(network_.Hosts().AccessLink(host)).bandwidth_mbps;
  }

 private:
  Ns3Clock clock_;
  StreamingSimNetwork network_;
  Ns3DatagramTransport transport_;
  StreamingRpcFabric fabric_;
};

}  // namespace

std::unique_ptr<StreamingRuntime> MakePacketStreamingRuntime(const Scenario& scenario) {
  return std::make_unique<PacketStreamingRuntime>(scenario);
}

}  // namespace cdnlab
