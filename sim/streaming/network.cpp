#include "sim/streaming/network.h"

#include <stdexcept>

#include <algorithm>
#include <cmath>

#include <ns3/data-rate.h>
#include <ns3/net-device.h>
#include <ns3/point-to-point-net-device.h>
#include <ns3/queue-size.h>
#include <ns3/queue.h>

#include "scenarios/streaming/from_scenario.h"

namespace cdnlab {
namespace {

LinkParams Access(double delay_ms, double bandwidth_mbps) {
  LinkParams p;
  p.delay_ms = delay_ms;
  p.bandwidth_mbps = bandwidth_mbps;
  p.loss = 0;
  return p;
}

}  // namespace

std::vector<HostAttachment> StreamingHostAttachments(const Scenario& scenario) {
  const StreamingSpec& st = scenario.streaming;
  if (!st.present) throw std::invalid_argument("the scenario has no streaming section");
  using N = StreamingSimNetwork;
  std::vector<HostAttachment> out;
  out.push_back({StreamingLoadBalancerNodeId(), st.load_balancer_at,
                 Access(N::kLoadBalancerAccessDelayMs, N::kServerAccessMbps)});
  for (const auto& i : st.ingests) out.push_back({i.id, i.at, Access(i.access_delay_ms, N::kServerAccessMbps)});
  for (const auto& m : st.mids) out.push_back({m.id, m.at, Access(m.access_delay_ms, N::kServerAccessMbps)});
  for (const auto& e : st.edges) out.push_back({e.id, e.at, Access(e.access_delay_ms, N::kServerAccessMbps)});
  for (const auto& p : st.publishers) {
    out.push_back({StreamingPublisherNodeId(p.stream), p.at, Access(N::kPublisherAccessDelayMs, N::kPublisherAccessMbps)});
  }
  for (const auto& v : st.viewers) out.push_back({v.id, v.at, Access(v.access_delay_ms, v.count * v.bandwidth_mbps)});
  return out;
}

StreamingSimNetwork::StreamingSimNetwork(const Scenario& scenario)
    : load_balancer_(StreamingLoadBalancerNodeId()), hosts_(scenario, StreamingHostAttachments(scenario), "streaming node") {
  // Jumbo frames on every device (routers included), so the TCP segments fit unfragmented,
  // and transmit queues of kQueueMs at the link's rate (ns-3's default of 100 packets would
  // be a few milliseconds of jumbo frames, far less than a router buffers).
  const ns3::NodeContainer all = hosts_.Network().AllNodes();
  for (auto it = all.Begin(); it != all.End(); ++it) {
    for (std::uint32_t d = 0; d < (*it)->GetNDevices(); ++d) {
      ns3::Ptr<ns3::NetDevice> device = (*it)->GetDevice(d);
      device->SetMtu(kMtu);
      auto p2p = ns3::DynamicCast<ns3::PointToPointNetDevice>(device);
      if (!p2p) continue;
      ns3::DataRateValue rate;
      p2p->GetAttribute("DataRate", rate);
      const double bytes = rate.Get().GetBitRate() / 8.0 * kQueueMs / 1000;
      const auto packets = static_cast<std::uint32_t>(std::max(100.0, std::ceil(bytes / kMtu)));
      p2p->GetQueue()->SetMaxSize(ns3::QueueSize(ns3::QueueSizeUnit::PACKETS, packets));
    }
  }
}

RpcTcpSettings StreamingSimNetwork::TcpSettings() {
  RpcTcpSettings s;
  s.segment_size = kTcpSegment;
  s.buffer_bytes = 8 << 20;
  s.initial_cwnd = 1;
  return s;
}

std::string StreamingSimNetwork::PublisherHost(const std::string& stream) const {
  return StreamingPublisherNodeId(stream);
}

}  // namespace cdnlab
