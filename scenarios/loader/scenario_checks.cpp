#include "scenarios/loader/scenario_checks.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "models/net/ip_address.h"

#include "scenarios/federation/checks.h"
#include "scenarios/streaming/checks.h"
#include "scenarios/core/topology_from_scenario.h"

namespace cdnlab {
namespace {

class ScenarioChecker {
 public:
  ScenarioChecker(const Scenario& s, const FieldMarks& marks, IssueLog& log) : s_(s), marks_(marks), log_(log) {}

  void Run() {
    CheckUniqueIds();
    CheckGroups();
    CheckLinks();
    CheckTimeline();
    CheckPolicies();
    CheckRealnet();
    CheckFederation(s_, marks_, log_, ids_);
    CheckStreaming(s_, marks_, log_, ids_);
    if (log_.Empty()) {
      const TopologyGraph graph = BuildTopology(s_);
      CheckReachability(graph);
      CheckFederationReachability(s_, graph, marks_, log_);
      CheckStreamingReachability(s_, graph, marks_, log_);
    }
  }

 private:
  void Error(const std::string& field, const std::string& message) { log_.Add(marks_.Of(field), field, message); }

  void Declare(const std::string& id, const std::string& field) {
    auto [it, added] = ids_.emplace(id, field);
    if (!added) Error(field, fmt::format("id '{}' is already used by {}", id, it->second));
  }

  void CheckUniqueIds() {
    for (std::size_t i = 0; i < s_.routers.size(); ++i) Declare(s_.routers[i].id, fmt::format("routers[{}].id", i));
    for (std::size_t i = 0; i < s_.pops.size(); ++i) Declare(s_.pops[i].id, fmt::format("pops[{}].id", i));
    for (std::size_t i = 0; i < s_.resolvers.size(); ++i) Declare(s_.resolvers[i].id, fmt::format("resolvers[{}].id", i));
    for (std::size_t i = 0; i < s_.client_groups.size(); ++i) {
      Declare(s_.client_groups[i].id, fmt::format("client_groups[{}].id", i));
    }
    if (s_.HasRouting()) Declare(s_.dns.id, "dns.id");  // federation-only: no DNS node
  }

  void CheckGroups() {
    std::set<std::string> resolvers;
    for (const auto& r : s_.resolvers) resolvers.insert(r.id);
    for (std::size_t i = 0; i < s_.client_groups.size(); ++i) {
      const auto& g = s_.client_groups[i];
      if (resolvers.count(g.resolver) == 0) {
        Error(fmt::format("client_groups[{}].resolver", i),
              fmt::format("no resolver with id '{}' (resolvers are listed under 'resolvers')", g.resolver));
      }
    }
    CheckGroupPrefixesDisjoint();
  }

  // Two prefixes overlap only when one contains the other. In (family, network, length) order a
  // container comes before everything inside it, so one pass with a stack of the prefixes
  // still "open" finds every group inside another: O(n log n), which 100,000 groups need.
  // IPv4 prefixes and dual-stack groups' IPv6 prefixes are checked alike (never across families).
  void CheckGroupPrefixesDisjoint() {
    struct Owned {
      IpPrefix prefix;
      std::size_t group;
      const char* field;
    };
    const auto& groups = s_.client_groups;
    std::vector<Owned> all;
    for (std::size_t i = 0; i < groups.size(); ++i) {
      all.push_back({groups[i].prefix, i, "prefix"});
      if (groups[i].prefix6) all.push_back({*groups[i].prefix6, i, "prefix6"});
    }
    std::sort(all.begin(), all.end(), [](const Owned& a, const Owned& b) {
      return a.prefix != b.prefix ? a.prefix < b.prefix : a.group < b.group;
    });
    std::vector<const Owned*> open;
    std::vector<std::pair<const Owned*, const Owned*>> overlaps;  // (later-listed group, earlier-listed)
    for (const Owned& o : all) {
      while (!open.empty() && !open.back()->prefix.Contains(o.prefix.Network())) open.pop_back();
      if (!open.empty()) {
        const Owned* a = open.back();
        overlaps.push_back(a->group > o.group ? std::make_pair(a, &o) : std::make_pair(&o, a));
      }
      open.push_back(&o);
    }
    std::sort(overlaps.begin(), overlaps.end(), [](const auto& a, const auto& b) {
      return std::tie(a.first->group, a.first->prefix, a.second->group) <
             std::tie(b.first->group, b.first->prefix, b.second->group);
    });
    for (const auto& [later, earlier] : overlaps) {
      Error(fmt::format("client_groups[{}].{}", later->group, later->field),
            fmt::format("{} overlaps {} of client group '{}'", later->prefix.ToString(), earlier->prefix.ToString(),
                        groups[earlier->group].id));
    }
  }

  void CheckLinks() {
    std::map<std::pair<std::string, std::string>, std::size_t> seen;
    for (std::size_t i = 0; i < s_.links.size(); ++i) {
      const auto& l = s_.links[i];
      bool ends_ok = true;
      for (const auto& [end, key] : {std::pair{l.a, "a"}, std::pair{l.b, "b"}}) {
        if (ids_.count(end) == 0) {
          Error(fmt::format("links[{}].{}", i, key), fmt::format("no node with id '{}'", end));
          ends_ok = false;
        }
      }
      if (!ends_ok) continue;
      if (l.a == l.b) {
        Error(fmt::format("links[{}].b", i), fmt::format("a link from '{}' to itself", l.a));
        continue;
      }
      const auto key = l.a < l.b ? std::pair{l.a, l.b} : std::pair{l.b, l.a};
      auto [it, added] = seen.emplace(key, i);
      if (!added) {
        Error(fmt::format("links[{}]", i), fmt::format("duplicate of links[{}] ({} - {})", it->second, l.a, l.b));
      }
    }
    links_ = std::move(seen);
  }

  void CheckTimeline() {
    std::set<std::string> pops;
    for (const auto& p : s_.pops) pops.insert(p.id);
    for (std::size_t i = 0; i < s_.timeline.size(); ++i) {
      const auto& e = s_.timeline[i];
      if (e.type == TimelineEventType::kLinkChange) {
        const auto key = e.link_a < e.link_b ? std::pair{e.link_a, e.link_b} : std::pair{e.link_b, e.link_a};
        if (links_.count(key) == 0) {
          Error(fmt::format("timeline[{}].link", i),
                fmt::format("no link between '{}' and '{}' in 'links'", e.link_a, e.link_b));
        }
      } else if (pops.count(e.pop) == 0) {
        Error(fmt::format("timeline[{}].pop", i), fmt::format("no PoP with id '{}'", e.pop));
      }
    }
  }

  // Options that only make sense against the rest of the scenario: a written candidate budget
  // must not exceed the PoPs there are, and spilling needs demand (every PoP has a capacity).
  void CheckPolicies() {
    const bool any_demand = std::any_of(s_.client_groups.begin(), s_.client_groups.end(),
                                        [&](const ClientGroupSpec& g) { return GroupDemandRps(g, s_.workload) > 0; });
    for (std::size_t i = 0; i < s_.policies.size(); ++i) {
      const auto& p = s_.policies[i];
      for (const auto& [key, value] : {std::pair{"probe_candidates", p.probe_candidates},
                                       std::pair{"rum_candidates", p.rum_candidates}}) {
        const std::string field = fmt::format("policies[{}].{}", i, key);
        if (marks_.Has(field) && value > static_cast<int>(s_.pops.size())) {
          Error(field, fmt::format("{} candidates, but the scenario has only {} PoPs", value, s_.pops.size()));
        }
      }
      if (p.capacity_spill && !any_demand) {
        Error(fmt::format("policies[{}].capacity_spill", i), "capacity_spill needs demand: set client_groups[].demand_rps or "
                     "workload.demand_rps_per_million_users");
      }
    }
  }

  // Every PoP needs one real address per server, every group a responder address.
  void CheckRealnet() {
    if (!s_.realnet.present) return;
    std::map<std::string, std::size_t> servers;
    for (const auto& entry : s_.realnet.servers) {
      const std::string& pop = entry.first;
      const auto& addresses = entry.second;
      const std::string field = "realnet.servers." + pop;
      auto it = std::find_if(s_.pops.begin(), s_.pops.end(), [&](const PopSpec& p) { return p.id == pop; });
      if (it == s_.pops.end()) {
        Error(field, fmt::format("no PoP with id '{}'", pop));
      } else if (static_cast<int>(addresses.size()) != it->servers) {
        Error(field, fmt::format("PoP '{}' has {} servers but {} addresses are listed", pop, it->servers, addresses.size()));
      }
      servers[pop] = addresses.size();
    }
    for (const auto& p : s_.pops) {
      if (servers.count(p.id) == 0) Error("realnet.servers", fmt::format("no addresses for PoP '{}'", p.id));
    }
    std::set<std::string> groups;
    for (const auto& entry : s_.realnet.groups) {
      const std::string& group = entry.first;
      const bool known = std::any_of(s_.client_groups.begin(), s_.client_groups.end(),
                                     [&](const ClientGroupSpec& g) { return g.id == group; });
      if (!known) Error("realnet.groups." + group, fmt::format("no client group with id '{}'", group));
      groups.insert(group);
    }
    for (const auto& g : s_.client_groups) {
      if (groups.count(g.id) == 0) Error("realnet.groups", fmt::format("no responder address for client group '{}'", g.id));
    }
  }

  void CheckReachability(const TopologyGraph& graph) {
    // Reachable = same connected component; one union-find pass instead of a shortest-path
    // search per PoP (200 PoPs x 100,000 nodes would take seconds).
    std::vector<TopologyGraph::NodeId> parent(graph.NodeCount());
    for (TopologyGraph::NodeId n = 0; n < parent.size(); ++n) parent[n] = n;
    auto root = [&](TopologyGraph::NodeId n) {
      while (parent[n] != n) n = parent[n] = parent[parent[n]];
      return n;
    };
    for (TopologyGraph::LinkId l = 0; l < graph.LinkCount(); ++l) {
      const auto [a, b] = graph.LinkEnds(l);
      parent[root(a)] = root(b);
    }
    for (std::size_t i = 0; i < s_.pops.size(); ++i) {
      const TopologyGraph::NodeId pop_root = root(*graph.FindNode(s_.pops[i].id));
      for (TopologyGraph::NodeId n = 0; n < graph.NodeCount(); ++n) {
        const NodeKind kind = graph.Kind(n);
        if (kind == NodeKind::kRouter || kind == NodeKind::kPop || root(n) == pop_root) continue;
        const std::string& id = graph.NodeName(n);
        Error(ids_.at(id), fmt::format("'{}' has no path to PoP '{}'; add a link", id, s_.pops[i].id));
      }
    }
  }

  const Scenario& s_;
  const FieldMarks& marks_;
  IssueLog& log_;
  std::map<std::string, std::string> ids_;  // id -> field that declared it
  std::map<std::pair<std::string, std::string>, std::size_t> links_;
};

}  // namespace

void CheckScenario(const Scenario& scenario, const FieldMarks& marks, IssueLog& log) {
  ScenarioChecker(scenario, marks, log).Run();
}

}  // namespace cdnlab
