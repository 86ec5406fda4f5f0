// scenarios/resolvers_ecs_many.yaml shows what scope aggregation is for (issue 14): with many
// client /24s behind each resolver, ECS answers scoped to their /24 rows cost several times the
// DNS queries of mapping by resolver; answered with the widest true scope (the region's /18),
// resolvers keep one entry per region and ECS costs at most 1.2x mapping by resolver, while
// every group is answered with the same PoP as without aggregation, and public-resolver users
// keep what ECS gives them. Runs the scenario's four policies in flow fidelity (~1 s).
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/metrics_recorder.h"
#include "analysis/resolver_mapping_comparison.h"
#include "analysis/routing_summary.h"
#include "models/routing/metric_names.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/routing/experiment.h"

namespace cdnlab {
namespace {

constexpr double kFailureAtS = 80;  // the scenario's timeline: Frankfurt fails

// (second, group) -> answered PoP, from the evaluator's regret samples before the failure.
using Answers = std::map<std::tuple<std::int64_t, std::string>, std::string>;

class ResolversEcsManyScenarioRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const Scenario s = LoadScenarioFile(std::string(CDNLAB_SOURCE_DIR) + "/scenarios/resolvers_ecs_many.yaml");
    ASSERT_EQ(s.timeline.size(), 1u);
    ASSERT_EQ(s.timeline[0].at_s, kFailureAtS);
    RoutingSummaryContext context;
    for (const auto& g : s.client_groups) {
      context.population_by_group[g.id] = g.population;
      for (const auto& r : s.resolvers) {
        if (r.id == g.resolver && r.is_public) context.public_resolver_groups.insert(g.id);
      }
    }
    context.warmup_s = s.evaluation.warmup_s;
    context.duration_s = s.duration_s;
    const RoutingSummaryBuilder builder(context);
    std::vector<RoutingPolicySummary> summaries;
    answers_ = new std::map<std::string, Answers>;
    for (const auto& p : s.policies) {
      MetricsRecorder recorder;
      const RoutingRunResult run = RunRoutingExperiment(s, p, recorder);
      RoutingRunTotals totals;
      totals.dns_queries_answered = run.dns_queries_answered;
      RoutingPolicySummary summary = builder.Summarize(p.label, recorder, totals);
      summary.kind = p.name;
      summary.map_by = p.map_by == MapBy::kResolver ? "resolver" : "client_subnet";
      summaries.push_back(summary);
      for (const auto* sample : recorder.SamplesNamed(metric::kRegretMs)) {
        const double at_s = ToSeconds(sample->at);
        if (at_s >= kFailureAtS) continue;
        (*answers_)[p.label][{static_cast<std::int64_t>(at_s), sample->Label(metric::kLabelGroup)}] =
            sample->Label(metric::kLabelPop);
      }
    }
    CompareEcsWithResolverMapping(summaries);
    summaries_ = new std::map<std::string, RoutingPolicySummary>;
    for (const auto& summary : summaries) (*summaries_)[summary.policy] = summary;
  }
  static void TearDownTestSuite() {
    delete summaries_;
    summaries_ = nullptr;
    delete answers_;
    answers_ = nullptr;
  }

  static const RoutingPolicySummary& Of(const std::string& label) { return summaries_->at(label); }

  static std::map<std::string, RoutingPolicySummary>* summaries_;
  static std::map<std::string, Answers>* answers_;
};

std::map<std::string, RoutingPolicySummary>* ResolversEcsManyScenarioRun::summaries_ = nullptr;
std::map<std::string, Answers>* ResolversEcsManyScenarioRun::answers_ = nullptr;

TEST_F(ResolversEcsManyScenarioRun, AggregatedEcsCostsAtMostOnePointTwoTimesMappingByResolver) {
  const auto& aggregated = Of("probe");
  const auto& by_resolver = Of("probe-by-resolver");
  ASSERT_GT(by_resolver.dns_queries_per_min, 0);
  EXPECT_LE(aggregated.dns_queries_per_min, 1.2 * by_resolver.dns_queries_per_min)
      << aggregated.dns_queries_per_min << " vs " << by_resolver.dns_queries_per_min;
  ASSERT_TRUE(aggregated.ecs_query_rate_over_resolver.has_value());
  EXPECT_EQ(aggregated.resolver_mapped_policy, "probe-by-resolver");
  EXPECT_LE(*aggregated.ecs_query_rate_over_resolver, 1.2);
  // Aggregation is what does it: scoped to /24 rows, ECS costs several times more.
  EXPECT_GT(Of("probe-unaggregated").dns_queries_per_min, 3 * by_resolver.dns_queries_per_min);
}

TEST_F(ResolversEcsManyScenarioRun, AggregationAnswersEveryGroupWithTheSamePop) {
  // Until the failure, every group's answered PoP, second by second, is the same with and
  // without aggregation: wider scopes hand no group another PoP.
  const Answers& aggregated = answers_->at("probe");
  const Answers& plain = answers_->at("probe-unaggregated");
  ASSERT_GT(aggregated.size(), 256u * 40);
  EXPECT_EQ(aggregated, plain);
  EXPECT_EQ(Of("probe").regret_ms.p95, 0);
}

TEST_F(ResolversEcsManyScenarioRun, RegretIsNoWorseWithAggregationAndEcsStillHelpsPublicResolverUsers) {
  const auto& aggregated = Of("probe");
  const auto& plain = Of("probe-unaggregated");
  // Over the whole run, the failure included: resolvers drop the failed PoP no later when one
  // entry serves a whole region than when each /24 has its own.
  EXPECT_LE(aggregated.regret_ms.mean, plain.regret_ms.mean + 0.5)
      << aggregated.regret_ms.mean << " vs " << plain.regret_ms.mean;
  ASSERT_TRUE(aggregated.regret_public_ms && Of("probe-by-resolver").regret_public_ms);
  EXPECT_LT(aggregated.regret_public_ms->p50, 3);
  EXPECT_GT(Of("probe-by-resolver").regret_public_ms->p50, 40);
}

}  // namespace
}  // namespace cdnlab
