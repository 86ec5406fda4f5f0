#pragma once
// A small federation on the ManualRuntime, for tests of the command models:
//   cdn-a (contract CDN of cp-news and cp-video): a-p1 parent; a-e1, a-e2, a-e3 edges
//   cdn-b (delegated by cdn-a):                    b-p1 parent; b-e1, b-e2 edges
//   cdn-c (delegated by cdn-b, for news only):     c-p1 parent; c-e1 edge; no preposition, no ccid
// Configuration "news" (news.example) runs on a-p1 a-e1 a-e2 | b-p1 b-e1 | c-p1 c-e1.
// Configuration "video" (video.example) runs on a-p1 a-e3 | b-p1 b-e2.
// Every node gets its own address; links cost 10 ms one way unless a test changes them.
// No platform supports cdnlab's statistics trigger unless the constructor names it.
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "models/core/seeded_random_source.h"
#include "models/federation/command_invocation_system.h"
#include "models/federation/catalog.h"
#include "models/federation/directory.h"
#include "models/federation/fragment.h"
#include "models/federation/identity.h"
#include "models/federation/messenger.h"
#include "models/federation/in_memory_content_store.h"
#include "models/federation/server_agent.h"
#include "tests/support/manual_runtime.h"
#include "tests/support/recording_metrics_sink.h"

namespace cdnlab::testing {

class FederationTestbed {
 public:
  // `statistics_platforms`: the platforms that opt in to the statistics trigger.
  // `transfer_limits`: the messenger's reliable channel (fragment size, queue, memory).
  // `wrap`: puts a transport of the test's (a fault injector) between the runtime and the messenger.
  using TransportWrapper = std::function<DatagramTransport&(ManualRuntime&)>;
  explicit FederationTestbed(std::set<std::string> statistics_platforms = {}, TransferLimits transfer_limits = {},
                             TransportWrapper wrap = {})
      : statistics_platforms_(std::move(statistics_platforms)) {
    limits = transfer_limits;
    AddPlatform("cdn-a", {{"a-p1", ""}, {"a-e1", "a-p1"}, {"a-e2", "a-p1"}, {"a-e3", "a-p1"}});
    AddPlatform("cdn-b", {{"b-p1", ""}, {"b-e1", "b-p1"}, {"b-e2", "b-p1"}});
    FederationPlatform c;
    c.id = "cdn-c";
    c.gateway = "cdn-c-gw";
    c.supported_types = {TriggerType::kInvalidate, TriggerType::kPurge};
    c.supports_content_ccid = false;
    AddPlatform(c, {{"c-p1", ""}, {"c-e1", "c-p1"}});
    for (const auto& cp : {"cp-news", "cp-video", "cp-other"}) {
      catalog.AddProvider({cp, "cdn-a"});
      AddParticipant(cp);
    }
    catalog.AddConfiguration({"news", "cp-news", {"news.example"}, "https://meta.cdn-a.example/news", {"breaking"}});
    catalog.AddConfiguration({"video", "cp-video", {"video.example"}, "https://meta.cdn-a.example/video", {}});
    catalog.AddDeployment({"news", "cdn-a", "", {"a-p1", "a-e1", "a-e2"}});
    catalog.AddDeployment({"news", "cdn-b", "cdn-a", {"b-p1", "b-e1"}});
    catalog.AddDeployment({"news", "cdn-c", "cdn-b", {"c-p1", "c-e1"}});
    catalog.AddDeployment({"video", "cdn-a", "", {"a-p1", "a-e3"}});
    catalog.AddDeployment({"video", "cdn-b", "cdn-a", {"b-p1", "b-e2"}});

    const std::vector<std::pair<std::string, std::string>> news = {
        {"https://news.example/a.html", "breaking"},
        {"https://news.example/b.html", ""},
        {"https://news.example/img/Logo.PNG?v=2", ""}};
    const std::vector<std::pair<std::string, std::string>> video = {{"https://video.example/v1.mp4", ""},
                                                                    {"https://video.example/a.html", ""}};
    for (const auto& d : catalog.Deployments()) {
      for (const auto& server : d.servers) {
        auto& store = stores[server];
        for (const auto& [url, ccid] : d.configuration == "news" ? news : video) {
          store.Put(url, ccid);
          store.AddOriginObject(url, ccid);
        }
        if (d.configuration == "news") store.AddOriginObject("https://news.example/new.html");
      }
    }

    runtime.SetDefaultDelay(std::chrono::milliseconds(10));
    runtime.SetDropRule(
        [this](const Endpoint& from, const Endpoint& to, const Bytes& p) { return ShouldDrop(from, to, p); });
    DatagramTransport& transport = wrap ? wrap(runtime) : runtime;
    messenger = std::make_unique<FederationMessenger>(transport, runtime, runtime, transfer_random, identity, directory,
                                                      metrics, limits);
    for (const auto& s : catalog.Servers()) {
      agents[s.id] = std::make_unique<ServerAgent>(s.id, s.id, catalog, *messenger, stores[s.id], runtime, metrics);
      agents[s.id]->Start();
    }
    for (const auto& p : catalog.Platforms()) StartGateway(p.id);
  }

  CommandInvocationSystem& Gateway(const std::string& platform) { return *gateways.at(platform); }

  // Destroys a gateway (as a crash would: its timers die with it) and, with `start`,
  // brings a new one up on the same journal.
  void CrashGateway(const std::string& platform) { gateways.erase(platform); }
  void StartGateway(const std::string& platform) {
    GatewayPorts ports{runtime, runtime, random, metrics, journals[platform]};
    gateways[platform] = std::make_unique<CommandInvocationSystem>(platform, catalog, *messenger, ports, retry);
    gateways[platform]->Start();
  }

  // Faults: a node that drops everything sent to or from it, and "lose the next n
  // datagrams from one node to another".
  void SetDown(const std::string& node, bool down) {
    if (down) {
      down_.insert(node);
    } else {
      down_.erase(node);
    }
  }
  void LoseNext(const std::string& from, const std::string& to, int n) { lose_next_[{from, to}] += n; }
  // Every message fragment (not the acknowledgements) from one node to another is lost
  // until `until`: the messages are not getting through while the transfers look alive.
  void LoseMessagesUntil(const std::string& from, const std::string& to, SimTime until) {
    lose_messages_until_[{from, to}] = until;
  }

  const CommandRecord& Record(const std::string& platform, const std::string& id) {
    const CommandRecord* r = Gateway(platform).Find(id);
    if (!r) throw std::logic_error("no record " + id + " at " + platform);
    return *r;
  }
  // The record a downstream platform keeps for an upstream status id.
  const CommandRecord* DownstreamRecord(const std::string& platform, const std::string& upstream_id,
                                        const std::string& upstream_platform = "") {
    for (const auto& id : Gateway(platform).StatusIds()) {
      const CommandRecord* r = Gateway(platform).Find(id);
      if (r->request_id.rfind(upstream_id + ">", 0) == 0) return r;
    }
    return nullptr;
  }
  // Servers whose agent applied a command with this status id (any platform's id).
  std::set<std::string> ServersThatApplied(const std::set<std::string>& command_ids) const {
    std::set<std::string> out;
    for (const auto& [server, agent] : agents) {
      for (const auto& a : agent->AppliedCommands()) {
        if (command_ids.count(a.command_id)) out.insert(server);
      }
    }
    return out;
  }

  static TriggerCommand Trigger(TriggerType type, std::vector<std::string> urls) {
    TriggerCommand c;
    c.trigger.type = type;
    c.trigger.content_urls = std::move(urls);
    return c;
  }

  ManualRuntime runtime;
  RecordingMetricsSink metrics;
  SeededRandomSource random{42};
  SeededRandomSource transfer_random{43};  // the messenger's own stream: gateways' jitter unchanged
  TransferLimits limits;
  RetryPolicy retry;
  FederationCatalog catalog;
  FederationIdentity identity;
  FederationDirectory directory;
  std::unique_ptr<FederationMessenger> messenger;
  std::map<std::string, InMemoryCommandJournal> journals;
  std::map<std::string, InMemoryContentStore> stores;
  std::map<std::string, std::unique_ptr<ServerAgent>> agents;
  std::map<std::string, std::unique_ptr<CommandInvocationSystem>> gateways;

 private:
  void AddParticipant(const std::string& id) { identity.AddParticipant(id, id + "-secret-0123456789"); }

  void AddNode(const std::string& node, const std::string& participant) {
    const Endpoint e{Ipv4Address{(10u << 24) + ++next_host_}, 7400};
    directory.Add(node, e, participant);
    node_at_[e] = node;
  }

  void AddPlatform(const std::string& id, const std::vector<std::pair<std::string, std::string>>& servers) {
    FederationPlatform p;
    p.id = id;
    p.gateway = id + "-gw";
    AddPlatform(p, servers);
  }
  void AddPlatform(FederationPlatform p, const std::vector<std::pair<std::string, std::string>>& servers) {
    if (statistics_platforms_.count(p.id)) p.supported_types.insert(TriggerType::kStatistics);
    catalog.AddPlatform(p);
    AddParticipant(p.id);
    AddNode(p.gateway, p.id);
    for (const auto& [server, parent] : servers) {
      catalog.AddServer({server, p.id, parent.empty() ? ServerTier::kParent : ServerTier::kEdge, parent});
      AddNode(server, p.id);
    }
  }

  bool ShouldDrop(const Endpoint& from, const Endpoint& to, const Bytes& payload) {
    const std::string a = node_at_.count(from) ? node_at_.at(from) : "";
    const std::string b = node_at_.count(to) ? node_at_.at(to) : "";
    if (down_.count(a) || down_.count(b)) return true;
    auto until = lose_messages_until_.find({a, b});
    if (until != lose_messages_until_.end() && runtime.Now() < until->second) {
      const auto datagram = DecodeTransferDatagram(payload);
      if (datagram && std::holds_alternative<DataFragment>(*datagram)) return true;
    }
    auto it = lose_next_.find({a, b});
    if (it != lose_next_.end() && it->second > 0) {
      --it->second;
      return true;
    }
    return false;
  }

  std::set<std::string> statistics_platforms_;
  std::uint32_t next_host_ = 0;
  std::map<Endpoint, std::string> node_at_;
  std::set<std::string> down_;
  std::map<std::pair<std::string, std::string>, int> lose_next_;
  std::map<std::pair<std::string, std::string>, SimTime> lose_messages_until_;
};

}  // namespace cdnlab::testing
