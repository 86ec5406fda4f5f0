// ImportedScenarioYaml (topology_import.h): the comment block by hand, the scenario with
// yaml-cpp's emitter, in the order and flow style of the hand-written scenarios.
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "scenarios/import/topology_import.h"

namespace cdnlab {
namespace {

double Round(double v, double unit) { return std::round(v / unit) * unit; }

// The command that writes this file again (every option, so defaults changing later does not
// change what it means).
std::string ReproduceCommand(const ImportOptions& o) {
  std::string pops;
  if (!o.pop_nodes.empty()) {
    pops = "--pop-nodes ";
    for (std::size_t i = 0; i < o.pop_nodes.size(); ++i) pops += (i ? "," : "") + o.pop_nodes[i];
  } else {
    pops = fmt::format("--pops {}", o.pops);
  }
  std::string groups;
  if (!o.group_nodes.empty()) {
    groups = " --group-nodes ";
    for (std::size_t i = 0; i < o.group_nodes.size(); ++i) groups += (i ? "," : "") + o.group_nodes[i];
  }
  std::string policies;
  for (std::size_t i = 0; i < o.policies.size(); ++i) policies += (i ? "," : "") + o.policies[i];
  return fmt::format(
      "cdnlab import topology-zoo {} --name {} --seed {} --duration {} --fidelity {} {}{} --servers-per-pop {}"
      " --pop-capacity-rps {}"
      " --population {} --population-per-group {} --resolvers {} --access-ms {} --pop-access-ms {} --km-per-ms {}"
      " --fibre-factor {} --min-delay-ms {} --default-bandwidth-mbps {}{} --policies {} --ttl {} --warmup {}",
      o.input, o.name, o.seed, o.duration_s, o.fidelity, pops, groups, o.servers_per_pop,
      o.pop_capacity_rps, o.population,
      o.population_per_group, o.resolvers, o.access_ms, o.pop_access_ms, o.km_per_ms, o.fibre_factor, o.min_delay_ms,
      o.default_bandwidth_mbps,
      o.rtt_matrix.empty() ? ""
                           : fmt::format(" --rtt-matrix {} --rtt-tolerance-ms {}{}", o.rtt_matrix, o.rtt_tolerance_ms,
                                         o.rtt_fit_access ? " --rtt-fit-access" : ""),
      policies, o.dns_ttl_s, o.warmup_s);
}

void Comment(std::string& out, const std::string& text) { out += text.empty() ? "#\n" : "# " + text + "\n"; }

std::string Header(const ImportedScenario& s) {
  const auto& o = s.options;
  const auto& t = s.topology;
  std::string h;
  Comment(h, fmt::format("Imported from the Internet Topology Zoo: network \"{}\", file {}.", t.network, s.source_file));
  Comment(h, "Written by (run from the repository root to write this file again, byte for byte):");
  Comment(h, "  " + ReproduceCommand(o));
  Comment(h, fmt::format("Source map: {} (obtained {}, network date {}).", s.source_url.empty() ? "not given" : s.source_url,
                         s.date_obtained.empty() ? "?" : s.date_obtained, s.network_date.empty() ? "?" : s.network_date));
  Comment(h, "Data: The Internet Topology Zoo, https://topology-zoo.org/ (archive: https://github.com/mroughan/InternetTopologyZoo,");
  Comment(h, "  https://doi.org/10.25909/30153949). Credit: S. Knight, H. X. Nguyen, N. Falkner, R. Bowden, M. Roughan,");
  Comment(h, "  \"The Internet Topology Zoo\", IEEE JSAC 29(9):1765-1775, 2011. Licence: the GraphML states none; the Zoo");
  Comment(h, "  asks users to cite that paper. Where the copied file came from: scenarios/topologies/README.md.");
  Comment(h, "");
  Comment(h, fmt::format("Backbone: {} routers (one per kept node), {} links. Link delay = great-circle km x fibre factor {}",
                         t.nodes.size(), t.links.size(), o.fibre_factor));
  Comment(h, fmt::format("  / {} km per ms (light in fibre, about 2/3 c), at least {} ms; bandwidth from LinkSpeedRaw where given.",
                         o.km_per_ms, o.min_delay_ms));
  Comment(h, fmt::format("PoPs ({}, {} server(s) each, uplink {} ms): {}.", s.pops.size(), o.servers_per_pop, o.pop_access_ms,
                         o.pop_nodes.empty() ? "chosen by greedy k-median over population-weighted delay"
                                             : "named with --pop-nodes"));
  Comment(h, fmt::format("Client groups: {}, one per {} node, population {} ({}), access link {} ms; resolvers: {}.",
                         s.groups.size(), o.group_nodes.empty() ? "internal" : "named", o.population_per_group,
                         o.population, o.access_ms,
                         o.resolvers == "pop" ? "one per PoP, each group using its nearest" : "one per group"));
  Comment(h, "");
  Comment(h, fmt::format("Cleaning report ({} line(s)):", t.report.size()));
  if (t.report.empty()) Comment(h, "  nothing to clean");
  for (const auto& line : t.report) Comment(h, "  - " + line);
  if (!o.rtt_matrix.empty()) {
    Comment(h, "");
    Comment(h, "Measured RTT matrix (the ground truth; links marked in this report carry its delays):");
    constexpr std::size_t kShown = 40;
    for (std::size_t i = 0; i < s.rtt_report.size() && i < kShown; ++i) Comment(h, "  - " + s.rtt_report[i]);
    if (s.rtt_report.size() > kShown) Comment(h, fmt::format("  ... and {} more (all on stderr)", s.rtt_report.size() - kShown));
    std::string from_matrix;
    for (std::size_t l = 0; l < t.links.size(); ++l) {
      if (s.link_delay_from[l] == "rtt-matrix") {
        from_matrix += (from_matrix.empty() ? "" : ", ") + s.RouterId(t.links[l].a) + " - " + s.RouterId(t.links[l].b);
      }
    }
    Comment(h, "  links whose delay_ms comes from the matrix: " + (from_matrix.empty() ? std::string("none") : from_matrix));
  }
  return h;
}

void Place(YAML::Emitter& y, const GeoPoint& p) {
  y << YAML::Key << "lat" << YAML::Value << Round(p.latitude_deg, 1e-5) << YAML::Key << "lon" << YAML::Value
    << Round(p.longitude_deg, 1e-5);
}

void Link(YAML::Emitter& y, const std::string& a, const std::string& b, double delay_ms, double bandwidth_mbps = 0) {
  y << YAML::Flow << YAML::BeginMap << YAML::Key << "a" << YAML::Value << a << YAML::Key << "b" << YAML::Value << b
    << YAML::Key << "delay_ms" << YAML::Value << Round(delay_ms, 1e-3);
  if (bandwidth_mbps > 0) y << YAML::Key << "bandwidth_mbps" << YAML::Value << Round(bandwidth_mbps, 1e-3);
  y << YAML::EndMap;
}

}  // namespace

std::string ImportedScenarioYaml(const ImportedScenario& s) {
  const auto& o = s.options;
  const auto& t = s.topology;
  YAML::Emitter y;
  y.SetDoublePrecision(12);
  y << YAML::BeginMap;
  y << YAML::Key << "name" << YAML::Value << o.name;
  y << YAML::Key << "seed" << YAML::Value << o.seed;
  y << YAML::Key << "duration_s" << YAML::Value << o.duration_s;
  y << YAML::Key << "fidelity" << YAML::Value << o.fidelity;

  y << YAML::Key << "routers" << YAML::Value << YAML::BeginSeq;
  for (std::size_t i = 0; i < t.nodes.size(); ++i) {
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value << s.RouterId(i);
    Place(y, t.nodes[i].location);
    y << YAML::EndMap;
  }
  y << YAML::EndSeq;

  y << YAML::Key << "pops" << YAML::Value << YAML::BeginSeq;
  for (const auto& p : s.pops) {
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value << p.id;
    Place(y, t.nodes[p.node].location);
    y << YAML::Key << "servers" << YAML::Value << o.servers_per_pop;
    y << YAML::Key << "capacity_rps" << YAML::Value << o.pop_capacity_rps;
    y << YAML::EndMap;
  }
  y << YAML::EndSeq;

  y << YAML::Key << "resolvers" << YAML::Value << YAML::BeginSeq;
  for (const auto& r : s.resolvers) {
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value << r.id;
    Place(y, t.nodes[r.node].location);
    y << YAML::Key << "client_subnet" << YAML::Value << true << YAML::EndMap;
  }
  y << YAML::EndSeq;

  y << YAML::Key << "client_groups" << YAML::Value << YAML::BeginSeq;
  for (std::size_t i = 0; i < s.groups.size(); ++i) {
    const auto& g = s.groups[i];
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value << g.id << YAML::Key << "prefix" << YAML::Value
      << fmt::format("10.{}.{}.0/24", i / 256, i % 256);
    Place(y, t.nodes[g.node].location);
    y << YAML::Key << "population" << YAML::Value << static_cast<std::uint64_t>(g.population) << YAML::Key << "resolver"
      << YAML::Value << g.resolver << YAML::EndMap;
  }
  y << YAML::EndSeq;

  const std::size_t dns_node = s.pops.front().node;
  y << YAML::Key << "dns" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value << "dns";
  Place(y, t.nodes[dns_node].location);
  y << YAML::Key << "zone" << YAML::Value << "example.net" << YAML::Key << "hostname" << YAML::Value << "cdn.example.net"
    << YAML::Key << "ttl_s" << YAML::Value << o.dns_ttl_s << YAML::EndMap;

  y << YAML::Key << "links" << YAML::Value << YAML::BeginSeq;
  for (std::size_t l = 0; l < t.links.size(); ++l) {
    Link(y, s.RouterId(t.links[l].a), s.RouterId(t.links[l].b), s.link_delay_ms[l], t.links[l].bandwidth_mbps);
  }
  for (const auto& p : s.pops) Link(y, p.id, s.RouterId(p.node), o.pop_access_ms);
  for (const auto& g : s.groups) Link(y, g.id, s.RouterId(g.node), g.access_ms);
  for (const auto& r : s.resolvers) Link(y, r.id, s.RouterId(r.node), o.access_ms);
  Link(y, "dns", s.RouterId(dns_node), o.pop_access_ms);
  y << YAML::EndSeq;

  y << YAML::Key << "link_defaults" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "bandwidth_mbps"
    << YAML::Value << o.default_bandwidth_mbps << YAML::Key << "loss" << YAML::Value << 0 << YAML::Key << "km_per_ms"
    << YAML::Value << o.km_per_ms << YAML::Key << "route_stretch" << YAML::Value << o.fibre_factor << YAML::Key
    << "min_delay_ms" << YAML::Value << o.min_delay_ms << YAML::EndMap;
  y << YAML::Key << "probing" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "interval_s" << YAML::Value
    << 10 << YAML::Key << "packets_per_train" << YAML::Value << 5 << YAML::Key << "spacing_ms" << YAML::Value << 20
    << YAML::Key << "timeout_ms" << YAML::Value << 1000 << YAML::Key << "packet_bytes" << YAML::Value << 64 << YAML::EndMap;
  y << YAML::Key << "mapping" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "recompute_interval_s"
    << YAML::Value << 5 << YAML::Key << "ranked_pops" << YAML::Value << std::min<std::size_t>(3, s.pops.size())
    << YAML::EndMap;
  y << YAML::Key << "workload" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "object_bytes" << YAML::Value
    << 100000 << YAML::Key << "downloads_per_group_per_min" << YAML::Value << 4 << YAML::EndMap;
  y << YAML::Key << "evaluation" << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "warmup_s" << YAML::Value
    << o.warmup_s << YAML::Key << "sample_interval_s" << YAML::Value << 1 << YAML::EndMap;
  y << YAML::Key << "policies" << YAML::Value << YAML::BeginSeq;
  for (const auto& p : o.policies) y << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << p << YAML::EndMap;
  y << YAML::EndSeq;
  y << YAML::EndMap;
  if (!y.good()) throw std::logic_error("scenario YAML emitter: " + y.GetLastError());
  return Header(s) + y.c_str() + "\n";
}

}  // namespace cdnlab
