#include "sim/timeline_player.h"

namespace cdnlab {

TimelinePlayer::TimelinePlayer(const Scenario& scenario, TopologyGraph& graph, SimNetwork& network,
                               GroundTruth& truth, TimerScheduler& timers, MetricsSink& metrics)
    : scenario_(scenario), graph_(graph), network_(network), truth_(truth), timers_(timers), metrics_(metrics) {}

void TimelinePlayer::RefreshTruth() {
  const RoutingCatalog& catalog = network_.Catalog();
  Eigen::MatrixXd rtt(catalog.groups.size(), catalog.pops.size());
  for (PopIndex p = 0; p < catalog.pops.size(); ++p) {
    const auto latency = graph_.LatenciesFromMs(*graph_.FindNode(catalog.pops[p].id));
    for (GroupIndex g = 0; g < catalog.groups.size(); ++g) {
      // Server hosts sit one LAN hop behind their PoP router.
      rtt(static_cast<Eigen::Index>(g), static_cast<Eigen::Index>(p)) =
          2 * (latency[*graph_.FindNode(catalog.groups[g].id)] + SimNetwork::kServerLanDelayMs);
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
      }
      break;
    }
  }
  applied_at_s_.push_back(e.at_s);
  metrics_.Count("timeline.events_applied", 1);
}

}  // namespace cdnlab
