#include "sim/routing/experiment.h"

#include <algorithm>
#include <memory>

#include <fmt/format.h>
#include <stdexcept>

#include <ns3/config.h>
#include <ns3/global-value.h>
#include <ns3/string.h>
#include <ns3/rng-seed-manager.h>
#include <ns3/simulator.h>
#include <ns3/uinteger.h>

#include "models/core/seeded_random_source.h"
#include "models/routing/anycast_policy.h"
#include "models/routing/anycast_route_table.h"
#include "models/routing/anycast_routed_resolver.h"
#include "models/routing/health_checked_policy.h"
#include "models/routing/mapping_change_reason.h"
#include "models/routing/measured_policy_knowledge.h"
#include "models/routing/metric_names.h"
#include "models/routing/pop_health_checker.h"
#include "models/routing/authoritative_answerer.h"
#include "models/routing/beacon_collector.h"
#include "models/routing/candidate_chooser.h"
#include "models/routing/capacity_spill_adjuster.h"
#include "models/routing/download_workload.h"
#include "models/routing/geo_policy.h"
#include "models/routing/ground_truth.h"
#include "models/routing/mapping_controller.h"
#include "models/routing/measured_policy.h"
#include "models/routing/measurement_store.h"
#include "models/routing/min_dwell_adjuster.h"
#include "models/routing/oracle_policy.h"
#include "models/routing/probe_agent.h"
#include "models/routing/probe_responder.h"
#include "models/routing/random_policy.h"
#include "models/routing/evaluator.h"
#include "models/routing/family_chooser.h"
#include "models/routing/rum_workload.h"
#include "models/routing/target_demand.h"
#include "scenarios/routing/download_arrivals_config.h"
#include "scenarios/core/measured_policy_configs.h"
#include "scenarios/routing/probe_scheduler_config.h"
#include "scenarios/core/topology_from_scenario.h"
#include "sim/routing/authoritative_dns_server.h"
#include "sim/routing/caching_resolver.h"
#include "sim/routing/dns_config_pusher.h"
#include "sim/net/ns3_clock.h"
#include "sim/routing/object_server.h"
#include "sim/routing/runtime.h"
#include "sim/routing/rum_collector_host.h"
#include "sim/routing/stub_resolver.h"
#include "sim/net/timeline_player.h"

namespace cdnlab {
namespace {

// Independent random streams per component, so adding draws in one never shifts another.
enum RandomStream : std::uint64_t {
  kProbeStream = 1,
  kWorkloadStream = kDownloadArrivalStream,  // the testbed's real clients draw the same arrivals
  kPolicyStream = 3,
  kRumStream = 4,
  kRumChooserStream = 5,
  kProbeChooserStream = 6,
  // Which family a dual-stack group's request uses: one stream per workload, so IPv6 draws
  // never shift arrivals (and IPv4-only scenarios, which draw nothing here, stay as they were).
  kDownloadFamilyStream = 7,
  kRumFamilyStream = 8,
};

constexpr std::uint16_t kPusherPort = 5301;
// The page content a RUM page view downloads beside its tests (not counted as overhead: the
// user wanted the page anyway).
constexpr std::uint64_t kRumPageBytes = 20 * 1000;
// The tool gives up on a test fetch after this long (a dead PoP then reports ok=false).
constexpr Duration kRumTestTimeout = std::chrono::seconds(5);

// Anycast routes a client's packets by its own network, never by its resolver. The experiment
// models that through DNS by letting every resolver send the client subnet in an anycast run,
// so every group is answered from its own row (which AnycastPolicy fills with the fewest-hop
// PoP from that group's network). A failed PoP's route is withdrawn bgp_convergence_s later
// (AnycastRouteTable), and from then on users' packets reach the next PoP whatever their
// cached answer says (AnycastRoutedResolver for downloads, the evaluator's routing lookup for
// regret). `anycast-blind` keeps the old model: the withdrawal reaches users only as their
// cached answers expire.
RoutingCatalog CatalogForPolicy(RoutingCatalog catalog, const PolicySpec& policy) {
  if (policy.kind == PolicyKind::kAnycast) {
    for (auto& r : catalog.resolvers) r.sends_client_subnet = true;
  }
  return catalog;
}

// Routing path lengths (hops) from each group's node to each PoP's node.
Eigen::MatrixXd AnycastPathHops(const TopologyGraph& graph, const RoutingCatalog& catalog) {
  Eigen::MatrixXd hops(catalog.groups.size(), catalog.pops.size());
  for (GroupIndex g = 0; g < catalog.groups.size(); ++g) {
    const std::vector<double> from = HopCountsFrom(graph, *graph.FindNode(catalog.groups[g].id));
    for (PopIndex p = 0; p < catalog.pops.size(); ++p) hops(g, p) = from[*graph.FindNode(catalog.pops[p].id)];
  }
  return hops;
}

// A failed PoP withdraws its anycast route: the policy follows `announced` (the route table
// after convergence; for anycast-blind the truth's availability at each recompute).
class WithdrawingAnycastPolicy final : public SelectionPolicy {
 public:
  WithdrawingAnycastPolicy(const RoutingCatalog& catalog, Eigen::MatrixXd hops, std::function<bool(PopIndex)> announced)
      : anycast_(catalog, std::move(hops)), announced_(std::move(announced)), pops_(catalog.pops.size()) {}
  std::string Name() const override { return anycast_.Name(); }
  std::vector<PopIndex> Rank(std::size_t target_index, const MappingTarget& target, SimTime now,
                             const std::vector<PopIndex>& previous) override {
    for (PopIndex p = 0; p < pops_; ++p) anycast_.SetPopAvailable(p, announced_(p));
    return anycast_.Rank(target_index, target, now, previous);
  }

 private:
  AnycastPolicy anycast_;
  std::function<bool(PopIndex)> announced_;
  std::size_t pops_;
};

AuthoritativeConfig AuthoritativeConfigFor(const Scenario& s, const PolicySpec& policy) {
  AuthoritativeConfig config{s.dns.zone, s.dns.hostname, FromSeconds(policy.dns_ttl_s.value_or(s.dns.ttl_s))};
  config.use_client_subnet = policy.kind == PolicyKind::kAnycast || policy.map_by == MapBy::kClientSubnet;
  config.scope_aggregation = policy.scope_aggregation;
  return config;
}

void ConfigureNs3(std::uint64_t seed) {
  ns3::RngSeedManager::SetSeed(1);
  ns3::RngSeedManager::SetRun(seed);
  ns3::Config::SetDefault("ns3::TcpSocket::SegmentSize", ns3::UintegerValue(1448));
  ns3::Config::SetDefault("ns3::TcpSocket::SndBufSize", ns3::UintegerValue(1 << 20));
  ns3::Config::SetDefault("ns3::TcpSocket::RcvBufSize", ns3::UintegerValue(1 << 20));
  // A priority queue instead of ns-3's default std::map: the same (time, insertion) order, so
  // the same results, with less work per event (a flow run queues one event per group; ns-3's
  // HeapScheduler was a sixth of a flow run's profile).
  ns3::GlobalValue::Bind("SchedulerType", ns3::StringValue("ns3::PriorityQueueScheduler"));
}

// Everything one run owns, built in dependency order and torn down before ns-3 is destroyed.
class RoutingWorld {
 public:
  RoutingWorld(const Scenario& s, const PolicySpec& policy, MetricsSink& metrics)
      : scenario_(s),
        policy_spec_(policy),
        graph_(BuildTopology(s)),
        runtime_(MakeRoutingRuntime(s, graph_, clock_, kRumTestTimeout)),
        catalog_(CatalogForPolicy(runtime_->Network().Catalog(), policy)),
        transport_(runtime_->Transport()),
        truth_(catalog_.groups.size(), catalog_.pops.size()),
        timeline_(s, graph_, runtime_->Network(), truth_, clock_, clock_, metrics),
        answerer_(catalog_, AuthoritativeConfigFor(s, policy)),
        dns_server_(runtime_->DnsAddress(), answerer_, transport_, clock_, metrics),
        pusher_({runtime_->ControllerAddress(), kPusherPort},
                {runtime_->DnsAddress(), AuthoritativeDnsServer::kConfigPort}, transport_, clock_),
        // Only measuring policies fill a store: at 100,000 groups x 200 PoPs it is 560 MB.
        store_(policy.IsMeasured() ? catalog_.groups.size() : 0, catalog_.pops.size(),
               MeasurementStoreConfigFor(policy)),
        probe_random_(s.seed, kProbeStream),
        workload_random_(s.seed, kWorkloadStream),
        policy_random_(s.seed, kPolicyStream),
        rum_random_(s.seed, kRumStream),
        rum_chooser_random_(s.seed, kRumChooserStream),
        probe_chooser_random_(s.seed, kProbeChooserStream),
        download_family_random_(s.seed, kDownloadFamilyStream),
        rum_family_random_(s.seed, kRumFamilyStream),
        download_families_(catalog_, download_family_random_),
        rum_families_(catalog_, rum_family_random_),
        stub_(catalog_, transport_, clock_),
        evaluator_(catalog_, answerer_, truth_, clock_, clock_, metrics,
                   RoutingEvaluatorConfig{FromSeconds(s.evaluation.sample_interval_s),
                                          s.evaluation.unavailable_penalty_ms}) {
    timeline_.RefreshTruth();
    // Regret as users see it: a group keeps its resolver's cached answer until the TTL runs out.
    evaluator_.UseResolverCaches([this](GroupIndex g, IpFamily family) -> std::optional<DnsAnswer> {
      const ClientGroupInfo& group = catalog_.groups[g];
      const CachingResolver& resolver = *resolvers_.at(group.resolver);
      if (family == IpFamily::kV4) return resolver.CachedAnswer(scenario_.dns.hostname, group.representative, clock_.Now());
      const std::optional<Ipv6Address> host = group.Representative6();
      if (!host) return std::nullopt;
      return resolver.CachedAnswer(scenario_.dns.hostname, *host, clock_.Now(), static_cast<std::uint16_t>(DnsType::kAaaa));
    });
    policy_ = MakePolicy(policy);
    std::vector<MappingTarget> targets = BuildMappingTargets(catalog_);
    const std::vector<double> demand = TargetDemandRps(catalog_, targets, answerer_.Config().use_client_subnet);
    load_meter_ = std::make_unique<PopLoadMeter>(catalog_, targets, demand, FromSeconds(s.evaluation.warmup_s));
    controller_ = std::make_unique<MappingController>(
        std::move(targets), *policy_, pusher_, clock_, clock_, metrics,
        MappingControllerConfig{FromSeconds(s.mapping.recompute_interval_s),
                                static_cast<std::size_t>(s.mapping.ranked_pops)});
    // Dwell first: capacity may still move a held row off a full PoP, never the reverse.
    if (policy.min_dwell_s > 0) {
      dwell_ = std::make_unique<MinDwellAdjuster>(FromSeconds(policy.min_dwell_s));
      controller_->AddAdjuster(*dwell_);
    }
    if (policy.capacity_spill) {
      spill_ = std::make_unique<CapacitySpillAdjuster>(catalog_, demand);
      controller_->AddAdjuster(*spill_);
    }
    ExplainChanges(policy);
    for (const auto& r : catalog_.resolvers) {
      resolvers_.push_back(std::make_unique<CachingResolver>(
          r.address, Endpoint{runtime_->DnsAddress(), AuthoritativeDnsServer::kDnsPort}, r.sends_client_subnet,
          transport_, clock_, clock_, metrics, r.address6));
    }
    for (const auto& g : catalog_.groups) {
      responders_.push_back(std::make_unique<ProbeResponder>(Endpoint{g.representative, kResponderPort}, transport_));
    }
    std::vector<std::vector<ProbeTrainRunner*>> agents_by_pop(catalog_.pops.size());
    for (PopIndex p = 0; p < catalog_.pops.size(); ++p) {
      for (const auto& server : catalog_.pops[p].servers) {
        agents_.push_back(std::make_unique<ProbeAgent>(p, Endpoint{server, kAgentPort}, transport_, clock_, clock_));
        agents_by_pop[p].push_back(agents_.back().get());
      }
    }
    if (policy.UsesProbes()) BuildProbing(std::move(agents_by_pop), metrics);
    if (policy.UsesRum()) BuildRum(metrics);
    DownloadWorkloadConfig work;
    work.hostname = s.dns.hostname;
    work.object_bytes = s.workload.object_bytes;
    work.downloads_per_group_per_min = s.workload.downloads_per_group_per_min;
    work.server_port = ObjectServer::kPort;
    const GroupArrivalsConfig arrivals = DownloadArrivalsConfigFor(s);
    work.start_at = arrivals.start_at;
    work.stop_at = arrivals.stop_at;
    NameResolver& download_resolver = routed_resolver_ ? static_cast<NameResolver&>(*routed_resolver_) : stub_;
    workload_ = std::make_unique<DownloadWorkload>(catalog_, download_resolver, runtime_->Downloads(), clock_, clock_,
                                                   workload_random_, metrics, work);
    workload_->UseFamilies(download_families_);
  }

  void Start() {
    dns_server_.Start();
    pusher_.Start();
    for (auto& r : resolvers_) r->Start();
    for (auto& r : responders_) r->Start();
    for (auto& a : agents_) a->Start();
    runtime_->Start();  // object servers
    if (collector_host_) collector_host_->Start();
    timeline_.Start();
    if (health_checker_) health_checker_->Start();
    if (scheduler_) scheduler_->Start();
    controller_->Start();
    MeterLoad();  // after the controller, so each sample sees that round's publication
    if (rum_) rum_->Start();
    workload_->Start();
    clock_.ScheduleAfter(FromSeconds(scenario_.evaluation.warmup_s), [this] { evaluator_.Start(); });
  }

  // Closes the load meter's last interval; call once the simulation has stopped.
  void Finish() { load_meter_->Finish(clock_.Now()); }

  RoutingRunResult Result() const {
    RoutingRunResult r;
    r.policy = policy_spec_.name;
    r.label = policy_spec_.ResultLabel();
    if (scheduler_) {
      r.probe_rounds = scheduler_->RoundsStarted();
      r.probe_overhead = scheduler_->Overhead();
    }
    if (rum_) {
      r.rum_page_views = rum_->PageViews();
      r.rum_test_fetches = rum_->TestFetches();
      r.rum_bytes = rum_->BytesOnWire();
      r.rum_beacons_sent = rum_->BeaconsSent();
      r.rum_beacons_by_verdict = collector_host_->BeaconsByVerdict();
    }
    r.pop_overload = load_meter_->Result();
    if (spill_) r.capacity_spilled_rows = spill_->SpilledRows();
    if (dwell_) r.dwell_held_rows = dwell_->HeldRows();
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
    r.downloads_started_ipv6 = workload_->StartedIpv6();
    r.downloads_completed_ipv6 = workload_->CompletedIpv6();
    r.dns_aaaa_queries = dns_server_.AaaaQueries();
    r.dns_ecs6_queries = dns_server_.Ecs6Queries();
    r.dns_ecs6_answered_by_row = dns_server_.Ecs6AnsweredByRow();
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
      if (catalog_.groups[g].prefix6) {
        const MappingEntry* row6 = controller_->Table().Find(*catalog_.groups[g].prefix6);
        if (row6 != nullptr && !row6->ranked_pops.empty()) state.pop6 = catalog_.pops[row6->ranked_pops[0]].id;
      }
      for (PopIndex p = 0; g < store_.Groups() && p < catalog_.pops.size(); ++p) {
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
    switch (p.kind) {
      case PolicyKind::kProbe:
      case PolicyKind::kRum:
      case PolicyKind::kHybrid:
        return std::make_unique<MeasuredPolicy>(store_, MeasuredPolicyConfigFor(p));
      case PolicyKind::kAnycast: return MakeAnycast(p);
      case PolicyKind::kGeo: return MakeGeo(p);
      case PolicyKind::kRandom: return std::make_unique<RandomPolicy>(catalog_, policy_random_);
      case PolicyKind::kOracle: return std::make_unique<OraclePolicy>(truth_);
    }
    throw std::invalid_argument("unknown routing policy '" + p.name + "'");
  }

  // geo skips PoPs its health checker found down (geo-blind: no checker). A change the
  // checker sees is acted on at once, as Traffic Router answers from current health.
  std::unique_ptr<SelectionPolicy> MakeGeo(const PolicySpec& p) {
    if (p.failure_blind) return std::make_unique<GeoPolicy>(catalog_);
    geo_ = std::make_unique<GeoPolicy>(catalog_);
    health_checker_ = std::make_unique<PopHealthChecker>(
        catalog_.pops.size(), FromSeconds(p.health_check_interval_s),
        [this](PopIndex pop) { return truth_.PopAvailable(pop); }, clock_);
    health_checker_->OnChange([this] { controller_->RecomputeNow(); });
    return std::make_unique<HealthCheckedPolicy>(*geo_, *health_checker_);
  }

  // anycast follows its route table, which hears of failures from the timeline and withdraws
  // them bgp_convergence_s later; anycast-blind follows the truth at each recompute.
  std::unique_ptr<SelectionPolicy> MakeAnycast(const PolicySpec& p) {
    Eigen::MatrixXd hops = AnycastPathHops(graph_, catalog_);
    if (p.failure_blind) {
      return std::make_unique<WithdrawingAnycastPolicy>(catalog_, std::move(hops),
                                                        [this](PopIndex pop) { return truth_.PopAvailable(pop); });
    }
    routes_ = std::make_unique<AnycastRouteTable>(hops, FromSeconds(p.bgp_convergence_s), clock_);
    timeline_.OnPopAvailability([this](PopIndex pop, bool up) { routes_->PopAvailabilityChanged(pop, up); });
    routes_->OnChange([this](PopIndex pop, bool announced) { RecordRouteChange(pop, announced); });
    routed_resolver_ = std::make_unique<AnycastRoutedResolver>(stub_, catalog_, *routes_);
    evaluator_.UseRouting([this](GroupIndex g, PopIndex answered) { return routes_->RoutedPop(g, answered); });
    return std::make_unique<WithdrawingAnycastPolicy>(catalog_, std::move(hops),
                                                      [this](PopIndex pop) { return routes_->Announced(pop); });
  }

  // Users holding an answer for `pop` (cached, so whatever the table says now) are rerouted
  // by the change itself: to where packets for `pop` go now. Only a change that lands there
  // takes this reason (MappingChangeReasons::Explain matches the destination).
  void RecordRouteChange(PopIndex pop, bool announced) {
    const MappingChangeReason why = announced ? MappingChangeReason::kPopRecovered : MappingChangeReason::kPopFailed;
    for (GroupIndex g = 0; g < catalog_.groups.size(); ++g) {
      reasons_->RecordRouted(g, IpFamily::kV4, routes_->RoutedPop(g, pop), why);
      if (catalog_.groups[g].prefix6) reasons_->RecordRouted(g, IpFamily::kV6, routes_->RoutedPop(g, pop), why);
    }
  }

  // mapping_changes.csv's reason column: the controller reports its decisions, the evaluator
  // labels each change users see with the reason of the decision behind it.
  void ExplainChanges(const PolicySpec& p) {
    reasons_ = std::make_unique<MappingChangeReasons>(controller_->Targets(), catalog_.groups.size(),
                                                      catalog_.pops.size(), KnowledgeOf(p));
    controller_->SetDecisionObserver(reasons_.get());
    evaluator_.LabelChanges([this](GroupIndex g, IpFamily family, std::optional<PopIndex>, std::optional<PopIndex> to) {
      const ExplainedChange why = reasons_->Explain(g, family, to);
      MetricLabels labels{{metric::kLabelReason, MappingChangeReasonName(why.reason)}};
      if (why.rtt_gain_ms) labels.push_back({metric::kLabelRttGainMs, fmt::format("{:.3f}", *why.rtt_gain_ms)});
      return labels;
    });
  }

  // What each policy knows when it decides (see PolicyKnowledge).
  PolicyKnowledge KnowledgeOf(const PolicySpec& p) {
    PolicyKnowledge k;
    switch (p.kind) {
      case PolicyKind::kProbe:
      case PolicyKind::kRum:
      case PolicyKind::kHybrid:
        return MeasuredPolicyKnowledge(store_, controller_->Targets(), p.loss_penalty_ms);
      case PolicyKind::kGeo:
        if (health_checker_) k.pop_down = [this](PopIndex pop) { return !health_checker_->Up(pop); };
        break;
      case PolicyKind::kAnycast:
        if (routes_) {
          k.pop_down = [this](PopIndex pop) { return !routes_->Announced(pop); };
        } else {
          k.pop_down = [this](PopIndex pop) { return !truth_.PopAvailable(pop); };
        }
        break;
      case PolicyKind::kOracle:
        k.pop_down = [this](PopIndex pop) { return !truth_.PopAvailable(pop); };
        k.score_ms = [this](std::size_t i, PopIndex pop, SimTime) -> std::optional<double> {
          double rtt = 0;
          for (const auto& [g, w] : controller_->Targets()[i].groups) rtt += w * truth_.RttMs(g, pop);
          return rtt;
        };
        break;
      case PolicyKind::kRandom: break;
    }
    return k;
  }

  // Probes feed the store; with probe_candidates > 0 only the chooser's PoPs probe a group.
  void BuildProbing(std::vector<std::vector<ProbeTrainRunner*>> agents_by_pop, MetricsSink& metrics) {
    ProbeSchedulerConfig probing = ProbeSchedulerConfigFor(scenario_.probing, kResponderPort);
    if (policy_spec_.probe_candidates > 0) {
      probe_chooser_ = std::make_unique<CandidateChooser>(catalog_, store_, probe_chooser_random_,
                                                          CandidateChooserConfigFor(policy_spec_.probe_candidates));
      probing.selector = [this](GroupIndex g, SimTime now) { return probe_chooser_->Choose(g, now); };
      probing.clock = &clock_;
    }
    // Outcomes reach the controller's store in-process: the report channel is not what
    // this experiment studies (realnet sends them over the network).
    scheduler_ = std::make_unique<ProbeScheduler>(
        catalog_, std::move(agents_by_pop), clock_, probe_random_, metrics,
        [this](const ProbeOutcome& o) { store_.AddSample(o.group, o.pop, o.finished_at, o.rtt_ms, o.loss); }, probing);
  }

  // Page views carrying the tool from t=0 (like probes, so the store has data by the warm-up's
  // end); beacons go over the network to the collector on the controller's host.
  void BuildRum(MetricsSink& metrics) {
    collector_ = std::make_unique<BeaconCollector>(catalog_, store_, clock_, metrics);
    collector_host_ = std::make_unique<RumCollectorHost>(
        Endpoint{runtime_->ControllerAddress(), RumCollectorHost::kPort}, *collector_, transport_, metrics);
    rum_chooser_ = std::make_unique<CandidateChooser>(catalog_, store_, rum_chooser_random_,
                                                      CandidateChooserConfigFor(policy_spec_.rum_candidates));
    RumWorkloadConfig config;
    config.page_views_per_group_per_min = policy_spec_.page_views_per_group_per_min;
    config.start_at = SimTime{0};
    config.stop_at = FromSeconds(std::max(0.0, scenario_.duration_s - 5));
    config.page.hostname = scenario_.dns.hostname;
    config.page.server_port = ObjectServer::kPort;
    config.page.page_bytes = kRumPageBytes;
    config.page.test_object_bytes = policy_spec_.test_object_bytes;
    config.page.collector = collector_host_->Local();
    rum_ = std::make_unique<RumWorkload>(catalog_, stub_, runtime_->TestFetches(), transport_, *rum_chooser_, clock_,
                                         clock_, rum_random_, metrics, config);
    rum_->UseFamilies(rum_families_);
  }

  void MeterLoad() {
    load_meter_->Observe(controller_->Table(), clock_.Now());
    clock_.ScheduleAfter(FromSeconds(scenario_.mapping.recompute_interval_s), [this] { MeterLoad(); });
  }

  const Scenario& scenario_;
  const PolicySpec& policy_spec_;
  Ns3Clock clock_;
  TopologyGraph graph_;
  std::unique_ptr<RoutingRuntime> runtime_;  // packets or flows, by scenario.fidelity
  RoutingCatalog catalog_;  // the network's, as this policy's run sees it (see CatalogForPolicy)
  DatagramTransport& transport_;
  GroundTruth truth_;
  TimelinePlayer timeline_;
  AuthoritativeAnswerer answerer_;
  AuthoritativeDnsServer dns_server_;
  DnsConfigPusher pusher_;
  MeasurementStore store_;
  SeededRandomSource probe_random_;
  SeededRandomSource workload_random_;
  SeededRandomSource policy_random_;
  SeededRandomSource rum_random_;
  SeededRandomSource rum_chooser_random_;
  SeededRandomSource probe_chooser_random_;
  SeededRandomSource download_family_random_;
  SeededRandomSource rum_family_random_;
  FamilyChooser download_families_;
  FamilyChooser rum_families_;
  SimStubResolver stub_;
  RoutingEvaluator evaluator_;
  std::unique_ptr<SelectionPolicy> policy_;
  std::unique_ptr<PopLoadMeter> load_meter_;
  std::unique_ptr<MinDwellAdjuster> dwell_;
  std::unique_ptr<CapacitySpillAdjuster> spill_;
  std::unique_ptr<MappingController> controller_;
  std::vector<std::unique_ptr<CachingResolver>> resolvers_;
  std::vector<std::unique_ptr<ProbeResponder>> responders_;
  std::vector<std::unique_ptr<ProbeAgent>> agents_;
  std::unique_ptr<CandidateChooser> probe_chooser_;
  std::unique_ptr<ProbeScheduler> scheduler_;
  std::unique_ptr<BeaconCollector> collector_;
  std::unique_ptr<RumCollectorHost> collector_host_;
  std::unique_ptr<CandidateChooser> rum_chooser_;
  std::unique_ptr<RumWorkload> rum_;
  std::unique_ptr<DownloadWorkload> workload_;
  // geo: the policy behind the health check, and the checker; anycast: its routes, and the
  // resolver that follows them for downloads (null for other policies and blind variants).
  std::unique_ptr<GeoPolicy> geo_;
  std::unique_ptr<PopHealthChecker> health_checker_;
  std::unique_ptr<AnycastRouteTable> routes_;
  std::unique_ptr<AnycastRoutedResolver> routed_resolver_;
  std::unique_ptr<MappingChangeReasons> reasons_;
};

}  // namespace

RoutingRunResult RunRoutingExperiment(const Scenario& scenario, const PolicySpec& policy, MetricsSink& metrics,
                                      const SimProgress& progress) {
  ConfigureNs3(scenario.seed);
  RoutingRunResult result;
  {
    RoutingWorld world(scenario, policy, metrics);
    world.Start();
    ScheduleSimProgress(progress, scenario.duration_s / 200);
    ns3::Simulator::Stop(ns3::Seconds(scenario.duration_s));
    ns3::Simulator::Run();
    world.Finish();
    result = world.Result();
    result.simulator_events = ns3::Simulator::GetEventCount();
  }
  ns3::Simulator::Destroy();
  return result;
}

}  // namespace cdnlab
