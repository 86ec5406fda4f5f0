#pragma once
// Who is in the federation and what runs where: platforms (CDNs) with their servers in
// tiers, content providers, their configurations, and the deployment registry saying which
// servers of which platform carry each configuration and which platform delegated it there.
// Plain data plus lookups; no I/O. Both runtimes build one from the scenario.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "models/federation/trigger_command.h"

namespace cdnlab {

enum class ServerTier { kParent, kEdge };
std::string ToString(ServerTier tier);

struct FederationServer {
  std::string id;
  std::string platform;
  ServerTier tier = ServerTier::kEdge;
  std::string parent;  // id of the server it fills from ("" = origin / upstream platform)
};

struct FederationPlatform {
  std::string id;            // also its CDN provider id in cdn-path
  std::string gateway;       // node id of its command invocation system
  // The RFC's three by default; cdnlab's kStatistics only when the platform opts in.
  std::set<TriggerType> supported_types{TriggerType::kPreposition, TriggerType::kInvalidate, TriggerType::kPurge};
  bool supports_content_ccid = true;
};

struct ContentProvider {
  std::string id;
  std::string platform;  // the platform it contracts with: where its commands are issued
};

struct FederationConfiguration {
  std::string id;
  std::string provider;            // owning content provider
  std::vector<std::string> hosts;  // host names served under it ("www.cp1.example")
  std::string metadata_url;        // CDNI metadata URL naming it ("" = none)
  std::vector<std::string> ccids;  // content collections it holds
};

// One configuration on one platform: the servers carrying it, and the platform that put it
// there ("" for the provider's own contract platform, else the upstream that delegated it).
struct Deployment {
  std::string configuration;
  std::string platform;
  std::string delegated_by;
  std::vector<std::string> servers;
};

class FederationCatalog {
 public:
  // Adders throw std::invalid_argument on duplicate ids or dangling references; the
  // scenario loader reports the same problems with file positions before this runs.
  void AddPlatform(FederationPlatform platform);
  void AddServer(FederationServer server);
  void AddProvider(ContentProvider provider);
  void AddConfiguration(FederationConfiguration configuration);
  void AddDeployment(Deployment deployment);

  const FederationPlatform* Platform(const std::string& id) const;
  const FederationServer* Server(const std::string& id) const;
  const ContentProvider* Provider(const std::string& id) const;
  const FederationConfiguration* Configuration(const std::string& id) const;
  const Deployment* DeploymentOf(const std::string& configuration, const std::string& platform) const;

  const std::vector<FederationPlatform>& Platforms() const { return platforms_; }
  const std::vector<FederationServer>& Servers() const { return servers_; }
  const std::vector<ContentProvider>& Providers() const { return providers_; }
  const std::vector<FederationConfiguration>& Configurations() const { return configurations_; }
  const std::vector<Deployment>& Deployments() const { return deployments_; }

  // Servers of `platform` carrying `configuration`, parents before edges (stable by id).
  std::vector<std::string> ServersCarrying(const std::string& configuration, const std::string& platform) const;
  // Whether `server` is among ServersCarrying(configuration, platform), without copying them.
  bool Carries(const std::string& configuration, const std::string& platform, const std::string& server) const;
  // Platforms that `platform` delegated `configuration` to (its direct downstreams).
  std::vector<std::string> DownstreamPlatforms(const std::string& configuration, const std::string& platform) const;
  // Every server of every platform carrying `configuration` from `platform` downwards
  // (the platform's own and, transitively, its downstreams'): the command's true target set.
  std::vector<std::string> ServersReachedFrom(const std::string& configuration, const std::string& platform) const;
  // The tier depth of a server: 0 for one without a parent on its platform, 1 below it...
  int TierDepth(const std::string& server) const;
  // Configurations a host name belongs to (case-insensitive).
  std::vector<std::string> ConfigurationsOfHost(const std::string& host) const;
  // The configuration a CDNI metadata URL names, if any.
  std::optional<std::string> ConfigurationOfMetadataUrl(const std::string& url) const;

 private:
  using DeploymentKey = std::pair<std::string, std::string>;  // (configuration, platform)

  std::vector<FederationPlatform> platforms_;
  std::vector<FederationServer> servers_;
  std::vector<ContentProvider> providers_;
  std::vector<FederationConfiguration> configurations_;
  std::vector<Deployment> deployments_;
  // Indexes into the vectors above (which only grow), so lookups stay cheap with 10,000
  // servers and thousands of commands; the vectors stay the source of truth and of order.
  std::unordered_map<std::string, std::size_t> platform_index_;
  std::unordered_map<std::string, std::size_t> server_index_;
  std::unordered_map<std::string, std::size_t> provider_index_;
  std::unordered_map<std::string, std::size_t> configuration_index_;
  std::unordered_map<std::string, std::string> configuration_of_metadata_url_;
  std::unordered_map<std::string, std::vector<std::string>> configurations_of_host_;  // lower-cased host
  std::vector<int> tier_depth_;                            // by server index
  std::map<DeploymentKey, std::size_t> deployment_index_;
  std::map<DeploymentKey, std::vector<std::string>> downstreams_;  // (configuration, delegating platform)
  std::vector<std::vector<std::string>> carrying_;         // by deployment index: parents first
  std::vector<std::set<std::string>> carrying_set_;        // by deployment index
};

// The host part of an absolute URL ("https://Host:8080/a" -> "host"), lower-cased; "" if none.
std::string UrlHost(const std::string& url);

}  // namespace cdnlab
