#pragma once
// What the streaming experiment needs from the network it runs on, whatever the fidelity:
// where each host listens, exchanges (RpcEndpoints) and datagrams (health probes,
// announcements) between hosts, the latencies and access rates its recovery bound uses, and
// outages. Packet fidelity builds ns-3 nodes, links and TCP (StreamingSimNetwork); flow
// fidelity computes each transfer from the topology: the path's one-way delay plus the bytes
// over the path's bottleneck (sim/streaming/flow_rpc.h). Both run on the ns-3 scheduler, with
// the same hosts, addresses and routes.
#include <cstdint>
#include <memory>
#include <string>

#include "models/core/sim_time.h"
#include "models/net/endpoint.h"
#include "models/ports/datagram_transport.h"
#include "scenarios/core/scenario.h"
#include "sim/streaming/rpc_ports.h"

namespace cdnlab {

class StreamingRuntime : public RpcEndpoints {
 public:
  // Throws std::invalid_argument for a host the network does not have.
  virtual Endpoint At(const std::string& host, std::uint16_t port) const = 0;
  virtual const std::string& LoadBalancer() const = 0;
  virtual std::string PublisherHost(const std::string& stream) const = 0;
  virtual DatagramTransport& Transport() = 0;
  // An unreachable host neither sends nor receives (its access link drops everything). Calls
  // nest: the host is reachable again when every SetReachable(false) got its SetReachable(true).
  virtual void SetReachable(const std::string& host, bool reachable) = 0;
  // One-way latency between two hosts (access links included), and a host's access rate.
  virtual Duration Latency(const std::string& from_host, const std::string& to_host) const = 0;
  virtual double AccessMbps(const std::string& host) const = 0;
};

std::unique_ptr<StreamingRuntime> MakePacketStreamingRuntime(const Scenario& scenario);
std::unique_ptr<StreamingRuntime> MakeFlowStreamingRuntime(const Scenario& scenario);

// The runtime `scenario.fidelity` asks for.
inline std::unique_ptr<StreamingRuntime> MakeStreamingRuntime(const Scenario& scenario) {
  return scenario.fidelity == Fidelity::kFlow ? MakeFlowStreamingRuntime(scenario)
                                              : MakePacketStreamingRuntime(scenario);
}

}  // namespace cdnlab
