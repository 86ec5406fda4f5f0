#include "sim/flow/network.h"

#include <cmath>
#include <functional>
#include <queue>
#include <stdexcept>
#include <string>

#include "sim/net/link_metric.h"

namespace cdnlab {
namespace {

// Server and controller LANs, as SimNetwork builds them.
constexpr double kLanMbps = 10000;

}  // namespace

FlowNetwork::FlowNetwork(const Scenario& scenario, const TopologyGraph& graph, LeafNodes leaves)
    : plan_(scenario, graph), pop_up_(scenario.pops.size(), true) {
  const std::size_t nodes = graph.NodeCount();
  links_.reserve(graph.LinkCount());
  std::vector<std::uint32_t> degree(nodes, 0);
  for (TopologyGraph::LinkId l = 0; l < graph.LinkCount(); ++l) {
    links_.push_back(graph.Link(l));
    const auto [a, b] = graph.LinkEnds(l);
    ++degree[a];
    ++degree[b];
  }
  // A group with one link is never transit: it becomes an access link off its neighbour
  // (unless the neighbour is such a group too, an island of two that needs a real node).
  std::vector<std::uint32_t> leaf_link(nodes, kNone);
  auto leaf_candidate = [&](TopologyGraph::NodeId n) {
    const bool kind = leaves == LeafNodes::kAnyHost ? graph.Kind(n) != NodeKind::kRouter
                                                    : graph.Kind(n) == NodeKind::kClientGroup;
    return kind && degree[n] == 1;
  };
  for (TopologyGraph::LinkId l = 0; l < graph.LinkCount(); ++l) {
    const auto [a, b] = graph.LinkEnds(l);
    if (leaf_candidate(a) && !leaf_candidate(b)) leaf_link[a] = static_cast<std::uint32_t>(l);
    if (leaf_candidate(b) && !leaf_candidate(a)) leaf_link[b] = static_cast<std::uint32_t>(l);
  }
  std::vector<std::uint32_t> core_of(nodes, kNone);
  std::uint32_t cores = 0;
  for (TopologyGraph::NodeId n = 0; n < nodes; ++n) {
    if (leaf_link[n] == kNone) core_of[n] = cores++;
  }
  // The core graph, both directions of every link between core nodes.
  offset_.assign(cores + 1, 0);
  for (TopologyGraph::LinkId l = 0; l < graph.LinkCount(); ++l) {
    const auto [a, b] = graph.LinkEnds(l);
    if (core_of[a] == kNone || core_of[b] == kNone) continue;
    ++offset_[core_of[a] + 1];
    ++offset_[core_of[b] + 1];
  }
  for (std::uint32_t c = 0; c < cores; ++c) offset_[c + 1] += offset_[c];
  adj_.resize(offset_[cores]);
  std::vector<std::uint32_t> fill(offset_.begin(), offset_.end() - 1);
  for (TopologyGraph::LinkId l = 0; l < graph.LinkCount(); ++l) {
    const auto [a, b] = graph.LinkEnds(l);
    if (core_of[a] == kNone || core_of[b] == kNone) continue;
    adj_[fill[core_of[a]]++] = {core_of[b], static_cast<std::uint32_t>(l)};
    adj_[fill[core_of[b]]++] = {core_of[a], static_cast<std::uint32_t>(l)};
  }
  trees_.resize(cores);

  hosts_.reserve(plan_.Hosts().size());
  host_index_.reserve(plan_.Hosts().size());
  for (const auto& [address, planned] : plan_.Hosts()) {
    Host h;
    const TopologyGraph::NodeId n = planned.node;
    if (leaf_link[n] != kNone) {
      const auto [a, b] = graph.LinkEnds(leaf_link[n]);
      h.core = core_of[a == n ? b : a];
      h.access_link = leaf_link[n];
    } else {
      h.core = core_of[n];
    }
    h.infra = planned.role != PlannedHost::Role::kTopologyNode || graph.Kind(n) != NodeKind::kClientGroup;
    if (planned.role != PlannedHost::Role::kTopologyNode) h.lan_delay_ms = HostAddressPlan::kServerLanDelayMs;
    if (planned.role == PlannedHost::Role::kServer) h.pop = static_cast<std::int32_t>(planned.pop);
    if (planned.role == PlannedHost::Role::kTopologyNode) node_address_.emplace(n, address);
    host_index_.emplace(address.value, static_cast<std::uint32_t>(hosts_.size()));
    hosts_.push_back(h);
  }
}

Ipv4Address FlowNetwork::HostAddress(const IpAddress& address) const {
  if (address.IsV4()) return address.V4();
  const std::optional<Ipv4Address> host = plan_.HostOf(address);
  if (!host) throw std::invalid_argument("no simulated host has address " + address.ToString());
  return *host;
}

const FlowNetwork::Host& FlowNetwork::HostOf(const IpAddress& address) const {
  auto it = host_index_.find(HostAddress(address).value);
  if (it == host_index_.end()) throw std::invalid_argument("no simulated host has address " + address.ToString());
  return hosts_[it->second];
}

FlowNetwork::Host& FlowNetwork::HostOf(const IpAddress& address) {
  return const_cast<Host&>(static_cast<const FlowNetwork&>(*this).HostOf(address));
}

void FlowNetwork::SetHostReachable(const IpAddress& address, bool reachable) { HostOf(address).unreachable = !reachable; }

bool FlowNetwork::HostUnreachable(const IpAddress& address) const { return HostOf(address).unreachable; }

Ipv4Address FlowNetwork::AddressOfNode(TopologyGraph::NodeId node) const {
  auto it = node_address_.find(node);
  if (it == node_address_.end()) throw std::invalid_argument("topology node " + std::to_string(node) + " has no host address");
  return it->second;
}

bool FlowNetwork::HostDown(const IpAddress& address) const {
  const Host& h = HostOf(address);
  return h.pop >= 0 && !pop_up_[static_cast<std::size_t>(h.pop)];
}

PathMetrics FlowNetwork::Path(const IpAddress& from, const IpAddress& to) {
  const Host& a = HostOf(from);
  const Host& b = HostOf(to);
  // Links are symmetric, so read the path from whichever end has (or deserves) a cached tree.
  const bool a_is_root = a.infra || !b.infra;
  const Host& root = a_is_root ? a : b;
  const Host& other = a_is_root ? b : a;
  const Cell& cell = TreeFrom(root.core)[other.core];
  PathMetrics m;
  if (!std::isfinite(cell.delay_ms)) return m;
  m.reachable = true;
  m.one_way_delay_ms = cell.delay_ms;
  double survival = cell.survival;
  m.bottleneck_mbps = std::numeric_limits<double>::infinity();
  if (cell.bottleneck_link != kNone) {
    m.bottleneck_link = cell.bottleneck_link;
    m.bottleneck_mbps = links_[cell.bottleneck_link].bandwidth_mbps;
  }
  for (const Host* h : {&a, &b}) {
    if (h->access_link != kNone) {
      const LinkParams& l = links_[h->access_link];
      m.one_way_delay_ms += l.delay_ms;
      survival *= 1 - l.loss;
      if (l.bandwidth_mbps < m.bottleneck_mbps) {
        m.bottleneck_mbps = l.bandwidth_mbps;
        m.bottleneck_link = h->access_link;
      }
    }
    if (h->lan_delay_ms > 0) {
      m.one_way_delay_ms += h->lan_delay_ms;
      if (kLanMbps < m.bottleneck_mbps) {
        m.bottleneck_mbps = kLanMbps;
        m.bottleneck_link = PathMetrics::kNoLink;
      }
    }
  }
  if (!std::isfinite(m.bottleneck_mbps)) m.bottleneck_mbps = kLanMbps;  // two hosts on one node
  m.loss = 1 - survival;
  return m;
}

const FlowNetwork::Tree& FlowNetwork::TreeFrom(std::uint32_t root) {
  if (!trees_[root]) {
    trees_[root] = std::make_unique<Tree>(ComputeTree(root));
    ++cached_trees_;
  }
  return *trees_[root];
}

// Dijkstra on the integer routing metric (what ns-3 global routing minimises); the cells
// accumulate the real delay, survival and narrowest link along the chosen path.
FlowNetwork::Tree FlowNetwork::ComputeTree(std::uint32_t root) const {
  const std::size_t n = trees_.size();
  Tree tree(n);
  std::vector<std::uint64_t> cost(n, std::numeric_limits<std::uint64_t>::max());
  std::vector<double> delay(n, 0);  // exact sums; cells keep floats
  using Item = std::pair<std::uint64_t, std::uint32_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> queue;
  cost[root] = 0;
  tree[root].delay_ms = 0;
  queue.push({0, root});
  while (!queue.empty()) {
    const auto [c, u] = queue.top();
    queue.pop();
    if (c != cost[u]) continue;
    for (std::uint32_t i = offset_[u]; i < offset_[u + 1]; ++i) {
      const auto [v, link] = adj_[i];
      const LinkParams& l = links_[link];
      const std::uint64_t next = c + RoutingMetricFor(l.delay_ms);
      if (next >= cost[v]) continue;
      cost[v] = next;
      delay[v] = delay[u] + l.delay_ms;
      Cell& cell = tree[v];
      cell.delay_ms = static_cast<float>(delay[v]);
      cell.survival = static_cast<float>(tree[u].survival * (1 - l.loss));
      const std::uint32_t up = tree[u].bottleneck_link;
      cell.bottleneck_link = up != kNone && links_[up].bandwidth_mbps <= l.bandwidth_mbps ? up : link;
      queue.push({next, v});
    }
  }
  return tree;
}

void FlowNetwork::SetLinkParams(TopologyGraph::LinkId id, const LinkParams& params) { links_.at(id) = params; }

void FlowNetwork::SetPopServersUp(PopIndex pop, bool up) { pop_up_.at(pop) = up; }

void FlowNetwork::RecomputeRoutes() {
  for (auto& tree : trees_) tree.reset();
  cached_trees_ = 0;
}

}  // namespace cdnlab
