// The acceptance test of measured request routing on the built-in default scenario:
// probe (measured routing by probes; `measured` before issue 6) beats geo on regret, re-maps the groups a link degradation affects within a
// bounded number of probe rounds, and the DNS node's answers follow the mapping.
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "analysis/metrics_recorder.h"
#include "analysis/routing_summary.h"
#include "models/routing/metric_names.h"
#include "scenarios/loader/default_scenario.h"
#include "scenarios/loader/scenario_loader.h"
#include "sim/routing/experiment.h"

namespace cdnlab {
namespace {

const PolicySpec& PolicyLabelled(const Scenario& s, const std::string& label) {
  for (const auto& p : s.policies) {
    if (p.label == label) return p;
  }
  throw std::runtime_error("default scenario has no policy labelled " + label);
}

// Runs the three policies the assertions need once for the whole suite (each run is ns-3).
class DefaultScenarioRouting : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    scenario_ = new Scenario(LoadScenarioText(DefaultScenarioYaml(), kDefaultScenarioName));
    for (const char* name : {"probe", "geo", "oracle"}) {
      auto& run = runs_[name];
      run.result = RunRoutingExperiment(*scenario_, PolicyLabelled(*scenario_, name), run.metrics);
    }
  }
  static void TearDownTestSuite() {
    delete scenario_;
    runs_.clear();
  }

  static RoutingPolicySummary Summary(const std::string& policy) {
    std::map<std::string, double> population;
    for (const auto& g : scenario_->client_groups) population[g.id] = g.population;
    std::vector<EventWindow> windows;
    for (std::size_t i = 0; i < scenario_->timeline.size(); ++i) {
      const double until =
          i + 1 < scenario_->timeline.size() ? scenario_->timeline[i + 1].at_s : scenario_->duration_s;
      windows.push_back({scenario_->timeline[i].at_s, until, scenario_->timeline[i].description});
    }
    return RoutingSummaryBuilder(population, windows).Summarize(policy, runs_.at(policy).metrics);
  }

  // The PoP each group is answered with at each evaluation second: group -> time_s -> pop.
  static std::map<std::string, std::map<double, std::string>> EffectivePops(const std::string& policy) {
    std::map<std::string, std::map<double, std::string>> out;
    for (const auto* s : runs_.at(policy).metrics.SamplesNamed(metric::kRegretMs)) {
      out[s->Label(metric::kLabelGroup)][ToSeconds(s->at)] = s->Label(metric::kLabelPop);
    }
    return out;
  }

  struct Run {
    MetricsRecorder metrics;
    RoutingRunResult result;
  };
  static Scenario* scenario_;
  static std::map<std::string, Run> runs_;
};

Scenario* DefaultScenarioRouting::scenario_ = nullptr;
std::map<std::string, DefaultScenarioRouting::Run> DefaultScenarioRouting::runs_;

TEST_F(DefaultScenarioRouting, MeasuredBeatsGeoOnMedianRegret) {
  const auto measured = Summary("probe");
  const auto geo = Summary("geo");
  const auto oracle = Summary("oracle");
  EXPECT_LT(measured.regret_ms.p50, geo.regret_ms.p50);
  EXPECT_LT(measured.regret_ms.mean, geo.regret_ms.mean);
  EXPECT_EQ(oracle.regret_ms.p95, 0) << "the oracle is the zero point of regret";
  EXPECT_GT(measured.probe_packets, 0);
  EXPECT_EQ(geo.probe_packets, 0);
}

TEST_F(DefaultScenarioRouting, MeasuredRemapsTheGroupsTheDegradationAffects) {
  ASSERT_FALSE(scenario_->timeline.empty());
  const double event_s = scenario_->timeline[0].at_s;
  const double round_s = scenario_->probing.interval_s;
  constexpr int kMaxProbeRounds = 6;

  // Affected groups: those whose best PoP (the oracle's answer) changes at the event.
  const auto oracle = EffectivePops("oracle");
  const auto measured = EffectivePops("probe");
  std::map<std::string, std::string> new_best;
  for (const auto& [group, series] : oracle) {
    const auto before = series.lower_bound(event_s - 1);
    const auto after = series.rbegin();
    if (before != series.end() && before->second != after->second) new_best[group] = after->second;
  }
  ASSERT_GE(new_best.size(), 1u) << "the default scenario's degradation must change some group's best PoP";

  // Settled: from some time on, the group's regret stays within the hysteresis margin
  // (a PoP that close to the best is deliberately not displaced).
  const PolicySpec& config = PolicyLabelled(*scenario_, "probe");
  std::map<std::string, std::map<double, double>> regret, chosen;
  for (const auto* s : runs_.at("probe").metrics.SamplesNamed(metric::kRegretMs)) {
    regret[s->Label(metric::kLabelGroup)][ToSeconds(s->at)] = s->value;
  }
  for (const auto* s : runs_.at("probe").metrics.SamplesNamed(metric::kChosenRttMs)) {
    chosen[s->Label(metric::kLabelGroup)][ToSeconds(s->at)] = s->value;
  }
  for (const auto& [group, best] : new_best) {
    double settled_at = -1;
    for (const auto& [t, r] : regret.at(group)) {
      if (t < event_s) continue;
      const double margin = config.hysteresis_ratio * chosen[group][t] + config.hysteresis_ms;
      if (r <= margin && settled_at < 0) settled_at = t;
      if (r > margin) settled_at = -1;
    }
    ASSERT_GE(settled_at, 0) << group << " never settled near " << best;
    EXPECT_LE(settled_at - event_s, kMaxProbeRounds * round_s)
        << group << " re-mapped toward " << best << " only after " << settled_at - event_s << " s";
  }
  (void)measured;
}

TEST_F(DefaultScenarioRouting, DnsAnswersFollowTheMapping) {
  for (const char* policy : {"probe", "geo", "oracle"}) {
    const auto& result = runs_.at(policy).result;
    EXPECT_TRUE(result.dns_replica_matches_controller) << policy;
    EXPECT_GT(result.mapping_versions_pushed, 0u) << policy;
    EXPECT_GT(result.downloads_completed, 0u) << policy;

    // Every download went to a PoP the mapping answered for its group during the TTL
    // (plus the evaluator's 1 s sampling) before the download started.
    const auto effective = EffectivePops(policy);
    const double ttl = scenario_->dns.ttl_s;
    std::size_t checked = 0, followed = 0;
    for (const auto* d : runs_.at(policy).metrics.SamplesNamed(metric::kDownloadMs)) {
      const std::string& group = d->Label(metric::kLabelGroup);
      const double start = ToSeconds(d->at) - d->value / 1000.0;
      const auto& series = effective.at(group);
      std::set<std::string> answered;
      for (auto it = series.lower_bound(start - ttl - 2); it != series.end() && it->first <= start + 1; ++it) {
        answered.insert(it->second);
      }
      ++checked;
      followed += answered.count(d->Label(metric::kLabelPop));
    }
    ASSERT_GT(checked, 100u) << policy;
    EXPECT_EQ(followed, checked) << policy;
  }
}

}  // namespace
}  // namespace cdnlab
