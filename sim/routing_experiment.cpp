#include "sim/routing_experiment.h"

#include <memory>
#include <stdexcept>

#include <ns3/config.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>
#include <ns3/uinteger.h>

#include "models/core/seeded_random_source.h"
#include "models/routing/authoritative_answerer.h"
#include "models/routing/download_workload.h"
#include "models/routing/geo_policy.h"
#include "models/routing/ground_truth.h"
#include "models/routing/mapping_controller.h"
#include "models/routing/measured_policy.h"
#include "models/routing/measurement_store.h"
#include "models/routing/oracle_policy.h"
#include "models/routing/probe_agent.h"
#include "models/routing/probe_responder.h"
#include "models/routing/random_policy.h"
#include "models/routing/routing_evaluator.h"
#include "scenarios/probe_scheduler_config.h"
#include "scenarios/topology_from_scenario.h"
#include "sim/authoritative_dns_server.h"
#include "sim/caching_resolver.h"
#include "sim/dns_config_pusher.h"
#include "sim/ns3_clock.h"
#include "sim/ns3_datagram_transport.h"
#include "sim/object_server.h"
#include "sim/sim_network.h"
#include "sim/sim_stub_resolver.h"
#include "sim/tcp_object_fetcher.h"
#include "sim/timeline_player.h"

namespace cdnlab {
namespace {

// Independent random streams per component, so adding draws in one never shifts another.
enum RandomStream : std::uint64_t { kProbeStream = 1, kWorkloadStream = 2, kPolicyStream = 3 };

constexpr std::uint16_t kPusherPort = 5301;

void ConfigureNs3(std::uint64_t seed) {
  ns3::RngSeedManager::SetSeed(1);
  ns3::RngSeedManager::SetRun(seed);
  ns3::Config::SetDefault("ns3::TcpSocket::SegmentSize", ns3::UintegerValue(1448));
  ns3::Config::SetDefault("ns3::TcpSocket::SndBufSize", ns3::UintegerValue(1 << 20));
  ns3::Config::SetDefault("ns3::TcpSocket::RcvBufSize", ns3::UintegerValue(1 << 20));
}

// Everything one run owns, built in dependency order and torn down before ns-3 is destroyed.
class RoutingWorld {
 public:
  RoutingWorld(const Scenario& s, const PolicySpec& policy, MetricsSink& metrics)
      : scenario_(s),
        graph_(BuildTopology(s)),
        network_(s, graph_),
        catalog_(network_.Catalog()),
        transport_(network_),
        truth_(catalog_.groups.size(), catalog_.pops.size()),
        timeline_(s, graph_, network_, truth_, clock_, clock_, metrics),
        answerer_(catalog_, AuthoritativeConfig{s.dns.zone, s.dns.hostname, FromSeconds(s.dns.ttl_s)}),
        dns_server_(network_.DnsAddress(), answerer_, transport_, clock_, metrics),
        pusher_({network_.ControllerAddress(), kPusherPort}, {network_.DnsAddress(), AuthoritativeDnsServer::kConfigPort},
                transport_, clock_),
        store_(catalog_.groups.size(), catalog_.pops.size(),
               MeasurementStoreConfig{policy.ewma_alpha, FromSeconds(policy.max_age_s)}),
        probe_random_(s.seed, kProbeStream),
        workload_random_(s.seed, kWorkloadStream),
        policy_random_(s.seed, kPolicyStream),
        stub_(catalog_, transport_, clock_),
        fetcher_(network_, clock_, clock_),
        evaluator_(catalog_, answerer_, truth_, clock_, clock_, metrics,
                   RoutingEvaluatorConfig{FromSeconds(s.evaluation.sample_interval_s),
                                          s.evaluation.unavailable_penalty_ms}) {
    timeline_.RefreshTruth();
    policy_ = MakePolicy(policy);
    controller_ = std::make_unique<MappingController>(
        BuildMappingTargets(catalog_), *policy_, pusher_, clock_, clock_, metrics,
        MappingControllerConfig{FromSeconds(s.mapping.recompute_interval_s),
                                static_cast<std::size_t>(s.mapping.ranked_pops)});
    for (const auto& r : catalog_.resolvers) {
      resolvers_.push_back(std::make_unique<CachingResolver>(
          r.address, Endpoint{network_.DnsAddress(), AuthoritativeDnsServer::kDnsPort}, r.sends_client_subnet,
          transport_, clock_, clock_, metrics));
    }
    for (const auto& g : catalog_.groups) {
      responders_.push_back(std::make_unique<ProbeResponder>(Endpoint{g.representative, kResponderPort}, transport_));
    }
    std::vector<std::vector<ProbeTrainRunner*>> agents_by_pop(catalog_.pops.size());
    for (PopIndex p = 0; p < catalog_.pops.size(); ++p) {
      for (const auto& server : catalog_.pops[p].servers) {
        servers_.push_back(std::make_unique<ObjectServer>(network_.NodeOf(server)));
        agents_.push_back(std::make_unique<ProbeAgent>(p, Endpoint{server, kAgentPort}, transport_, clock_, clock_));
        agents_by_pop[p].push_back(agents_.back().get());
      }
    }
    if (policy.name == "measured") {
      const ProbeSchedulerConfig probing = ProbeSchedulerConfigFor(s.probing, kResponderPort);
      // Outcomes reach the controller's store in-process: the report channel is not what
      // this experiment studies (realnet sends them over the network).
      scheduler_ = std::make_unique<ProbeScheduler>(
          catalog_, agents_by_pop, clock_, probe_random_, metrics,
          [this](const ProbeOutcome& o) { store_.AddSample(o.group, o.pop, o.finished_at, o.rtt_ms, o.loss); }, probing);
    }
    DownloadWorkloadConfig work;
    work.hostname = s.dns.hostname;
    work.object_bytes = s.workload.object_bytes;
    work.downloads_per_group_per_min = s.workload.downloads_per_group_per_min;
    work.server_port = ObjectServer::kPort;
    work.start_at = FromSeconds(s.evaluation.warmup_s);  // measured like regret: after the warm-up
    work.stop_at = FromSeconds(std::max(s.evaluation.warmup_s, s.duration_s - 5));  // leave time to finish
    workload_ = std::make_unique<DownloadWorkload>(catalog_, stub_, fetcher_, clock_, clock_, workload_random_, metrics,
                                                   work);
  }

  void Start() {
    dns_server_.Start();
    pusher_.Start();
    for (auto& r : resolvers_) r->Start();
    for (auto& r : responders_) r->Start();
    for (auto& a : agents_) a->Start();
    for (auto& o : servers_) o->Start();
    timeline_.Start();
    if (scheduler_) scheduler_->Start();
    controller_->Start();
    workload_->Start();
    clock_.ScheduleAfter(FromSeconds(scenario_.evaluation.warmup_s), [this] { evaluator_.Start(); });
  }

  RoutingRunResult Result(const std::string& policy) const {
    RoutingRunResult r;
    r.policy = policy;
    if (scheduler_) {
      r.probe_rounds = scheduler_->RoundsStarted();
      r.probe_overhead = scheduler_->Overhead();
    }
    r.mapping_versions_pushed = controller_->Table().Version();
    r.dns_replica_version = answerer_.Table().Version();
    r.dns_replica_matches_controller = answerer_.Table().Entries() == controller_->Table().Entries();
    r.dns_queries_answered = dns_server_.QueriesAnswered();
    for (const DnsRcode rcode : {DnsRcode::kNoError, DnsRcode::kFormErr, DnsRcode::kServFail, DnsRcode::kNxDomain,
                                 DnsRcode::kNotImp, DnsRcode::kRefused}) {
      if (const std::uint64_t n = dns_server_.QueriesAnswered(rcode)) r.dns_answers_by_rcode[rcode] = n;
    }
    for (const auto& res : resolvers_) r.resolver_upstream_queries += res->UpstreamQueries();
    r.config_retransmissions = pusher_.Retransmissions();
    r.downloads_started = workload_->Started();
    r.downloads_completed = workload_->Completed();
    r.downloads_failed = workload_->Failed();
    r.event_times_s = timeline_.AppliedAtSeconds();
    const SimTime now = clock_.Now();
    for (GroupIndex g = 0; g < catalog_.groups.size(); ++g) {
      GroupFinalState state;
      state.group = catalog_.groups[g].id;
      const MappingEntry* row = controller_->Table().Find(catalog_.groups[g].prefix);
      if (row != nullptr && !row->ranked_pops.empty()) {
        state.pop = catalog_.pops[row->ranked_pops[0]].id;
        state.true_rtt_ms = truth_.RttMs(g, row->ranked_pops[0]);
      }
      for (PopIndex p = 0; p < catalog_.pops.size(); ++p) {
        if (const auto rtt = store_.RttMs(g, p, now)) state.measured_rtt_ms[catalog_.pops[p].id] = *rtt;
      }
      r.final_groups.push_back(state);
    }
    return r;
  }

 private:
  static constexpr std::uint16_t kResponderPort = 7;
  static constexpr std::uint16_t kAgentPort = 7000;

  std::unique_ptr<SelectionPolicy> MakePolicy(const PolicySpec& p) {
    if (p.name == "measured") {
      return std::make_unique<MeasuredPolicy>(store_,
                                              MeasuredPolicyConfig{p.loss_penalty_ms, p.hysteresis_ratio, p.hysteresis_ms});
    }
    if (p.name == "geo") return std::make_unique<GeoPolicy>(catalog_);
    if (p.name == "random") return std::make_unique<RandomPolicy>(catalog_, policy_random_);
    if (p.name == "oracle") return std::make_unique<OraclePolicy>(truth_);
    throw std::invalid_argument("unknown routing policy '" + p.name + "'");
  }

  const Scenario& scenario_;
  Ns3Clock clock_;
  TopologyGraph graph_;
  SimNetwork network_;
  const RoutingCatalog& catalog_;
  Ns3DatagramTransport transport_;
  GroundTruth truth_;
  TimelinePlayer timeline_;
  AuthoritativeAnswerer answerer_;
  AuthoritativeDnsServer dns_server_;
  DnsConfigPusher pusher_;
  MeasurementStore store_;
  SeededRandomSource probe_random_;
  SeededRandomSource workload_random_;
  SeededRandomSource policy_random_;
  SimStubResolver stub_;
  TcpObjectFetcher fetcher_;
  RoutingEvaluator evaluator_;
  std::unique_ptr<SelectionPolicy> policy_;
  std::unique_ptr<MappingController> controller_;
  std::vector<std::unique_ptr<CachingResolver>> resolvers_;
  std::vector<std::unique_ptr<ProbeResponder>> responders_;
  std::vector<std::unique_ptr<ObjectServer>> servers_;
  std::vector<std::unique_ptr<ProbeAgent>> agents_;
  std::unique_ptr<ProbeScheduler> scheduler_;
  std::unique_ptr<DownloadWorkload> workload_;
};

}  // namespace

RoutingRunResult RunRoutingExperiment(const Scenario& scenario, const PolicySpec& policy, MetricsSink& metrics) {
  ConfigureNs3(scenario.seed);
  RoutingRunResult result;
  {
    RoutingWorld world(scenario, policy, metrics);
    world.Start();
    ns3::Simulator::Stop(ns3::Seconds(scenario.duration_s));
    ns3::Simulator::Run();
    result = world.Result(policy.name);
  }
  ns3::Simulator::Destroy();
  return result;
}

}  // namespace cdnlab
