#include "scenarios/federation/checks.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "scenarios/federation/from_scenario.h"

namespace cdnlab {
namespace {

std::string PlatformField(std::size_t i) { return fmt::format("federation.platforms[{}]", i); }
std::string ServerField(std::size_t i, std::size_t j) { return fmt::format("federation.platforms[{}].servers[{}]", i, j); }
std::string ProviderField(std::size_t i) { return fmt::format("federation.providers[{}]", i); }
std::string ConfigurationField(std::size_t i) { return fmt::format("federation.configurations[{}]", i); }
std::string CommandField(std::size_t i) { return fmt::format("federation.commands[{}]", i); }
std::string FaultField(std::size_t i) { return fmt::format("federation.faults[{}]", i); }

std::string JoinArrows(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : " -> ") + item;
  return out;
}

class FederationChecker {
 public:
  FederationChecker(const Scenario& s, const FieldMarks& marks, IssueLog& log,
                    const std::map<std::string, std::string>& topology_ids)
      : s_(s), f_(s.federation), marks_(marks), log_(log), topology_ids_(topology_ids), node_ids_(topology_ids) {}

  void Run() {
    CheckIds();
    CheckParticipants();
    CheckPlatforms();
    CheckProviders();
    CheckConfigurations();
    CheckCommands();
    CheckFaults();
    CheckRealnet();
  }

 private:
  struct ServerRef {
    std::size_t platform = 0;
    std::size_t index = 0;
  };

  void Error(const std::string& field, const std::string& message) { log_.Add(marks_.Of(field), field, message); }

  const FederationServerSpec& ServerAt(const ServerRef& r) const { return f_.platforms[r.platform].servers[r.index]; }

  // Platforms, servers, providers and configurations share one namespace; gateways and
  // servers are also network nodes, so they must not reuse a topology node's id either.
  bool DeclareFederationId(const std::string& id, const std::string& field) {
    auto [it, added] = federation_ids_.emplace(id, field);
    if (!added) Error(field, fmt::format("id '{}' is already used by {}", id, it->second));
    return added;
  }

  void CheckIds() {
    for (std::size_t i = 0; i < f_.platforms.size(); ++i) {
      const auto& p = f_.platforms[i];
      const std::string field = PlatformField(i) + ".id";
      platforms_.emplace(p.id, i);
      if (!DeclareFederationId(p.id, field)) continue;
      const std::string gateway = GatewayNodeId(p.id);
      auto [it, added] = node_ids_.emplace(gateway, fmt::format("the gateway of platform '{}' ({})", p.id, field));
      if (!added) {
        Error(field, fmt::format("the platform's gateway node id '{}' is already used by {}", gateway, it->second));
      }
      gateways_.push_back(gateway);
    }
    for (std::size_t i = 0; i < f_.platforms.size(); ++i) {
      const auto& servers = f_.platforms[i].servers;
      for (std::size_t j = 0; j < servers.size(); ++j) {
        const std::string field = ServerField(i, j) + ".id";
        if (!DeclareFederationId(servers[j].id, field)) continue;
        auto [it, added] = node_ids_.emplace(servers[j].id, field);
        if (!added) {
          Error(field, fmt::format("id '{}' is already used by {}", servers[j].id, it->second));
          continue;
        }
        servers_.emplace(servers[j].id, ServerRef{i, j});
      }
    }
    for (std::size_t i = 0; i < f_.providers.size(); ++i) {
      if (DeclareFederationId(f_.providers[i].id, ProviderField(i) + ".id")) providers_.emplace(f_.providers[i].id, i);
    }
    for (std::size_t i = 0; i < f_.configurations.size(); ++i) {
      DeclareFederationId(f_.configurations[i].id, ConfigurationField(i) + ".id");
    }
  }

  void CheckParticipants() {
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < f_.participants.size(); ++i) {
      const std::string& id = f_.participants[i].id;
      auto [it, added] = seen.emplace(id, i);
      if (!added) {
        Error(fmt::format("federation.participants[{}].id", i),
              fmt::format("participant '{}' is already listed as federation.participants[{}]", id, it->second));
      }
      participants_.insert(id);
    }
    const std::string why = "every platform and content provider needs a secret to sign its messages with";
    for (std::size_t i = 0; i < f_.platforms.size(); ++i) {
      if (participants_.count(f_.platforms[i].id) == 0) {
        Error(PlatformField(i) + ".id", fmt::format("platform '{}' has no entry in federation.participants ({})",
                                                    f_.platforms[i].id, why));
      }
    }
    for (std::size_t i = 0; i < f_.providers.size(); ++i) {
      if (participants_.count(f_.providers[i].id) == 0) {
        Error(ProviderField(i) + ".id", fmt::format("content provider '{}' has no entry in federation.participants ({})",
                                                    f_.providers[i].id, why));
      }
    }
  }

  void CheckAttachment(const std::string& field, const std::string& node) {
    if (topology_ids_.count(node) == 0) {
      Error(field, fmt::format("no network node with id '{}'; expected a router or another node of the topology", node));
    }
  }

  void CheckPlatforms() {
    for (std::size_t i = 0; i < f_.platforms.size(); ++i) {
      const auto& p = f_.platforms[i];
      CheckAttachment(PlatformField(i) + ".gateway_at", p.gateway_at);
      for (std::size_t j = 0; j < p.servers.size(); ++j) {
        const auto& server = p.servers[j];
        CheckAttachment(ServerField(i, j) + ".at", server.at);
        if (server.parent.empty()) continue;
        const std::string field = ServerField(i, j) + ".parent";
        auto it = servers_.find(server.parent);
        if (server.parent == server.id) {
          Error(field, "a server cannot be its own parent");
        } else if (it == servers_.end()) {
          Error(field, fmt::format("no server with id '{}'", server.parent));
        } else if (it->second.platform != i) {
          Error(field, fmt::format("server '{}' belongs to platform '{}', not '{}'; a parent is on the same platform",
                                   server.parent, f_.platforms[it->second.platform].id, p.id));
        } else if (ServerAt(it->second).tier != "parent") {
          Error(field, fmt::format("server '{}' has tier {}; a parent must have tier parent", server.parent,
                                   ServerAt(it->second).tier));
        } else {
          parents_.emplace(server.id, server.parent);
        }
      }
    }
    // Parent-tier servers may have parents themselves, so the chain could loop.
    std::set<std::string> reported;
    for (std::size_t i = 0; i < f_.platforms.size(); ++i) {
      for (std::size_t j = 0; j < f_.platforms[i].servers.size(); ++j) {
        const std::string& start = f_.platforms[i].servers[j].id;
        std::vector<std::string> chain{start};
        std::string current = start;
        while (parents_.count(current) && chain.size() <= parents_.size() + 1) {
          current = parents_.at(current);
          chain.push_back(current);
          if (current == start) break;
        }
        if (current != start || chain.size() == 1 || reported.count(start)) continue;
        for (const auto& member : chain) reported.insert(member);
        Error(ServerField(i, j) + ".parent", fmt::format("the parent chain loops: {}", JoinArrows(chain)));
      }
    }
  }

  void CheckProviders() {
    for (std::size_t i = 0; i < f_.providers.size(); ++i) {
      if (platforms_.count(f_.providers[i].platform) == 0) {
        Error(ProviderField(i) + ".platform", fmt::format("no platform with id '{}'", f_.providers[i].platform));
      }
    }
  }

  void CheckConfigurations() {
    std::map<std::string, std::string> hosts;         // host -> configuration id
    std::map<std::string, std::string> metadata_urls;  // url -> configuration id
    for (std::size_t ci = 0; ci < f_.configurations.size(); ++ci) {
      const auto& c = f_.configurations[ci];
      const std::string base = ConfigurationField(ci);
      std::string contract;  // the provider's platform
      auto provider = providers_.find(c.provider);
      if (provider == providers_.end()) {
        Error(base + ".provider", fmt::format("no content provider with id '{}'", c.provider));
      } else {
        contract = f_.providers[provider->second].platform;
      }
      for (std::size_t k = 0; k < c.hosts.size(); ++k) {
        auto [it, added] = hosts.emplace(c.hosts[k], c.id);
        if (!added) {
          Error(fmt::format("{}.hosts[{}]", base, k),
                fmt::format("host '{}' already belongs to configuration '{}'", c.hosts[k], it->second));
        }
      }
      if (!c.metadata_url.empty()) {
        auto [it, added] = metadata_urls.emplace(c.metadata_url, c.id);
        if (!added) {
          Error(base + ".metadata_url",
                fmt::format("metadata URL '{}' already names configuration '{}'", c.metadata_url, it->second));
        }
      }
      CheckDeployments(ci, contract);
    }
  }

  void CheckDeployments(std::size_t ci, const std::string& contract) {
    const auto& c = f_.configurations[ci];
    const std::string base = ConfigurationField(ci);
    auto field = [&](std::size_t d, const std::string& key) { return fmt::format("{}.deployments[{}].{}", base, d, key); };
    bool consistent = true;  // worth looking for loops
    std::map<std::string, std::size_t> on_platform;
    for (std::size_t d = 0; d < c.deployments.size(); ++d) {
      const auto& dep = c.deployments[d];
      auto platform = platforms_.find(dep.platform);
      if (platform == platforms_.end()) {
        Error(field(d, "platform"), fmt::format("no platform with id '{}'", dep.platform));
        consistent = false;
        continue;
      }
      auto [it, added] = on_platform.emplace(dep.platform, d);
      if (!added) {
        Error(field(d, "platform"), fmt::format("platform '{}' already has a deployment of configuration '{}' "
                                                "(deployments[{}])", dep.platform, c.id, it->second));
        consistent = false;
      }
      for (std::size_t k = 0; k < dep.servers.size(); ++k) {
        const std::string server_field = fmt::format("{}.deployments[{}].servers[{}]", base, d, k);
        auto server = servers_.find(dep.servers[k]);
        if (server == servers_.end()) {
          Error(server_field, fmt::format("no server with id '{}'", dep.servers[k]));
        } else if (server->second.platform != platform->second) {
          Error(server_field, fmt::format("server '{}' belongs to platform '{}', not '{}'", dep.servers[k],
                                          f_.platforms[server->second.platform].id, dep.platform));
        }
      }
    }
    // Exactly one deployment is the provider's own (no delegated_by), on its contract platform.
    std::size_t roots = 0;
    for (std::size_t d = 0; d < c.deployments.size(); ++d) {
      const auto& dep = c.deployments[d];
      if (!dep.delegated_by.empty() || platforms_.count(dep.platform) == 0) continue;
      ++roots;
      if (!contract.empty() && dep.platform != contract) {
        Error(field(d, "platform"),
              fmt::format("'{}' is not the platform provider '{}' contracts with ('{}'), so this deployment must name "
                          "the platform that delegated the configuration to it in delegated_by",
                          dep.platform, c.provider, contract));
        consistent = false;
      }
    }
    if (roots == 0) {
      Error(base + ".deployments",
            fmt::format("no deployment without delegated_by: the configuration must be deployed on the provider's own "
                        "platform{}, from which the others are delegated",
                        contract.empty() ? "" : " '" + contract + "'"));
      consistent = false;
    }
    for (std::size_t d = 0; d < c.deployments.size(); ++d) {
      const auto& dep = c.deployments[d];
      if (dep.delegated_by.empty()) continue;
      const std::string by_field = field(d, "delegated_by");
      if (dep.delegated_by == dep.platform) {
        Error(by_field, "a platform cannot delegate to itself");
      } else if (platforms_.count(dep.delegated_by) == 0) {
        Error(by_field, fmt::format("no platform with id '{}'", dep.delegated_by));
      } else if (dep.platform == contract) {
        Error(by_field, fmt::format("'{}' is the platform provider '{}' contracts with; its deployment is the "
                                    "provider's own and has no delegated_by", dep.platform, c.provider));
      } else if (on_platform.count(dep.delegated_by) == 0) {
        Error(by_field, fmt::format("platform '{}' has no deployment of configuration '{}' to delegate",
                                    dep.delegated_by, c.id));
      } else {
        continue;
      }
      consistent = false;
    }
    // A deployment without servers only makes sense on a platform that passes it on.
    for (std::size_t d = 0; d < c.deployments.size(); ++d) {
      const auto& dep = c.deployments[d];
      if (!dep.servers.empty()) continue;
      const bool passes_on = std::any_of(c.deployments.begin(), c.deployments.end(),
                                         [&](const FederationDeploymentSpec& other) { return other.delegated_by == dep.platform; });
      if (!passes_on) {
        Error(field(d, "servers"), fmt::format("no servers, and platform '{}' delegates configuration '{}' to no "
                                               "other platform: this deployment would carry nothing",
                                               dep.platform, c.id));
      }
    }
    if (consistent) CheckDelegationLoops(ci);
  }

  // Every delegated_by chain must lead up to the contract deployment.
  void CheckDelegationLoops(std::size_t ci) {
    const auto& c = f_.configurations[ci];
    std::map<std::string, std::string> upstream;
    for (const auto& dep : c.deployments) upstream[dep.platform] = dep.delegated_by;
    std::set<std::string> reported;
    for (std::size_t d = 0; d < c.deployments.size(); ++d) {
      const std::string& start = c.deployments[d].platform;
      std::vector<std::string> chain{start};
      std::string current = start;
      while (!upstream[current].empty() && chain.size() <= c.deployments.size()) {
        current = upstream[current];
        chain.push_back(current);
        if (current == start) break;
      }
      if (current != start || chain.size() == 1 || reported.count(start)) continue;
      for (const auto& member : chain) reported.insert(member);
      Error(fmt::format("{}.deployments[{}].delegated_by", ConfigurationField(ci), d),
            fmt::format("delegation loop: {} (each delegated by the next); the chain must lead up to the provider's "
                        "platform", JoinArrows(chain)));
    }
  }

  void CheckCommands() {
    std::map<std::string, std::size_t> ids;
    for (std::size_t i = 0; i < f_.commands.size(); ++i) {
      auto [it, added] = ids.emplace(f_.commands[i].id, i);
      if (!added) {
        Error(CommandField(i) + ".id",
              fmt::format("command id '{}' is already used by federation.commands[{}]", f_.commands[i].id, it->second));
      }
    }
    for (std::size_t i = 0; i < f_.commands.size(); ++i) {
      const auto& c = f_.commands[i];
      const std::string base = CommandField(i);
      if (participants_.count(c.by) == 0) {
        Error(base + ".by", fmt::format("no participant with id '{}' (participants are listed under "
                                        "federation.participants)", c.by));
      }
      if (platforms_.count(c.platform) == 0) {
        Error(base + ".platform", fmt::format("no platform with id '{}'", c.platform));
      }
      if (c.cancel.empty()) continue;
      auto target = ids.find(c.cancel);
      if (c.cancel == c.id) {
        Error(base + ".cancel", "a command cannot cancel itself");
      } else if (target == ids.end()) {
        Error(base + ".cancel", fmt::format("no command with id '{}'", c.cancel));
      } else if (!f_.commands[target->second].cancel.empty()) {
        Error(base + ".cancel", fmt::format("command '{}' is itself a cancel; name the command to cancel", c.cancel));
      } else if (f_.commands[target->second].at_s >= c.at_s) {
        Error(base + ".at_s", fmt::format("a cancel must come after the command it cancels ('{}' at {} s), got {}",
                                          c.cancel, f_.commands[target->second].at_s, c.at_s));
      }
    }
  }

  void CheckFaults() {
    for (std::size_t i = 0; i < f_.faults.size(); ++i) {
      const auto& e = f_.faults[i];
      const std::string base = FaultField(i);
      if (!e.server.empty() && servers_.count(e.server) == 0) {
        Error(base + ".server", fmt::format("no federation server with id '{}'", e.server));
      }
      if (!e.to_server.empty() && servers_.count(e.to_server) == 0) {
        Error(base + ".to_server", fmt::format("no federation server with id '{}'", e.to_server));
      }
      if (!e.platform.empty() && platforms_.count(e.platform) == 0) {
        Error(base + ".platform", fmt::format("no platform with id '{}'", e.platform));
      }
      // Two outages of one thing at once: does the first recovery end both? Say it instead.
      if (e.type == FederationFaultType::kMessageLoss) continue;
      for (std::size_t j = 0; j < i; ++j) {
        const auto& other = f_.faults[j];
        if (other.type != e.type || other.server != e.server || other.platform != e.platform) continue;
        if (e.at_s < other.at_s + other.duration_s && other.at_s < e.at_s + e.duration_s) {
          Error(base + ".at_s",
                fmt::format("{} '{}' is already {} from {} s to {} s (federation.faults[{}]); outages of one {} must "
                            "not overlap",
                            e.type == FederationFaultType::kServerDown ? "server" : "platform",
                            e.type == FederationFaultType::kServerDown ? e.server : e.platform,
                            e.type == FederationFaultType::kServerDown ? "down" : "unreachable", other.at_s,
                            other.at_s + other.duration_s, j,
                            e.type == FederationFaultType::kServerDown ? "server" : "gateway"));
          break;
        }
      }
    }
  }

  // Where the real processes listen: every entry names a real federation node or platform,
  // no address is used twice, and once any node is placed, all of them are.
  void CheckRealnet() {
    if (!s_.realnet.present) return;
    std::set<std::string> nodes(gateways_.begin(), gateways_.end());
    for (const auto& entry : servers_) nodes.insert(entry.first);
    std::set<std::string> placed;
    std::map<Endpoint, std::string> used;
    for (const auto& [node, endpoint] : s_.realnet.federation_nodes) {
      const std::string field = "realnet.federation_nodes." + node;
      if (nodes.count(node) == 0) {
        Error(field, fmt::format("no federation node '{}'; expected a gateway ('<platform>-gw', like '{}') or a "
                                 "server id", node, gateways_.empty() ? "cdn-a-gw" : gateways_.front()));
      } else if (!placed.insert(node).second) {
        Error(field, fmt::format("node '{}' is listed twice", node));
      }
      auto [it, added] = used.emplace(endpoint, node);
      if (!added) Error(field, fmt::format("{} is already used by '{}'", endpoint.ToString(), it->second));
    }
    if (!s_.realnet.federation_nodes.empty()) {
      std::vector<std::string> ordered(gateways_.begin(), gateways_.end());
      for (const auto& p : f_.platforms) {
        for (const auto& server : p.servers) ordered.push_back(server.id);
      }
      for (const auto& node : ordered) {
        if (nodes.count(node) && placed.count(node) == 0) {
          Error("realnet.federation_nodes", fmt::format("no address for federation node '{}'", node));
        }
      }
    }
    std::set<std::string> http_platforms;
    std::map<Endpoint, std::string> http_used;
    for (const auto& [platform, endpoint] : s_.realnet.federation_http) {
      const std::string field = "realnet.federation_http." + platform;
      if (platforms_.count(platform) == 0) {
        Error(field, fmt::format("no platform with id '{}'", platform));
      } else if (!http_platforms.insert(platform).second) {
        Error(field, fmt::format("platform '{}' is listed twice", platform));
      }
      auto [it, added] = http_used.emplace(endpoint, platform);
      if (!added) Error(field, fmt::format("{} is already used by platform '{}'", endpoint.ToString(), it->second));
    }
  }

  const Scenario& s_;
  const FederationSpec& f_;
  const FieldMarks& marks_;
  IssueLog& log_;
  const std::map<std::string, std::string>& topology_ids_;
  std::map<std::string, std::string> node_ids_;        // topology nodes, gateways, servers -> declaring field
  std::map<std::string, std::string> federation_ids_;  // platforms, servers, providers, configurations
  std::map<std::string, std::size_t> platforms_;
  std::map<std::string, ServerRef> servers_;
  std::map<std::string, std::size_t> providers_;
  std::map<std::string, std::string> parents_;  // server -> valid parent
  std::set<std::string> participants_;
  std::vector<std::string> gateways_;
};

}  // namespace

void CheckFederation(const Scenario& scenario, const FieldMarks& marks, IssueLog& log,
                     const std::map<std::string, std::string>& topology_ids) {
  if (!scenario.federation.present) return;
  FederationChecker(scenario, marks, log, topology_ids).Run();
}

void CheckFederationReachability(const Scenario& scenario, const TopologyGraph& graph, const FieldMarks& marks,
                                 IssueLog& log) {
  const auto& platforms = scenario.federation.platforms;
  for (std::size_t i = 0; i < platforms.size(); ++i) {
    const auto& p = platforms[i];
    const auto source = graph.FindNode(p.gateway_at);
    if (!source) continue;  // reported by CheckFederation
    const auto latencies = graph.LatenciesFromMs(*source);
    for (std::size_t j = 0; j < p.servers.size(); ++j) {
      const auto at = graph.FindNode(p.servers[j].at);
      if (!at || std::isfinite(latencies[*at])) continue;
      const std::string field = ServerField(i, j) + ".at";
      log.Add(marks.Of(field), field,
              fmt::format("'{}' has no path to '{}', where the gateway of platform '{}' is; add a link",
                          p.servers[j].at, p.gateway_at, p.id));
    }
    for (std::size_t k = i + 1; k < platforms.size(); ++k) {
      const auto other = graph.FindNode(platforms[k].gateway_at);
      if (!other || std::isfinite(latencies[*other])) continue;
      const std::string field = PlatformField(k) + ".gateway_at";
      log.Add(marks.Of(field), field,
              fmt::format("'{}' has no path to '{}', where the gateway of platform '{}' is; add a link",
                          platforms[k].gateway_at, p.gateway_at, p.id));
    }
  }
}

}  // namespace cdnlab
