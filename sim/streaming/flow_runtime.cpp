// Flow fidelity: the same hosts, addresses and routes as packet fidelity (the streaming hosts
// on AttachedHostsGraph, paths from FlowNetwork) but no ns-3 nodes or sockets: exchanges are
// computed transfers (FlowRpcClient/Server) and datagrams are delivered after their path's
// delay (FlowDatagramTransport, shared with routing and federation).
#include <map>

#include "sim/flow/datagram_transport.h"
#include "sim/flow/network.h"
#include "sim/net/attached_hosts_graph.h"
#include "sim/streaming/flow_rpc.h"
#include "sim/streaming/network.h"
#include "sim/streaming/runtime.h"
#include "scenarios/streaming/from_scenario.h"

namespace cdnlab {
namespace {

// The transport's loss draws (lossy scenario links only): a stream of the scenario's seed that
// no model of a streaming run uses (viewer joins use 500 and up).
constexpr std::uint64_t kFlowLossStream = 90;

class FlowStreamingRuntime final : public StreamingRuntime {
 public:
  explicit FlowStreamingRuntime(const Scenario& scenario)
      : load_balancer_(StreamingLoadBalancerNodeId()),
        graph_(scenario, StreamingHostAttachments(scenario), "streaming node"),
        flows_(graph_.Shape(), graph_.Graph(), FlowNetwork::LeafNodes::kAnyHost),
        transport_(flows_, scenario.seed, kFlowLossStream),
        fabric_(flows_) {}

  std::unique_ptr<RpcClientPort> MakeClient(const std::string& host) override {
    return std::make_unique<FlowRpcClient>(fabric_, AddressOf(host));
  }
  std::unique_ptr<RpcServerPort> MakeServer(const std::string& host, std::uint16_t port,
                                            RpcServerPort::Handler handler) override {
    return std::make_unique<FlowRpcServer>(fabric_, At(host, port), std::move(handler));
  }
  Endpoint At(const std::string& host, std::uint16_t port) const override { return Endpoint{AddressOf(host), port}; }
  const std::string& LoadBalancer() const override { return load_balancer_; }
  std::string PublisherHost(const std::string& stream) const override { return StreamingPublisherNodeId(stream); }
  DatagramTransport& Transport() override { return transport_; }
  void SetReachable(const std::string& host, bool reachable) override {
    int& down = down_[host];
    down = reachable ? (down > 0 ? down - 1 : 0) : down + 1;
    flows_.SetHostReachable(AddressOf(host), down == 0);
  }
  Duration Latency(const std::string& a, const std::string& b) const override { return graph_.Latency(a, b); }
  double AccessMbps(const std::string& host) const override {
    return graph_.Graph().Link(graph_.AccessLink(host)).bandwidth_mbps;
  }

 private:
  Ipv4Address AddressOf(const std::string& host) const { return flows_.AddressOfNode(graph_.NodeOf(host)); }

  std::string load_balancer_;
  AttachedHostsGraph graph_;
  FlowNetwork flows_;
  FlowDatagramTransport transport_;
  FlowRpcFabric fabric_;
  std::map<std::string, int> down_;  // nesting count of SetReachable(false), by host
};

}  // namespace

std::unique_ptr<StreamingRuntime> MakeFlowStreamingRuntime(const Scenario& scenario) {
  return std::make_unique<FlowStreamingRuntime>(scenario);
}

}  // namespace cdnlab
