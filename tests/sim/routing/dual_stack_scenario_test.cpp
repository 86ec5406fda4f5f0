// scenarios/dual_stack.yaml end to end: dual-stack groups' IPv6 users ask AAAA over IPv6, the
// resolvers forward ECS family 2 (/56), the authoritative answers from IPv6 rows, and the
// users download over ns-3 TCP/IPv6; they get the same PoP as the group's IPv4 users (one
// access network, the same measurements), and flow fidelity decides as packet fidelity does.
#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "analysis/metrics_recorder.h"
#include "models/routing/metric_names.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/routing/experiment.h"

namespace cdnlab {
namespace {

// The PoP each group's users of one family were answered with, per evaluator sample.
using PopBySample = std::map<std::pair<std::int64_t, std::string>, std::string>;  // (ms, group) -> PoP

struct DualStackRun {
  RoutingRunResult result;
  PopBySample pop4;
  PopBySample pop6;
  std::map<std::string, int> downloads4;  // by group
  std::map<std::string, int> downloads6;
  double regret4_sum_ms = 0;  // over the evaluator's samples, unweighted
  double regret6_sum_ms = 0;
  std::map<std::string, std::pair<double, double>> download_ms_sums;  // by group: (IPv4, IPv6)
};

DualStackRun Run(Fidelity fidelity, const std::string& label) {
  Scenario s = LoadScenarioFile(std::string(CDNLAB_SOURCE_DIR) + "/scenarios/dual_stack.yaml");
  s.fidelity = fidelity;
  const auto policy = std::find_if(s.policies.begin(), s.policies.end(),
                                   [&](const PolicySpec& p) { return p.ResultLabel() == label; });
  DualStackRun run;
  if (policy == s.policies.end()) {
    ADD_FAILURE() << "dual_stack.yaml has no policy " << label;
    return run;
  }
  MetricsRecorder metrics;
  run.result = RunRoutingExperiment(s, *policy, metrics);
  for (const auto* sample : metrics.SamplesNamed(metric::kRegretMs)) {
    const bool v6 = sample->Label(metric::kLabelFamily) == metric::kFamilyIpv6;
    const auto key = std::make_pair(std::chrono::duration_cast<std::chrono::milliseconds>(sample->at).count(),
                                    sample->Label(metric::kLabelGroup));
    (v6 ? run.pop6 : run.pop4)[key] = sample->Label(metric::kLabelPop);
    (v6 ? run.regret6_sum_ms : run.regret4_sum_ms) += sample->value;
  }
  for (const auto* sample : metrics.SamplesNamed(metric::kDownloadMs)) {
    const bool v6 = sample->Label(metric::kLabelFamily) == metric::kFamilyIpv6;
    ++(v6 ? run.downloads6 : run.downloads4)[sample->Label(metric::kLabelGroup)];
    auto& sums = run.download_ms_sums[sample->Label(metric::kLabelGroup)];
    (v6 ? sums.second : sums.first) += sample->value;
  }
  return run;
}

const DualStackRun& PacketProbe() {
  static const DualStackRun run = Run(Fidelity::kPacket, "probe");
  return run;
}

const DualStackRun& FlowProbe() {
  static const DualStackRun run = Run(Fidelity::kFlow, "probe");
  return run;
}

TEST(DualStackScenario, Ipv6UsersResolveAaaaWithEcsFamily2AndDownloadOverNs3Ipv6) {
  const RoutingRunResult& r = PacketProbe().result;
  for (const auto& [name, value] : {std::pair<const char*, std::uint64_t>{"dns_queries", r.dns_queries_answered},
                                    {"dns_aaaa_queries", r.dns_aaaa_queries},
                                    {"dns_ecs6_queries", r.dns_ecs6_queries},
                                    {"dns_ecs6_answered_by_row", r.dns_ecs6_answered_by_row},
                                    {"downloads_completed", r.downloads_completed},
                                    {"downloads_started_ipv6", r.downloads_started_ipv6},
                                    {"downloads_completed_ipv6", r.downloads_completed_ipv6}}) {
    RecordProperty(name, std::to_string(value));
  }
  const DualStackRun& run = PacketProbe();
  RecordProperty("mean_regret_ipv4_ms", std::to_string(run.regret4_sum_ms / run.pop4.size()));
  RecordProperty("mean_regret_ipv6_ms", std::to_string(run.regret6_sum_ms / run.pop6.size()));
  for (const auto& [group, sums] : run.download_ms_sums) {
    if (run.downloads4.count(group) && run.downloads6.count(group)) {
      RecordProperty("mean_download_ms_" + group, std::to_string(sums.first / run.downloads4.at(group)) + " IPv4, " +
                                                      std::to_string(sums.second / run.downloads6.at(group)) + " IPv6");
    }
  }
  EXPECT_GT(r.dns_aaaa_queries, 0u);
  EXPECT_GT(r.dns_ecs6_queries, 0u) << "resolvers that send ECS forward a /56 of IPv6 clients";
  // isp-asia sends no ECS: its AAAA queries reach the authoritative without a subnet.
  EXPECT_LT(r.dns_ecs6_queries, r.dns_aaaa_queries);
  EXPECT_EQ(r.dns_ecs6_answered_by_row, r.dns_ecs6_queries) << "every ECS family 2 query found its IPv6 row";
  EXPECT_GT(r.downloads_started_ipv6, 20u);
  // Over ns-3 TCP on IPv6 sockets: they complete only if IPv6 is addressed and routed.
  EXPECT_GE(r.downloads_completed_ipv6 + 2, r.downloads_started_ipv6);
  EXPECT_GT(r.downloads_completed, r.downloads_completed_ipv6) << "IPv4 users download too";
  EXPECT_EQ(r.downloads_failed, 0u);
  EXPECT_TRUE(r.dns_replica_matches_controller);
}

TEST(DualStackScenario, Ipv6ShareDecidesEachGroupsFamily) {
  const DualStackRun& run = PacketProbe();
  // ipv6_share 1.0: every download over IPv6; IPv4-only groups never.
  EXPECT_GT(run.downloads6.count("g-newyork") ? run.downloads6.at("g-newyork") : 0, 5);
  EXPECT_EQ(run.downloads4.count("g-newyork"), 0u);
  EXPECT_EQ(run.downloads6.count("g-chicago"), 0u);
  EXPECT_EQ(run.downloads6.count("g-tokyo"), 0u);
  // ipv6_share 0.5 and 0.3: both families.
  for (const char* g : {"g-singapore", "g-paris-pub"}) {
    EXPECT_GT(run.downloads4.count(g) ? run.downloads4.at(g) : 0, 0) << g;
    EXPECT_GT(run.downloads6.count(g) ? run.downloads6.at(g) : 0, 0) << g;
  }
}

TEST(DualStackScenario, EachGroupsIpv6UsersGetTheSamePopAsItsIpv4Users) {
  const DualStackRun& run = PacketProbe();
  ASSERT_FALSE(run.pop6.empty());
  std::size_t same = 0;
  for (const auto& [key, pop6] : run.pop6) {
    ASSERT_TRUE(run.pop4.count(key)) << key.second << " at " << key.first << " ms";
    if (run.pop4.at(key) == pop6) ++same;
  }
  // Caches of the two families expire at different times, so a mapping change may reach
  // one family a TTL before the other; otherwise they agree.
  EXPECT_GE(static_cast<double>(same) / run.pop6.size(), 0.95);
  std::size_t dual_stack = 0;
  for (const GroupFinalState& g : run.result.final_groups) {
    if (g.pop6.empty()) continue;
    ++dual_stack;
    EXPECT_EQ(g.pop6, g.pop) << g.group;
  }
  EXPECT_EQ(dual_stack, 4u);
}

TEST(DualStackScenario, FlowAndPacketFidelityAgreeOnIpv6UsersAsOnIpv4Users) {
  const DualStackRun& packet = PacketProbe();
  const DualStackRun& flow = FlowProbe();
  const auto agreement = [](const PopBySample& a, const PopBySample& b) {
    std::size_t same = 0;
    for (const auto& [key, pop] : a) {
      if (b.count(key) && b.at(key) == pop) ++same;
    }
    return a.empty() ? 0.0 : static_cast<double>(same) / a.size();
  };
  const double v4 = agreement(packet.pop4, flow.pop4);
  const double v6 = agreement(packet.pop6, flow.pop6);
  EXPECT_GE(v4, 0.9);
  EXPECT_GE(v6, v4 - 0.03) << "IPv4 agreement " << v4;
  ASSERT_EQ(packet.result.final_groups.size(), flow.result.final_groups.size());
  for (std::size_t g = 0; g < packet.result.final_groups.size(); ++g) {
    EXPECT_EQ(packet.result.final_groups[g].pop6, flow.result.final_groups[g].pop6)
        << packet.result.final_groups[g].group;
  }
  EXPECT_GT(flow.result.downloads_completed_ipv6, 0u);
  EXPECT_GT(flow.result.dns_ecs6_answered_by_row, 0u);
}

}  // namespace
}  // namespace cdnlab
