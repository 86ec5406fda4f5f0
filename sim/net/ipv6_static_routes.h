#pragma once
// IPv6 routes for a SimNetwork. ns-3.37 has no IPv6 global routing, so this computes what it
// would: on every node, a static route to every IPv6 link network along the least-metric path
// (the same interface metric, RoutingMetricFor(delay), that IPv4 global routing and the flow
// runtime minimise), with the same tie-breaking as the flow runtime's Dijkstra.
#include <cstdint>
#include <vector>

#include <ns3/ipv6.h>
#include <ns3/node.h>

#include "models/net/ipv6.h"

namespace cdnlab {

class Ipv6StaticRoutes {
 public:
  // One end of a link: the node, its IPv6 interface and its address there.
  struct End {
    ns3::Ptr<ns3::Node> node;
    std::uint32_t interface = 0;
    Ipv6Address address;
  };
  struct Link {
    End end[2];
    Ipv6Prefix network;
    std::uint16_t metric = 1;  // both directions
  };

  // Links in a fixed order (it breaks ties between equal-metric paths).
  void AddLink(const Link& link) { links_.push_back(link); }
  void SetMetric(std::size_t link, std::uint16_t metric) { links_.at(link).metric = metric; }
  std::size_t LinkCount() const { return links_.size(); }

  // Replaces every route this installed before (connected routes stay) with fresh ones.
  void Install();

 private:
  std::vector<Link> links_;
};

}  // namespace cdnlab
