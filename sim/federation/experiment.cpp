#include "sim/federation/experiment.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

#include <ns3/simulator.h>

#include "analysis/federation_counter_tally.h"
#include "models/core/seeded_random_source.h"
#include "models/federation/command_invocation_system.h"
#include "models/federation/command_journal.h"
#include "models/federation/completion_bound.h"
#include "models/federation/catalog.h"
#include "models/federation/identity.h"
#include "models/federation/messenger.h"
#include "models/federation/metric_names.h"
#include "models/federation/in_memory_content_store.h"
#include "models/federation/server_agent.h"
#include "scenarios/federation/from_scenario.h"
#include "sim/federation/fault_injector.h"
#include "sim/federation/faulty_transport.h"
#include "sim/federation/runtime.h"
#include "sim/net/ns3_clock.h"
#include "sim/net/ns3_world_run.h"

namespace cdnlab {
namespace {

// Random streams of the gateways (retry jitter): one per platform, by its catalog index, so
// a platform's draws never shift another's.
constexpr std::uint64_t kGatewayStreamBase = 100;
// The messenger's stream (message ids, receiver incarnations of the reliable channel).
constexpr std::uint64_t kTransferStream = 99;

std::vector<PatternMatch> Patterns(const std::vector<FederationPatternSpec>& specs) {
  std::vector<PatternMatch> out;
  for (const auto& p : specs) out.push_back(PatternMatch{p.pattern, p.case_sensitive, p.match_query_string});
  return out;
}

TriggerCommand CommandFor(const FederationCommandSpec& c) {
  TriggerCommand command;
  const auto type = ParseTriggerType(c.type);
  if (!type) throw std::invalid_argument("federation command '" + c.id + "' has unknown type '" + c.type + "'");
  command.trigger.type = *type;
  command.trigger.content_urls = c.content_urls;
  command.trigger.content_ccids = c.content_ccids;
  command.trigger.content_patterns = Patterns(c.content_patterns);
  command.trigger.metadata_urls = c.metadata_urls;
  command.trigger.metadata_patterns = Patterns(c.metadata_patterns);
  command.cdn_path = c.cdn_path;
  return command;
}

// The status id a downstream request id was derived from ("cdn-a-t3>cdn-b" -> "cdn-a-t3").
std::string OwnerOfRequest(const std::string& request_id) {
  const auto arrow = request_id.rfind('>');
  return arrow == std::string::npos ? "" : request_id.substr(0, arrow);
}

template <typename Set>
std::vector<std::string> Sorted(const Set& items) {
  std::vector<std::string> out(items.begin(), items.end());
  std::sort(out.begin(), out.end());
  return out;
}

// Everything one run owns, built in dependency order and torn down before ns-3 is destroyed.
class FederationWorld {
 public:
  FederationWorld(const Scenario& s, MetricsSink& metrics)
      : scenario_(s),
        tally_(metrics),
        catalog_(BuildFederationCatalog(s)),
        identity_(BuildFederationIdentity(s)),
        network_(MakeFederationRuntime(s)),
        transport_(network_->Transport()),
        transfer_random_(s.seed, kTransferStream),
        messenger_(transport_, clock_, clock_, transfer_random_, identity_, network_->Directory(), tally_),
        faults_(s.federation, *network_, transport_, clock_, clock_),
        retry_(BuildRetryPolicy(s.federation.retry)),
        status_ids_(s.federation.commands.size()),
        cancel_accepted_(s.federation.commands.size(), false) {
    // Every server's cache: the objects of each configuration it carries (on any platform).
    for (const auto& server : catalog_.Servers()) stores_[server.id];
    for (const auto& c : s.federation.configurations) {
      for (const auto& d : c.deployments) {
        for (const auto& server : d.servers) {
          InMemoryContentStore& store = stores_.at(server);
          for (const auto& o : c.objects) {
            if (o.cached) store.Put(o.url, o.ccid);
            store.AddOriginObject(o.url, o.ccid);
          }
        }
      }
    }
    for (const auto& server : catalog_.Servers()) {
      agents_[server.id] = std::make_unique<ServerAgent>(server.id, server.id, catalog_, messenger_,
                                                         stores_.at(server.id), clock_, tally_);
    }
    const auto& platforms = catalog_.Platforms();
    for (std::size_t i = 0; i < platforms.size(); ++i) {
      const std::string& id = platforms[i].id;
      if (!network_->Directory().EndpointOf(platforms[i].gateway)) {
        throw std::logic_error("gateway node '" + platforms[i].gateway + "' of platform '" + id +
                               "' is not in the simulated network");
      }
      randoms_[id] = std::make_unique<SeededRandomSource>(s.seed, kGatewayStreamBase + i);
      GatewayPorts ports{clock_, clock_, *randoms_[id], tally_, journals_[id]};
      gateways_[id] = std::make_unique<CommandInvocationSystem>(id, catalog_, messenger_, ports, retry_);
    }
  }

  void Start() {
    for (auto& [id, agent] : agents_) agent->Start();
    for (auto& [id, gateway] : gateways_) gateway->Start();
    faults_.Start();
    const auto& commands = scenario_.federation.commands;
    for (std::size_t i = 0; i < commands.size(); ++i) {
      clock_.ScheduleAfter(FromSeconds(commands[i].at_s), [this, i] { Issue(i); });
    }
  }

  FederationRunResult Result() const {
    FederationRunResult result;
    const auto& commands = scenario_.federation.commands;
    const RunIndex index = IndexRun();
    for (std::size_t i = 0; i < commands.size(); ++i) result.commands.push_back(CommandResult(i, index));
    using namespace federation_metrics;
    result.messages_sent_by_kind = tally_.ByLabel(kMessagesSent, "kind");
    result.messages_received_by_kind = tally_.ByLabel(kMessagesReceived, "kind");
    result.messages_rejected_by_reason = tally_.ByLabel(kRejectedMessages, "reason");
    result.retries_by_kind = tally_.ByLabel(kRetries, "kind");
    result.send_failures = tally_.Total(kSendFailures);
    result.server_applies = tally_.Total(kServerApplies);
    result.duplicate_applies = tally_.Total(kDuplicateApplies);
    result.datagrams_lost_to_faults = transport_.DroppedTotal();
    result.faults = faults_.Applied();
    result.simulator_events = ns3::Simulator::GetEventCount();
    return result;
  }

 private:
  CommandInvocationSystem& Gateway(const std::string& platform) {
    auto it = gateways_.find(platform);
    if (it == gateways_.end()) throw std::invalid_argument("no gateway for platform '" + platform + "'");
    return *it->second;
  }

  void Issue(std::size_t index) {
    const auto& commands = scenario_.federation.commands;
    const FederationCommandSpec& c = commands[index];
    if (c.cancel.empty()) {
      status_ids_[index] = Gateway(c.platform).Submit(c.by, c.id, CommandFor(c));
      return;
    }
    // A cancel names an earlier command by its scenario id; it cancels that command's status
    // resource (at the same platform, as RFC 8007 cancels a status URL there).
    for (std::size_t j = 0; j < commands.size(); ++j) {
      if (commands[j].id == c.cancel && commands[j].cancel.empty() && !status_ids_[j].empty()) {
        status_ids_[index] = status_ids_[j];
      }
    }
    if (!status_ids_[index].empty()) cancel_accepted_[index] = Gateway(c.platform).Cancel(c.by, status_ids_[index]);
  }

  // What the per-command results look up, gathered once from every gateway and agent (with
  // 10,000 servers and 1,000 commands, scanning them again per command takes minutes).
  struct RunIndex {
    // Every downstream record whose request id is "<status id>><its platform>" and that came
    // from the gateway holding that status id: (its id, that owner id), in gateway then
    // creation order.
    std::vector<std::pair<std::string, std::string>> links;
    std::map<std::string, std::vector<std::string>> applied_by_command;  // status id -> servers
  };

  RunIndex IndexRun() const {
    RunIndex index;
    std::map<std::string, std::string> gateway_of_id;  // status id -> gateway node holding it
    for (const auto& [platform, gateway] : gateways_) {
      for (const auto& id : gateway->StatusIds()) gateway_of_id[id] = gateway->Node();
    }
    for (const auto& [platform, gateway] : gateways_) {
      for (const auto& id : gateway->StatusIds()) {
        const CommandRecord* r = gateway->Find(id);
        if (!r || r->upstream_node.empty()) continue;
        const std::string owner = OwnerOfRequest(r->request_id);
        auto holder = gateway_of_id.find(owner);
        if (holder == gateway_of_id.end() || holder->second != r->upstream_node) continue;
        index.links.emplace_back(id, owner);
      }
    }
    for (const auto& [server, agent] : agents_) {
      for (const auto& a : agent->AppliedCommands()) index.applied_by_command[a.command_id].push_back(server);
    }
    return index;
  }

  // Every status id belonging to one original command: the origin's, then each downstream
  // record linked to an id already in the chain, pass after pass until none is added.
  static std::vector<std::string> Chain(const std::string& origin_id, const RunIndex& index) {
    std::vector<std::string> chain{origin_id};
    std::set<std::string> in_chain{origin_id};
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [id, owner] : index.links) {
        if (in_chain.count(id) || !in_chain.count(owner)) continue;
        chain.push_back(id);
        in_chain.insert(id);
        grew = true;
      }
    }
    return chain;
  }

  FederationCommandResult CommandResult(std::size_t index, const RunIndex& run) const {
    const FederationCommandSpec& c = scenario_.federation.commands[index];
    FederationCommandResult out;
    out.id = c.id;
    out.type = c.cancel.empty() ? c.type : "cancel";
    out.platform = c.platform;
    out.by = c.by;
    out.issued_at_s = c.at_s;
    out.status_id = status_ids_[index];
    out.cancels = c.cancel;
    if (!c.cancel.empty()) {
      out.status = cancel_accepted_[index] ? "accepted" : "refused";
      out.final = true;
      return out;
    }
    auto gateway = gateways_.find(c.platform);
    const CommandRecord* r = gateway == gateways_.end() ? nullptr : gateway->second->Find(out.status_id);
    if (!r) {
      out.status = "not issued";
      return out;
    }
    out.status = ToString(r->status.Status());
    out.final = r->status.Final();
    for (const auto& e : r->status.Errors()) {
      out.errors.push_back({ToString(e.code), e.server_ids, e.description});
    }
    out.targeted_servers = Sorted(r->TargetedServers());
    out.acknowledged_servers = Sorted(r->AcknowledgedServers());
    out.configurations = Sorted(r->configurations);
    if (r->status.Command().trigger.type == TriggerType::kStatistics) {
      FederationStatisticsResult totals;
      std::set<std::string> servers;
      for (const auto& s : r->Statistics()) {
        servers.insert(s.server);
        totals.objects += s.objects;
        totals.stale += s.stale;
      }
      totals.servers = servers.size();
      out.statistics = totals;
    }
    if (const auto finished = r->status.FinishedAt()) out.completion_ms = ToMillis(*finished - r->status.CreatedAt());
    out.chain_status_ids = Chain(out.status_id, run);
    const std::set<std::string> chain(out.chain_status_ids.begin(), out.chain_status_ids.end());
    if (!r->configurations.empty()) {
      // The bound follows what each platform of the chain really admitted.
      std::map<std::string, std::vector<std::string>> admitted;
      for (const auto& [platform, gateway] : gateways_) {
        for (const auto& id : out.chain_status_ids) {
          if (const CommandRecord* link = gateway->Find(id)) {
            auto& configs = admitted[platform];
            configs.insert(configs.end(), link->configurations.begin(), link->configurations.end());
          }
        }
      }
      const AdmittedConfigurations admitted_at = [&](const std::string& platform) {
        auto it = admitted.find(platform);
        return it == admitted.end() ? std::nullopt : std::optional<std::vector<std::string>>(it->second);
      };
      out.bound_ms = ToMillis(CompletionLowerBound(catalog_, c.platform, r->configurations,
                                                   network_->LatencyFunction(),
                                                   [](const std::string& server) { return server; }, admitted_at));
    }
    std::set<std::string> truth;
    for (const auto& configuration : r->configurations) {
      for (const auto& s : catalog_.ServersReachedFrom(configuration, c.platform)) truth.insert(s);
    }
    std::set<std::string> applied;
    for (const auto& id : chain) {
      auto it = run.applied_by_command.find(id);
      if (it != run.applied_by_command.end()) applied.insert(it->second.begin(), it->second.end());
    }
    out.applied_servers = Sorted(applied);
    for (const auto& server : applied) {
      if (!truth.count(server)) out.wrongly_targeted_servers.push_back(server);
    }
    return out;
  }

  const Scenario& scenario_;
  Ns3Clock clock_;
  FederationCounterTally tally_;
  FederationCatalog catalog_;
  FederationIdentity identity_;
  std::unique_ptr<FederationRuntime> network_;  // packets or flows, by scenario.fidelity
  FaultyDatagramTransport transport_;
  SeededRandomSource transfer_random_;
  FederationMessenger messenger_;
  FederationFaultInjector faults_;
  RetryPolicy retry_;
  std::map<std::string, InMemoryContentStore> stores_;                   // by server id
  std::map<std::string, InMemoryCommandJournal> journals_;               // by platform id
  std::map<std::string, std::unique_ptr<SeededRandomSource>> randoms_;   // by platform id
  std::map<std::string, std::unique_ptr<ServerAgent>> agents_;           // by server id
  std::map<std::string, std::unique_ptr<CommandInvocationSystem>> gateways_;  // by platform id
  std::vector<std::string> status_ids_;   // by command index ("" until issued)
  std::vector<bool> cancel_accepted_;     // by command index (cancels only)
};

}  // namespace

FederationRunResult RunFederationExperiment(const Scenario& scenario, MetricsSink& metrics) {
  if (!scenario.federation.present) throw std::invalid_argument("the scenario has no federation section");
  return RunNs3World<FederationWorld>(scenario.seed, scenario.duration_s, scenario, metrics);
}

}  // namespace cdnlab
