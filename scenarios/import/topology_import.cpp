#include "scenarios/import/topology_import.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "models/geo/point.h"
#include "scenarios/import/gml_reader.h"
#include "scenarios/import/graphml_reader.h"
#include "scenarios/import/node_lookup.h"
#include "scenarios/import/pop_placement.h"
#include "scenarios/import/rtt_matrix.h"
#include "scenarios/import/rtt_override.h"

namespace cdnlab {
namespace {

std::size_t NodeNamedBy(const ImportedScenario& s, const std::string& option, const std::string& name) {
  if (auto node = FindTopologyNode(s.topology, name)) return *node;
  std::string known;
  for (const auto& n : s.topology.nodes) known += (known.empty() ? "" : ", ") + n.label;
  throw ImportError(fmt::format("{}: no node \"{}\" in {} (after cleaning; nodes: {})", option, name, s.source_file, known));
}

void CheckOptions(const ImportOptions& o) {
  const auto positive = [](const char* option, double v) {
    if (!(v > 0) || !std::isfinite(v)) throw ImportError(fmt::format("{}: must be a positive number, not {}", option, v));
  };
  positive("--duration", o.duration_s);
  positive("--km-per-ms", o.km_per_ms);
  positive("--fibre-factor", o.fibre_factor);
  positive("--min-delay-ms", o.min_delay_ms);
  positive("--access-ms", o.access_ms);
  positive("--pop-access-ms", o.pop_access_ms);
  positive("--default-bandwidth-mbps", o.default_bandwidth_mbps);
  positive("--population-per-group", o.population_per_group);
  positive("--rtt-tolerance-ms", o.rtt_tolerance_ms);
  positive("--ttl", o.dns_ttl_s);
  positive("--pop-capacity-rps", o.pop_capacity_rps);
  if (!(o.duration_s > o.warmup_s + 5)) {
    throw ImportError(fmt::format("--duration: {} s must exceed --warmup ({} s) + 5 s", o.duration_s, o.warmup_s));
  }
  if (o.fidelity != "flow" && o.fidelity != "packet") throw ImportError("--fidelity: packet or flow, not " + o.fidelity);
  if (o.population != "uniform" && o.population != "degree") {
    throw ImportError("--population: uniform or degree, not " + o.population);
  }
  if (o.resolvers != "pop" && o.resolvers != "group") throw ImportError("--resolvers: pop or group, not " + o.resolvers);
  if (o.pop_nodes.empty() && o.pops < 1) throw ImportError("--pops: at least 1 (or name them with --pop-nodes)");
  if (o.servers_per_pop < 1 || o.servers_per_pop > 1000) throw ImportError("--servers-per-pop: 1 to 1000");
  if (o.policies.empty()) throw ImportError("--policies: at least one policy");
}

// Backbone delays from distance; the fibre factor accounts for fibre not following great circles.
void ComputeDelays(ImportedScenario& s) {
  const auto& o = s.options;
  for (const auto& l : s.topology.links) {
    const double km = GreatCircleKm(s.topology.nodes[l.a].location, s.topology.nodes[l.b].location);
    const double ms = std::max(o.min_delay_ms, km * o.fibre_factor / o.km_per_ms);
    s.link_delay_ms.push_back(std::round(ms * 1000) / 1000);
    s.link_delay_from.push_back("distance");
  }
}

void PlaceGroups(ImportedScenario& s) {
  const auto& o = s.options;
  std::vector<std::size_t> nodes;
  if (!o.group_nodes.empty()) {
    for (const auto& name : o.group_nodes) {
      const std::size_t n = NodeNamedBy(s, "--group-nodes", name);
      if (std::find(nodes.begin(), nodes.end(), n) != nodes.end()) throw ImportError("--group-nodes: " + name + " named twice");
      nodes.push_back(n);
    }
  } else {
    for (std::size_t i = 0; i < s.topology.nodes.size(); ++i) {
      if (s.topology.nodes[i].HostsClients()) nodes.push_back(i);
    }
  }
  if (nodes.empty()) throw ImportError(s.source_file + ": no node can host a client group (all external or hyperedges)");
  if (nodes.size() > 65536) throw ImportError(s.source_file + ": more than 65,536 client groups");
  std::vector<int> degree(s.topology.nodes.size(), 0);
  for (const auto& l : s.topology.links) ++degree[l.a], ++degree[l.b];
  double mean_degree = 0;
  for (std::size_t n : nodes) mean_degree += degree[n];
  mean_degree /= nodes.size();
  for (std::size_t n : nodes) {
    ImportedGroup g;
    g.id = "g-" + s.topology.nodes[n].slug;
    g.node = n;
    g.access_ms = o.access_ms;
    g.population = o.population == "degree" ? std::round(o.population_per_group * degree[n] / mean_degree)
                                            : std::round(o.population_per_group);
    s.groups.push_back(g);
  }
}

void PlacePops(ImportedScenario& s, const std::vector<std::vector<double>>& delay) {
  const auto& o = s.options;
  std::set<std::string> ids;
  if (!o.pop_nodes.empty()) {
    std::set<std::size_t> used;
    for (const auto& entry : o.pop_nodes) {
      const auto eq = entry.find('=');
      const std::string name = entry.substr(0, eq);
      const std::size_t n = NodeNamedBy(s, "--pop-nodes", name);
      if (!used.insert(n).second) throw ImportError("--pop-nodes: node " + name + " named twice");
      std::string id = eq == std::string::npos ? "pop-" + s.topology.nodes[n].slug : entry.substr(eq + 1);
      if (id.empty() || Slug(id) != id) {
        throw ImportError("--pop-nodes: PoP id \"" + id + "\" (in " + entry + ") must be lowercase letters, digits and '-'");
      }
      s.pops.push_back({id, n});
    }
  } else {
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < s.topology.nodes.size(); ++i) {
      if (s.topology.nodes[i].HostsClients()) candidates.push_back(i);
    }
    if (static_cast<std::size_t>(o.pops) > candidates.size()) {
      throw ImportError(fmt::format("--pops: {} PoPs but only {} nodes of {} can host one", o.pops, candidates.size(),
                                    s.source_file));
    }
    std::vector<std::pair<std::size_t, double>> weights;
    for (const auto& g : s.groups) weights.push_back({g.node, g.population});
    for (std::size_t n : ChoosePopNodes(delay, candidates, weights, o.pops)) s.pops.push_back({"pop-" + s.topology.nodes[n].slug, n});
  }
  for (const auto& p : s.pops) {
    if (!ids.insert(p.id).second) throw ImportError("--pop-nodes: PoP id " + p.id + " used twice");
  }
}

void PlaceResolvers(ImportedScenario& s, const std::vector<std::vector<double>>& delay) {
  if (s.options.resolvers == "group") {
    for (auto& g : s.groups) {
      g.resolver = "res-" + s.topology.nodes[g.node].slug;
      s.resolvers.push_back({g.resolver, g.node});
    }
    return;
  }
  for (const auto& p : s.pops) s.resolvers.push_back({"res-" + p.id.substr(p.id.rfind("pop-") == 0 ? 4 : 0), p.node});
  for (auto& g : s.groups) {
    std::size_t best = 0;
    for (std::size_t r = 1; r < s.resolvers.size(); ++r) {
      if (delay[g.node][s.resolvers[r].node] < delay[g.node][s.resolvers[best].node]) best = r;
    }
    g.resolver = s.resolvers[best].id;
  }
}

// GML by its extension (.gml, any case), else GraphML.
ZooGraph ReadZooFile(const std::string& path) {
  std::string ext = path.size() >= 4 ? path.substr(path.size() - 4) : "";
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext != ".gml") return ReadZooGraphmlFile(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImportError(path + ": cannot open: " + std::strerror(errno));
  return ReadZooGml(in, path);
}

}  // namespace

ImportedScenario ImportTopologyZoo(const ImportOptions& options) {
  CheckOptions(options);
  ImportedScenario s;
  s.options = options;
  s.source_file = options.input;
  const ZooGraph zoo = ReadZooFile(options.input);
  s.source_url = zoo.source_url;
  s.date_obtained = zoo.date_obtained;
  s.network_date = zoo.network_date;
  s.topology = CleanZooGraph(zoo, CleanOptions{options.default_bandwidth_mbps});
  if (s.options.name.empty()) s.options.name = "zoo-" + (Slug(zoo.network).empty() ? "topology" : Slug(zoo.network));
  if (Slug(s.options.name) != s.options.name) {
    throw ImportError("--name: \"" + s.options.name + "\" must be lowercase letters, digits and '-'");
  }
  ComputeDelays(s);
  PlaceGroups(s);
  // Placement uses distance delays: measured RTTs describe the network, not where to build.
  const auto delay = AllPairsDelayMs(s.topology, s.link_delay_ms);
  PlacePops(s, delay);
  PlaceResolvers(s, delay);
  if (!options.rtt_matrix.empty()) ApplyRttMatrix(ReadRttMatrixCsv(options.rtt_matrix), s);
  return s;
}

}  // namespace cdnlab
