#pragma once
// The ns-3 network of a streaming scenario: the scenario's topology and links, plus one host
// per streaming node on an access link off its `at` node (sim/net/attached_hosts_network.h):
//  - the load balancer of the virtual address ("streaming-lb", at load_balancer_at),
//  - every ingest, mid-tier and edge cache (their access_delay_ms, kServerAccessMbps),
//  - one host per publisher ("publisher-<stream>", kPublisherAccessMbps),
//  - one host per viewer group, shared by all its viewers (access_delay_ms, count x
//    bandwidth_mbps).
// Every link carries jumbo frames (kMtu) and the streaming TCP uses segments of kTcpSegment
// bytes: the bytes, rates and delays are the scenario's, but a 750 kB segment is 12 packets
// instead of ~520, which is what lets hundreds of viewers per edge run in seconds. (TCP's
// initial window is one such segment, 64 kB, against RFC 6928's ten 1448-byte segments.
// The minimum retransmission timeout stays ns-3's 1 s (RFC 6298): with 200 ms, queueing delay
// behind jumbo frames set off spurious timeouts that collapsed whole edges.)
#include <cstdint>
#include <string>
#include <vector>

#include "models/net/endpoint.h"
#include "models/net/ipv4.h"
#include "scenarios/core/scenario.h"
#include "sim/net/attached_hosts_network.h"
#include "sim/streaming/tcp_rpc.h"

namespace cdnlab {

// The hosts above and their access links (flow fidelity builds on the same). Throws
// std::invalid_argument for a scenario without a streaming section.
std::vector<HostAttachment> StreamingHostAttachments(const Scenario& scenario);

class StreamingSimNetwork {
 public:
  static constexpr double kServerAccessMbps = 10000;
  static constexpr double kPublisherAccessMbps = 1000;
  static constexpr double kLoadBalancerAccessDelayMs = 0.5;
  static constexpr double kPublisherAccessDelayMs = 1;
  static constexpr std::uint16_t kMtu = 64100;
  static constexpr std::uint32_t kTcpSegment = 64000;
  static constexpr double kQueueMs = 50;  // transmit queue per device, in time at its rate
  // Ports (UDP: health, announcements; TCP: content, uploads).
  static constexpr std::uint16_t kHealthPort = 7500;
  static constexpr std::uint16_t kAnnouncePort = 7600;
  static constexpr std::uint16_t kContentPort = 8080;
  static constexpr std::uint16_t kUploadPort = 8000;

  // Throws std::invalid_argument for a scenario without a streaming section (or one whose
  // node ids clash, which the loader reports first).
  explicit StreamingSimNetwork(const Scenario& scenario);

  AttachedHostsNetwork& Hosts() { return hosts_; }
  const AttachedHostsNetwork& Hosts() const { return hosts_; }
  SimNetwork& Network() { return hosts_.Network(); }
  const SimNetwork& Network() const { return hosts_.Network(); }

  // The TCP settings matching the links (segment size, buffers, initial window).
  static RpcTcpSettings TcpSettings();

  Ipv4Address AddressOf(const std::string& host) const { return hosts_.AddressOf(host); }
  Endpoint At(const std::string& host, std::uint16_t port) const { return Endpoint{AddressOf(host), port}; }
  const std::string& LoadBalancer() const { return load_balancer_; }
  std::string PublisherHost(const std::string& stream) const;
  // The host of a viewer group is the group's id.

 private:
  std::string load_balancer_;
  AttachedHostsNetwork hosts_;
};

}  // namespace cdnlab
