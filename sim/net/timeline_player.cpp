#include "sim/net/timeline_player.h"

#include "sim/net/host_address_plan.h"
#include "sim/net/metric_names.h"

namespace cdnlab {
namespace {

const char* TypeName(TimelineEventType type) {
  switch (type) {
    case TimelineEventType::kLinkChange: return "link_change";
    case TimelineEventType::kPopFail: return "pop_fail";
    case TimelineEventType::kPopRecover: return "pop_recover";
  }
  return "unknown";
}

}  // namespace

TimelinePlayer::TimelinePlayer(const Scenario& scenario, TopologyGraph& graph, NetworkControls& network,
                               GroundTruth& truth, Clock& clock, TimerScheduler& timers, MetricsSink& metrics)
    : scenario_(scenario),
      graph_(graph),
      network_(network),
      truth_(truth),
      clock_(clock),
      timers_(timers),
      metrics_(metrics) {}

void TimelinePlayer::RefreshTruth() {
  const RoutingCatalog& catalog = network_.Catalog();
  Eigen::MatrixXd rtt(catalog.groups.size(), catalog.pops.size());
  // Group nodes looked up once, not once per PoP (large scenarios have 1e5 groups).
  std::vector<TopologyGraph::NodeId> group_nodes;
  group_nodes.reserve(catalog.groups.size());
  for (const auto& group : catalog.groups) group_nodes.push_back(*graph_.FindNode(group.id));
  for (PopIndex p = 0; p < catalog.pops.size(); ++p) {
    const auto latency = graph_.LatenciesFromMs(*graph_.FindNode(catalog.pops[p].id));
    for (GroupIndex g = 0; g < catalog.groups.size(); ++g) {
      // Server hosts sit one LAN hop behind their PoP router.
      rtt(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(p)) =
          2 * (latency[group_nodes[g]] + HostAddressPlan::kServerLanDelayMs);
    }
  }
  truth_.SetRttMs(rtt);
}

void TimelinePlayer::Start() {
  for (std::size_t i = 0; i < scenario_.timeline.size(); ++i) {
    timers_.ScheduleAfter(FromSeconds(scenario_.timeline[i].at_s), [this, i] { Apply(i); });
  }
}

void TimelinePlayer::Apply(std::size_t index) {
  const TimelineEvent& e = scenario_.timeline[index];
  switch (e.type) {
    case TimelineEventType::kLinkChange: {
      const auto link = *graph_.FindLink(e.link_a, e.link_b);
      LinkParams params = graph_.Link(link);
      if (e.delay_ms) params.delay_ms = *e.delay_ms;
      if (e.loss) params.loss = *e.loss;
      if (e.bandwidth_mbps) params.bandwidth_mbps = *e.bandwidth_mbps;
      graph_.SetLinkParams(link, params);
      network_.SetLinkParams(link, params);
      network_.RecomputeRoutes();
      RefreshTruth();
      break;
    }
    case TimelineEventType::kPopFail:
    case TimelineEventType::kPopRecover: {
      const bool up = e.type == TimelineEventType::kPopRecover;
      const auto& pops = network_.Catalog().pops;
      for (PopIndex p = 0; p < pops.size(); ++p) {
        if (pops[p].id != e.pop) continue;
        network_.SetPopServersUp(p, up);
        truth_.SetPopAvailable(p, up);
        if (pop_listener_) pop_listener_(p, up);
      }
      break;
    }
  }
  applied_at_s_.push_back(e.at_s);
  metrics_.Count(sim_metric::kTimelineEventsApplied, 1);
  // A sample marks the moment on the run's time axis, so series can be cut at events.
  metrics_.Sample(sim_metric::kTimelineEvent, clock_.Now(), static_cast<double>(index),
                  {{sim_metric::kLabelEventType, TypeName(e.type)}});
}

}  // namespace cdnlab
