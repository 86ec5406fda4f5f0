#include "models/federation/catalog.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <stdexcept>
#include <tuple>

namespace cdnlab {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

template <typename T>
const T* FindById(const std::vector<T>& items, const std::unordered_map<std::string, std::size_t>& index,
                  const std::string& id) {
  auto it = index.find(id);
  return it == index.end() ? nullptr : &items[it->second];
}

[[noreturn]] void Reject(const std::string& message) { throw std::invalid_argument(message); }

void RequireId(const std::string& kind, const std::string& id) {
  if (id.empty()) Reject(kind + " with an empty id");
}

}  // namespace

std::string ToString(ServerTier tier) { return tier == ServerTier::kParent ? "parent" : "edge"; }

void FederationCatalog::AddPlatform(FederationPlatform platform) {
  RequireId("platform", platform.id);
  if (Platform(platform.id)) Reject("platform '" + platform.id + "' added twice");
  platform_index_[platform.id] = platforms_.size();
  platforms_.push_back(std::move(platform));
}

void FederationCatalog::AddServer(FederationServer server) {
  RequireId("server", server.id);
  if (Server(server.id)) Reject("server '" + server.id + "' added twice");
  if (!Platform(server.platform)) {
    Reject("server '" + server.id + "': unknown platform '" + server.platform + "'");
  }
  if (!server.parent.empty()) {
    // Parents must exist first, so the parent relation can never form a cycle.
    const FederationServer* parent = Server(server.parent);
    if (!parent) Reject("server '" + server.id + "': unknown parent '" + server.parent + "'");
    if (parent->platform != server.platform) {
      Reject("server '" + server.id + "': parent '" + server.parent + "' is on platform '" + parent->platform +
             "', not '" + server.platform + "'");
    }
    if (parent->tier != ServerTier::kParent) {
      Reject("server '" + server.id + "': parent '" + server.parent + "' is an edge server, not a parent");
    }
  }
  // A parent exists, is on the same platform and is added first: the depth is its depth + 1.
  tier_depth_.push_back(server.parent.empty() ? 0 : TierDepth(server.parent) + 1);
  server_index_[server.id] = servers_.size();
  servers_.push_back(std::move(server));
}

void FederationCatalog::AddProvider(ContentProvider provider) {
  RequireId("content provider", provider.id);
  if (Provider(provider.id)) Reject("content provider '" + provider.id + "' added twice");
  if (!Platform(provider.platform)) {
    Reject("content provider '" + provider.id + "': unknown platform '" + provider.platform + "'");
  }
  provider_index_[provider.id] = providers_.size();
  providers_.push_back(std::move(provider));
}

void FederationCatalog::AddConfiguration(FederationConfiguration configuration) {
  RequireId("configuration", configuration.id);
  if (Configuration(configuration.id)) Reject("configuration '" + configuration.id + "' added twice");
  if (!Provider(configuration.provider)) {
    Reject("configuration '" + configuration.id + "': unknown content provider '" + configuration.provider + "'");
  }
  // A metadata URL names one configuration, or ConfigurationOfMetadataUrl would be ambiguous.
  if (!configuration.metadata_url.empty()) {
    if (auto other = ConfigurationOfMetadataUrl(configuration.metadata_url)) {
      Reject("configuration '" + configuration.id + "': metadata URL '" + configuration.metadata_url +
             "' already names configuration '" + *other + "'");
    }
  }
  if (!configuration.metadata_url.empty()) configuration_of_metadata_url_[configuration.metadata_url] = configuration.id;
  std::set<std::string> hosts;
  for (const auto& h : configuration.hosts) {
    if (hosts.insert(Lower(h)).second) configurations_of_host_[Lower(h)].push_back(configuration.id);
  }
  configuration_index_[configuration.id] = configurations_.size();
  configurations_.push_back(std::move(configuration));
}

void FederationCatalog::AddDeployment(Deployment deployment) {
  const std::string what = "deployment of '" + deployment.configuration + "' on '" + deployment.platform + "'";
  const FederationConfiguration* configuration = Configuration(deployment.configuration);
  if (!configuration) Reject(what + ": unknown configuration '" + deployment.configuration + "'");
  if (!Platform(deployment.platform)) Reject(what + ": unknown platform '" + deployment.platform + "'");
  if (DeploymentOf(deployment.configuration, deployment.platform)) Reject(what + " added twice");
  std::set<std::string> seen;
  for (const auto& id : deployment.servers) {
    const FederationServer* server = Server(id);
    if (!server) Reject(what + ": unknown server '" + id + "'");
    if (server->platform != deployment.platform) {
      Reject(what + ": server '" + id + "' belongs to platform '" + server->platform + "'");
    }
    if (!seen.insert(id).second) Reject(what + ": server '" + id + "' listed twice");
  }
  // The contract platform holds the configuration on its own; every other platform got it
  // from an upstream that already has it (added first, so delegation cannot loop).
  const std::string& contract = Provider(configuration->provider)->platform;
  if (deployment.platform == contract) {
    if (!deployment.delegated_by.empty()) {
      Reject(what + ": '" + deployment.platform + "' is the provider's contract platform; delegated_by must be empty");
    }
  } else if (deployment.delegated_by.empty()) {
    Reject(what + ": delegated_by is required (the contract platform is '" + contract + "')");
  } else if (deployment.delegated_by == deployment.platform) {
    Reject(what + ": a platform cannot delegate to itself");
  } else if (!Platform(deployment.delegated_by)) {
    Reject(what + ": unknown delegating platform '" + deployment.delegated_by + "'");
  } else if (!DeploymentOf(deployment.configuration, deployment.delegated_by)) {
    Reject(what + ": delegating platform '" + deployment.delegated_by + "' has no deployment of '" +
           deployment.configuration + "'");
  }
  const DeploymentKey key{deployment.configuration, deployment.platform};
  if (!deployment.delegated_by.empty()) {
    auto& downstreams = downstreams_[{deployment.configuration, deployment.delegated_by}];
    downstreams.insert(std::upper_bound(downstreams.begin(), downstreams.end(), deployment.platform), deployment.platform);
  }
  // Parents before edges, by id within a tier (tier depths never change once added).
  std::vector<std::pair<int, std::string>> ordered;
  for (const auto& id : deployment.servers) ordered.emplace_back(TierDepth(id), id);
  std::sort(ordered.begin(), ordered.end());
  std::vector<std::string> carrying;
  for (auto& [depth, id] : ordered) carrying.push_back(std::move(id));
  carrying_set_.emplace_back(carrying.begin(), carrying.end());
  carrying_.push_back(std::move(carrying));
  deployment_index_[key] = deployments_.size();
  deployments_.push_back(std::move(deployment));
}

const FederationPlatform* FederationCatalog::Platform(const std::string& id) const {
  return FindById(platforms_, platform_index_, id);
}
const FederationServer* FederationCatalog::Server(const std::string& id) const {
  return FindById(servers_, server_index_, id);
}
const ContentProvider* FederationCatalog::Provider(const std::string& id) const {
  return FindById(providers_, provider_index_, id);
}
const FederationConfiguration* FederationCatalog::Configuration(const std::string& id) const {
  return FindById(configurations_, configuration_index_, id);
}

const Deployment* FederationCatalog::DeploymentOf(const std::string& configuration, const std::string& platform) const {
  auto it = deployment_index_.find({configuration, platform});
  return it == deployment_index_.end() ? nullptr : &deployments_[it->second];
}

std::vector<std::string> FederationCatalog::ServersCarrying(const std::string& configuration,
                                                            const std::string& platform) const {
  auto it = deployment_index_.find({configuration, platform});
  return it == deployment_index_.end() ? std::vector<std::string>{} : carrying_[it->second];
}

bool FederationCatalog::Carries(const std::string& configuration, const std::string& platform,
                                const std::string& server) const {
  auto it = deployment_index_.find({configuration, platform});
  return it != deployment_index_.end() && carrying_set_[it->second].count(server) > 0;
}

std::vector<std::string> FederationCatalog::DownstreamPlatforms(const std::string& configuration,
                                                                const std::string& platform) const {
  if (platform.empty()) return {};
  auto it = downstreams_.find({configuration, platform});
  return it == downstreams_.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::string> FederationCatalog::ServersReachedFrom(const std::string& configuration,
                                                               const std::string& platform) const {
  // Breadth-first over delegations; the visited set keeps a malformed registry from looping.
  std::vector<std::string> out;
  std::set<std::string> visited{platform};
  std::deque<std::string> queue{platform};
  while (!queue.empty()) {
    const std::string current = queue.front();
    queue.pop_front();
    for (auto& id : ServersCarrying(configuration, current)) out.push_back(std::move(id));
    for (auto& next : DownstreamPlatforms(configuration, current)) {
      if (visited.insert(next).second) queue.push_back(std::move(next));
    }
  }
  return out;
}

int FederationCatalog::TierDepth(const std::string& server) const {
  auto it = server_index_.find(server);
  return it == server_index_.end() ? -1 : tier_depth_[it->second];
}

std::vector<std::string> FederationCatalog::ConfigurationsOfHost(const std::string& host) const {
  auto it = configurations_of_host_.find(Lower(host));
  return it == configurations_of_host_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<std::string> FederationCatalog::ConfigurationOfMetadataUrl(const std::string& url) const {
  if (url.empty()) return std::nullopt;
  auto it = configuration_of_metadata_url_.find(url);
  return it == configuration_of_metadata_url_.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::string UrlHost(const std::string& url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos || scheme_end == 0) return "";
  for (std::size_t i = 0; i < scheme_end; ++i) {
    const unsigned char c = url[i];
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return "";
  }
  const auto start = scheme_end + 3;
  const auto end = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  const auto at = authority.rfind('@');
  if (at != std::string::npos) authority.erase(0, at + 1);
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');  // IPv6 literal: the port follows the bracket
    return close == std::string::npos ? "" : Lower(authority.substr(0, close + 1));
  }
  const auto colon = authority.find(':');
  if (colon != std::string::npos) authority.erase(colon);
  return Lower(authority);
}

}  // namespace cdnlab
