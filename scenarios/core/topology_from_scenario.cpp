#include "scenarios/core/topology_from_scenario.h"

#include <algorithm>
#include <stdexcept>

namespace cdnlab {

std::optional<GeoPoint> NodeLocation(const Scenario& s, const std::string& id) {
  for (const auto& r : s.routers) if (r.id == id) return r.location;
  for (const auto& p : s.pops) if (p.id == id) return p.location;
  for (const auto& g : s.client_groups) if (g.id == id) return g.location;
  for (const auto& r : s.resolvers) if (r.id == id) return r.location;
  if (s.HasRouting() && s.dns.id == id) return s.dns.location;
  return std::nullopt;
}

LinkParams ResolveLinkParams(const Scenario& s, const LinkSpec& link) {
  const auto a = NodeLocation(s, link.a);
  const auto b = NodeLocation(s, link.b);
  if (!a || !b) throw std::invalid_argument("link " + link.a + " - " + link.b + " names an unknown node");
  return ResolveLinkParams(s.link_defaults, link, *a, *b);
}

LinkParams ResolveLinkParams(const LinkDefaults& d, const LinkSpec& link, const GeoPoint& a, const GeoPoint& b) {
  LinkParams p;
  p.delay_ms = link.delay_ms ? *link.delay_ms
                             : std::max(d.min_delay_ms, GreatCircleKm(a, b) * d.route_stretch / d.km_per_ms);
  p.bandwidth_mbps = link.bandwidth_mbps.value_or(d.bandwidth_mbps);
  p.loss = link.loss.value_or(d.loss);
  return p;
}

TopologyGraph BuildTopology(const Scenario& s) {
  TopologyGraph g;
  for (const auto& r : s.routers) g.AddNode(r.id, NodeKind::kRouter, r.location);
  for (const auto& p : s.pops) g.AddNode(p.id, NodeKind::kPop, p.location);
  for (const auto& c : s.client_groups) g.AddNode(c.id, NodeKind::kClientGroup, c.location);
  for (const auto& r : s.resolvers) g.AddNode(r.id, NodeKind::kResolver, r.location);
  // A federation-only scenario has no DNS node (its `dns` is the unused default).
  if (s.HasRouting()) g.AddNode(s.dns.id, NodeKind::kDnsServer, s.dns.location);
  // Ends are looked up in the graph (hashed), not by scanning the scenario: 100,000 groups.
  for (const auto& l : s.links) {
    const auto a = g.FindNode(l.a);
    const auto b = g.FindNode(l.b);
    if (!a || !b) throw std::invalid_argument("link " + l.a + " - " + l.b + " names an unknown node");
    g.AddLink(l.a, l.b, ResolveLinkParams(s.link_defaults, l, g.Location(*a), g.Location(*b)));
  }
  return g;
}

}  // namespace cdnlab
