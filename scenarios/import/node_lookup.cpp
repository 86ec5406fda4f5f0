#include "scenarios/import/node_lookup.h"

#include <cctype>
#include <functional>
#include <limits>
#include <queue>
#include <utility>

namespace cdnlab {
namespace {

bool SameIgnoringCase(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

std::optional<std::size_t> FindTopologyNode(const CleanTopology& t, const std::string& name) {
  const std::vector<std::function<bool(const CleanNode&)>> tries{
      [&](const CleanNode& n) { return n.label == name; },
      [&](const CleanNode& n) { return n.graphml_id == name; },
      [&](const CleanNode& n) { return n.slug == name; },
      [&](const CleanNode& n) { return SameIgnoringCase(n.label, name); },
  };
  for (const auto& matches : tries) {
    for (std::size_t i = 0; i < t.nodes.size(); ++i) {
      if (matches(t.nodes[i])) return i;
    }
  }
  return std::nullopt;
}

std::vector<std::vector<double>> AllPairsDelayMs(const CleanTopology& t, const std::vector<double>& link_delay_ms) {
  const std::size_t n = t.nodes.size();
  std::vector<std::vector<std::pair<std::size_t, double>>> adjacent(n);
  for (std::size_t l = 0; l < t.links.size(); ++l) {
    adjacent[t.links[l].a].push_back({t.links[l].b, link_delay_ms[l]});
    adjacent[t.links[l].b].push_back({t.links[l].a, link_delay_ms[l]});
  }
  std::vector<std::vector<double>> d(n, std::vector<double>(n, std::numeric_limits<double>::infinity()));
  using Item = std::pair<double, std::size_t>;
  for (std::size_t s = 0; s < n; ++s) {
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> queue;
    d[s][s] = 0;
    queue.push({0, s});
    while (!queue.empty()) {
      const auto [dist, u] = queue.top();
      queue.pop();
      if (dist > d[s][u]) continue;
      for (const auto& [v, w] : adjacent[u]) {
        if (dist + w < d[s][v]) d[s][v] = dist + w, queue.push({d[s][v], v});
      }
    }
  }
  return d;
}

}  // namespace cdnlab
