#include "sim/net/ipv6_static_routes.h"

#include <functional>
#include <limits>
#include <map>
#include <queue>

#include <ns3/ipv6-address.h>
#include <ns3/ipv6-static-routing-helper.h>
#include <ns3/ipv6-routing-table-entry.h>
#include <ns3/ipv6-static-routing.h>

#include "sim/net/ns3_address.h"

namespace cdnlab {
namespace {

ns3::Ptr<ns3::Ipv6StaticRouting> StaticRoutingOf(ns3::Ptr<ns3::Node> node) {
  return ns3::Ipv6StaticRoutingHelper().GetStaticRouting(node->GetObject<ns3::Ipv6>());
}

// Removes the routes with a gateway (ours); connected routes have none.
void RemoveGatewayRoutes(ns3::Ptr<ns3::Ipv6StaticRouting> routing) {
  for (std::uint32_t i = routing->GetNRoutes(); i-- > 0;) {
    if (routing->GetRoute(i).IsGateway()) routing->RemoveRoute(i);
  }
}

}  // namespace

void Ipv6StaticRoutes::Install() {
  // Nodes by first appearance; adjacency as (neighbour, link, side of the neighbour).
  std::map<ns3::Ptr<ns3::Node>, std::uint32_t> index;
  std::vector<ns3::Ptr<ns3::Node>> nodes;
  for (const Link& l : links_) {
    for (const End& e : l.end) {
      if (index.emplace(e.node, static_cast<std::uint32_t>(nodes.size())).second) nodes.push_back(e.node);
    }
  }
  struct Arc {
    std::uint32_t to;
    std::size_t link;
    int to_side;
  };
  std::vector<std::vector<Arc>> adj(nodes.size());
  for (std::size_t k = 0; k < links_.size(); ++k) {
    const std::uint32_t a = index[links_[k].end[0].node];
    const std::uint32_t b = index[links_[k].end[1].node];
    adj[a].push_back({b, k, 1});
    adj[b].push_back({a, k, 0});
  }
  constexpr std::uint64_t kInf = std::numeric_limits<std::uint64_t>::max();
  for (std::uint32_t root = 0; root < nodes.size(); ++root) {
    // Dijkstra from root; first[v] is the arc leaving root on the chosen path to v.
    std::vector<std::uint64_t> cost(nodes.size(), kInf);
    std::vector<const Arc*> first(nodes.size(), nullptr);
    using Item = std::pair<std::uint64_t, std::uint32_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> queue;
    cost[root] = 0;
    queue.push({0, root});
    while (!queue.empty()) {
      const auto [c, u] = queue.top();
      queue.pop();
      if (c != cost[u]) continue;
      for (const Arc& arc : adj[u]) {
        const std::uint64_t next = c + links_[arc.link].metric;
        if (next >= cost[arc.to]) continue;
        cost[arc.to] = next;
        first[arc.to] = u == root ? &arc : first[u];
        queue.push({next, arc.to});
      }
    }
    ns3::Ptr<ns3::Ipv6StaticRouting> routing = StaticRoutingOf(nodes[root]);
    RemoveGatewayRoutes(routing);
    for (const Link& l : links_) {
      const std::uint32_t a = index[l.end[0].node];
      const std::uint32_t b = index[l.end[1].node];
      if (a == root || b == root) continue;  // connected
      const std::uint32_t via = cost[b] < cost[a] ? b : a;  // the nearer end
      if (cost[via] == kInf) continue;
      const Arc& out = *first[via];
      const Link& hop = links_[out.link];
      routing->AddNetworkRouteTo(ToNs3(l.network.network), ns3::Ipv6Prefix(l.network.length),
                                 ToNs3(hop.end[out.to_side].address), hop.end[1 - out.to_side].interface);
    }
  }
}

}  // namespace cdnlab
