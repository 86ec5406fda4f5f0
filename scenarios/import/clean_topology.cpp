#include "scenarios/import/clean_topology.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include <fmt/format.h>

namespace cdnlab {
namespace {

bool ValidCoordinates(const ZooNode& n) {
  return n.latitude_deg && n.longitude_deg && *n.latitude_deg >= -90 && *n.latitude_deg <= 90 &&
         *n.longitude_deg >= -180 && *n.longitude_deg <= 180;
}

std::string Describe(const ZooNode& n) {
  return n.label.empty() ? fmt::format("node id {}", n.graphml_id) : fmt::format("node \"{}\" (id {})", n.label, n.graphml_id);
}

// "OC-192" -> 192 x 51.84 Mbps (SONET); 0 when the type is not OC-n.
double OpticalCarrierMbps(const std::string& type) {
  if (type.size() < 4 || (type.compare(0, 3, "OC-") != 0 && type.compare(0, 3, "oc-") != 0)) return 0;
  std::size_t digits = 3;
  while (digits < type.size() && std::isdigit(static_cast<unsigned char>(type[digits]))) ++digits;
  if (digits == 3) return 0;
  return std::stod(type.substr(3, digits - 3)) * 51.84;
}

struct EdgeBandwidth {
  double mbps = 0;
  std::string from;
};

// An edge's speed, when the file gives one.
EdgeBandwidth KnownBandwidth(const ZooEdge& e) {
  if (e.link_speed_bps && *e.link_speed_bps > 0) return {*e.link_speed_bps / 1e6, "LinkSpeedRaw"};
  if (const double oc = OpticalCarrierMbps(e.link_type); oc > 0) return {oc, "LinkType " + e.link_type};
  return {};
}

}  // namespace

std::string Slug(const std::string& label) {
  std::string s;
  for (unsigned char c : label) {
    if (std::isalnum(c)) {
      s += static_cast<char>(std::tolower(c));
    } else if (!s.empty() && s.back() != '-') {
      s += '-';
    }
  }
  while (!s.empty() && s.back() == '-') s.pop_back();
  return s;
}

CleanTopology CleanZooGraph(const ZooGraph& g, const CleanOptions& options) {
  CleanTopology out;
  out.network = g.network;
  const std::size_t n = g.nodes.size();
  auto& report = out.report;

  if (g.hyperedge_elements > 0) {
    report.push_back(fmt::format("{} <hyperedge> element(s) ignored: Boost's read_graphml does not read them (draw a "
                                 "shared medium as a node, as the Topology Zoo does with hyperedge = 1)",
                                 g.hyperedge_elements));
  }
  // 1. Edges: self loops dropped, parallel edges merged (speeds of the ones that give one summed).
  struct Merged {
    std::vector<EdgeBandwidth> known;
    int count = 0;
  };
  std::map<std::pair<std::size_t, std::size_t>, Merged> edges;
  for (const ZooEdge& e : g.edges) {
    if (e.a == e.b) {
      report.push_back(fmt::format("self loop at {} dropped", Describe(g.nodes[e.a])));
      continue;
    }
    Merged& m = edges[{std::min(e.a, e.b), std::max(e.a, e.b)}];
    ++m.count;
    if (const EdgeBandwidth b = KnownBandwidth(e); b.mbps > 0) m.known.push_back(b);
  }
  for (const auto& [ends, m] : edges) {
    if (m.count > 1) {
      report.push_back(fmt::format("{} parallel edges between {} and {} merged into one link (known speeds summed)",
                                   m.count, Describe(g.nodes[ends.first]), Describe(g.nodes[ends.second])));
    }
  }
  std::vector<std::vector<std::size_t>> neighbours(n);
  for (const auto& [ends, m] : edges) {
    neighbours[ends.first].push_back(ends.second);
    neighbours[ends.second].push_back(ends.first);
  }

  // 2. Coordinates: place unlocated nodes at the mean of located neighbours until nothing changes.
  std::vector<bool> keep(n, true);
  std::vector<std::optional<GeoPoint>> at(n);
  for (std::size_t i = 0; i < n; ++i) {
    const ZooNode& z = g.nodes[i];
    if (ValidCoordinates(z)) {
      at[i] = GeoPoint{*z.latitude_deg, *z.longitude_deg};
    } else if (z.latitude_deg || z.longitude_deg) {
      report.push_back(fmt::format("{}: Latitude/Longitude incomplete or out of range, treated as missing", Describe(z)));
    }
  }
  std::vector<bool> by_neighbours(n, false);
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<std::pair<std::size_t, GeoPoint>> placed;
    for (std::size_t i = 0; i < n; ++i) {
      if (at[i]) continue;
      double lat = 0, lon = 0;
      int located = 0;
      for (std::size_t j : neighbours[i]) {
        if (at[j]) lat += at[j]->latitude_deg, lon += at[j]->longitude_deg, ++located;
      }
      if (located > 0) placed.push_back({i, GeoPoint{lat / located, lon / located}});
    }
    for (const auto& [i, p] : placed) {
      at[i] = p, by_neighbours[i] = true, changed = true;
      report.push_back(fmt::format("{} has no coordinates: placed at the mean of its located neighbours ({:.4f}, {:.4f})",
                                   Describe(g.nodes[i]), p.latitude_deg, p.longitude_deg));
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!at[i]) {
      keep[i] = false;
      report.push_back(fmt::format("{} has no coordinates and no located neighbour: dropped with its {} edge(s)",
                                   Describe(g.nodes[i]), neighbours[i].size()));
    }
  }

  // 3. Isolated nodes, then every connected component but the largest.
  for (std::size_t i = 0; i < n; ++i) {
    if (keep[i] && neighbours[i].empty()) {
      keep[i] = false;
      report.push_back(fmt::format("{} is isolated (no edge): dropped", Describe(g.nodes[i])));
    }
  }
  std::vector<int> component(n, -1);
  std::vector<std::size_t> sizes;
  for (std::size_t s = 0; s < n; ++s) {
    if (!keep[s] || component[s] >= 0) continue;
    const int c = static_cast<int>(sizes.size());
    std::vector<std::size_t> stack{s};
    component[s] = c;
    std::size_t size = 0;
    while (!stack.empty()) {
      const std::size_t i = stack.back();
      stack.pop_back();
      ++size;
      for (std::size_t j : neighbours[i]) {
        if (keep[j] && component[j] < 0) component[j] = c, stack.push_back(j);
      }
    }
    sizes.push_back(size);
  }
  // The largest component; the earliest in the file among equals.
  const int largest = static_cast<int>(std::max_element(sizes.begin(), sizes.end()) - sizes.begin());
  for (std::size_t i = 0; i < n; ++i) {
    if (keep[i] && component[i] != largest) {
      keep[i] = false;
      report.push_back(fmt::format("{} is not connected to the largest component ({} nodes): dropped",
                                   Describe(g.nodes[i]), sizes.empty() ? 0 : sizes[largest]));
    }
  }

  // 4. The nodes kept, with unique labels and slugs.
  std::vector<std::size_t> index(n, SIZE_MAX);
  std::set<std::string> slugs;
  std::map<std::string, int> label_seen;
  for (std::size_t i = 0; i < n; ++i) {
    if (!keep[i]) continue;
    const ZooNode& z = g.nodes[i];
    CleanNode c;
    c.graphml_id = z.graphml_id;
    c.label = z.label;
    if (Slug(c.label).empty()) {
      c.label = "node" + z.graphml_id;
      report.push_back(fmt::format("{} has no usable label: named {}", Describe(z), c.label));
    }
    const bool duplicate_label = ++label_seen[c.label] > 1;
    std::string slug = Slug(c.label);
    if (slugs.count(slug)) {
      int k = 2;
      while (slugs.count(fmt::format("{}-{}", slug, k))) ++k;
      const std::string unique = fmt::format("{}-{}", slug, k);
      report.push_back(fmt::format("{}: {} an earlier node's: renamed {}-{} (ids *-{})", Describe(z),
                                   duplicate_label ? "label is" : "label's id base " + slug + " is", c.label, k, unique));
      c.label = fmt::format("{}-{}", c.label, k);
      slug = unique;
    }
    slugs.insert(slug);
    c.slug = slug;
    c.location = *at[i];
    c.located_by_neighbours = by_neighbours[i];
    c.external = z.internal && *z.internal == 0;
    c.hyperedge = z.hyperedge;
    if (c.external) report.push_back(fmt::format("{} is external (Internal = 0): a router only, no group or PoP by default", Describe(z)));
    if (c.hyperedge) report.push_back(fmt::format("{} is a hyperedge (shared medium): a router only, no group or PoP by default", Describe(z)));
    index[i] = out.nodes.size();
    out.nodes.push_back(std::move(c));
  }

  // 5. Links between kept nodes, with their bandwidth and where it came from.
  int defaulted = 0, from_type = 0;
  for (const auto& [ends, m] : edges) {
    if (!keep[ends.first] || !keep[ends.second]) continue;
    CleanLink l;
    l.a = index[ends.first], l.b = index[ends.second];
    l.parallel_edges = m.count;
    if (m.known.empty()) {
      l.bandwidth_mbps = options.default_bandwidth_mbps;
      l.bandwidth_from = "default";
      ++defaulted;
    } else {
      for (const auto& k : m.known) l.bandwidth_mbps += k.mbps;
      l.bandwidth_from = m.known.front().from;
      if (l.bandwidth_from != "LinkSpeedRaw") ++from_type;
    }
    out.links.push_back(l);
  }
  std::sort(out.links.begin(), out.links.end(),
            [](const CleanLink& x, const CleanLink& y) { return std::tie(x.a, x.b) < std::tie(y.a, y.b); });
  if (from_type > 0) {
    report.push_back(fmt::format("{} of {} links give no LinkSpeedRaw: bandwidth from their OC-n LinkType (n x 51.84 Mbps)",
                                 from_type, out.links.size()));
  }
  if (defaulted > 0) {
    report.push_back(fmt::format("{} of {} links give no LinkSpeedRaw (nor an OC-n LinkType): bandwidth {} Mbps "
                                 "(--default-bandwidth-mbps)",
                                 defaulted, out.links.size(), options.default_bandwidth_mbps));
  }
  return out;
}

}  // namespace cdnlab
