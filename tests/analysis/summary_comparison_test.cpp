#include "analysis/summary_comparison.h"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cdnlab {
namespace {

using json = nlohmann::ordered_json;

json Baseline() {
  return json::parse(R"({
    "scenario": {"name": "small", "source": "/a/small.yaml", "seed": 7, "duration_s": 60.0},
    "routing": {
      "probe": {"policy": "probe", "regret_ms": {"p50": 0.0, "p95": 20.0, "mean": 4.0, "samples": 200},
                "downloads_failed": 0.0, "flaps": {"changes": 1, "max_group": "g-paris"},
                "rum": {"page_views": 10, "beacons_by_verdict": {}},
                "events": [{"at_s": 30.0, "settle_s": 14.0, "remapped_groups": 1}]}
    },
    "streaming": {"offload_pct": {"edge": 90.0}, "stall_ratio": 0.02,
                  "failures": [{"within_bound": true}]},
    "federation": {"commands": [{"id": "purge", "status": "complete", "completion_ms": 100.0,
                                 "acknowledged_servers": {"count": 8, "ids": ["a", "b"]}}],
                   "completion_ms": {"p50": 100.0}}
  })");
}

const MetricComparison& Find(const ComparisonReport& r, const std::string& path) {
  for (const auto& m : r.metrics) {
    if (m.path == path) return m;
  }
  throw std::runtime_error("no metric " + path);
}

ComparisonReport CompareWith(const std::string& json_pointer, const json& value, const ComparisonOptions& o = {}) {
  json run = Baseline();
  run[json::json_pointer(json_pointer)] = value;
  return CompareSummaries(Baseline(), run, o);
}

ComparisonOptions Relative(double fraction) {
  ComparisonOptions o;
  o.tolerance.relative = fraction;
  return o;
}

TEST(SummaryComparison, FlattensToDottedPathsWithIdsForArraysOfIdentifiedObjects) {
  const FlatSummary flat = FlattenSummary(Baseline());
  auto has = [&](const std::string& path) {
    for (const auto& [p, v] : flat) {
      if (p == path) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("routing.probe.regret_ms.p95"));
  EXPECT_TRUE(has("routing.probe.events[0].settle_s"));
  EXPECT_TRUE(has("federation.commands[purge].completion_ms"));
  EXPECT_TRUE(has("federation.commands[purge].acknowledged_servers.ids[1]"));
  EXPECT_TRUE(has("streaming.failures[0].within_bound"));
  EXPECT_FALSE(has("routing.probe.rum.beacons_by_verdict"));  // empty object: no leaves
}

TEST(SummaryComparison, IdenticalDocumentsPass) {
  const auto r = CompareSummaries(Baseline(), Baseline(), {});
  EXPECT_FALSE(r.Failed());
  EXPECT_EQ(r.Count(Verdict::kWorse), 0u);
  EXPECT_EQ(r.Count(Verdict::kMissing), 0u);
  EXPECT_GT(r.Count(Verdict::kUnchanged), 5u);
}

TEST(SummaryComparison, WorseBeyondToleranceFails) {
  const auto r = CompareWith("/routing/probe/regret_ms/p95", 30.0, Relative(0.05));  // +50%
  const auto& m = Find(r, "routing.probe.regret_ms.p95");
  EXPECT_EQ(m.verdict, Verdict::kWorse);
  EXPECT_DOUBLE_EQ(m.allowed, 1.0);  // 5% of 20
  EXPECT_TRUE(r.Failed());
}

TEST(SummaryComparison, WorseWithinTolerancePasses) {
  const auto r = CompareWith("/routing/probe/regret_ms/p95", 20.9, Relative(0.05));
  EXPECT_EQ(Find(r, "routing.probe.regret_ms.p95").verdict, Verdict::kWorseWithinTolerance);
  EXPECT_FALSE(r.Failed());
  // Exactly at the limit still passes.
  EXPECT_FALSE(CompareWith("/routing/probe/regret_ms/p95", 21.0, Relative(0.05)).Failed());
}

TEST(SummaryComparison, ZeroToleranceFailsOnAnyWorseningButIgnoresRounding) {
  EXPECT_TRUE(CompareWith("/routing/probe/regret_ms/p95", 20.001, {}).Failed());
  EXPECT_FALSE(CompareWith("/routing/probe/regret_ms/p95", 20.0 + 1e-12, {}).Failed());
}

TEST(SummaryComparison, ImprovementPasses) {
  const auto r = CompareWith("/routing/probe/regret_ms/p95", 5.0, {});
  EXPECT_EQ(Find(r, "routing.probe.regret_ms.p95").verdict, Verdict::kImproved);
  EXPECT_FALSE(r.Failed());
  const auto higher = CompareWith("/streaming/offload_pct/edge", 95.0, {});
  EXPECT_EQ(Find(higher, "streaming.offload_pct.edge").verdict, Verdict::kImproved);
  EXPECT_FALSE(higher.Failed());
}

TEST(SummaryComparison, MissingMetricFailsAndNewMetricIsReported) {
  json run = Baseline();
  run["routing"]["probe"]["regret_ms"].erase("p95");
  run["routing"]["probe"]["brand_new_ms"] = 3.0;
  const auto r = CompareSummaries(Baseline(), run, Relative(0.5));
  EXPECT_EQ(Find(r, "routing.probe.regret_ms.p95").verdict, Verdict::kMissing);
  EXPECT_EQ(Find(r, "routing.probe.brand_new_ms").verdict, Verdict::kNew);
  EXPECT_TRUE(r.Failed());
  EXPECT_EQ(r.Count(Verdict::kMissing), 1u);
  EXPECT_EQ(r.Count(Verdict::kNew), 1u);

  // A whole routing policy gone: every one of its leaves is missing.
  json no_policy = Baseline();
  no_policy["routing"].erase("probe");
  EXPECT_GT(CompareSummaries(Baseline(), no_policy, {}).Count(Verdict::kMissing), 5u);
}

TEST(SummaryComparison, DirectionRules) {
  EXPECT_EQ(DirectionForMetric("routing.probe.regret_ms.p95"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(DirectionForMetric("routing.probe.regret_public_resolver_users_ms.p50"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(DirectionForMetric("streaming.startup_delay_ms.p95"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(DirectionForMetric("federation.completion_ms.p50"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(DirectionForMetric("federation.commands[purge].completion_ms"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(DirectionForMetric("streaming.stall_ratio"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(DirectionForMetric("routing.probe.downloads_failed"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(DirectionForMetric("federation.retries"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(DirectionForMetric("federation.messages_sent"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(DirectionForMetric("routing.probe.flaps.per_group_per_hour"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(DirectionForMetric("routing.probe.overload.peak_ratio"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(DirectionForMetric("federation.wrongly_targeted_total"), MetricDirection::kLowerIsBetter);

  EXPECT_EQ(DirectionForMetric("streaming.offload_pct.edge"), MetricDirection::kHigherIsBetter);
  EXPECT_EQ(DirectionForMetric("streaming.hit_ratio"), MetricDirection::kHigherIsBetter);
  EXPECT_EQ(DirectionForMetric("federation.commands[purge].acknowledged_servers.count"),
            MetricDirection::kHigherIsBetter);
  EXPECT_EQ(DirectionForMetric("agreement.same_choice_ratio"), MetricDirection::kHigherIsBetter);

  EXPECT_EQ(DirectionForMetric("scenario.name"), MetricDirection::kMustEqual);
  EXPECT_EQ(DirectionForMetric("routing.probe.policy"), MetricDirection::kMustEqual);
  EXPECT_EQ(DirectionForMetric("routing.probe.scope_aggregation"), MetricDirection::kMustEqual);
  EXPECT_EQ(DirectionForMetric("routing.probe.resolver_mapped_policy"), MetricDirection::kMustEqual);
  EXPECT_EQ(DirectionForMetric("routing.probe.ecs_query_rate_over_resolver"), MetricDirection::kLowerIsBetter);

  // Sample counts, inputs and unknown metrics are never judged.
  EXPECT_EQ(DirectionForMetric("routing.probe.regret_ms.samples"), MetricDirection::kNotCompared);
  EXPECT_EQ(DirectionForMetric("routing.probe.events[0].at_s"), MetricDirection::kNotCompared);
  EXPECT_EQ(DirectionForMetric("scenario.source"), MetricDirection::kNotCompared);
  EXPECT_EQ(DirectionForMetric("routing.probe.rum.page_views"), MetricDirection::kNotCompared);
  EXPECT_EQ(DirectionForMetric("something.entirely.unknown"), MetricDirection::kNotCompared);
}

TEST(SummaryComparison, HigherIsBetterFailsWhenItDrops) {
  const auto r = CompareWith("/streaming/offload_pct/edge", 80.0, Relative(0.05));
  EXPECT_EQ(Find(r, "streaming.offload_pct.edge").verdict, Verdict::kWorse);
  const auto acked = CompareWith("/federation/commands/0/acknowledged_servers/count", 7, {});
  EXPECT_EQ(Find(acked, "federation.commands[purge].acknowledged_servers.count").verdict, Verdict::kWorse);
}

TEST(SummaryComparison, UnknownMetricsAreNotComparedNeverJudged) {
  const auto r = CompareWith("/routing/probe/rum/page_views", 1000, {});
  EXPECT_EQ(Find(r, "routing.probe.rum.page_views").verdict, Verdict::kNotCompared);
  EXPECT_FALSE(r.Failed());
  // A sample count changing is not judged either.
  EXPECT_FALSE(CompareWith("/routing/probe/regret_ms/samples", 3, {}).Failed());
  // Non-numeric values under a direction are ignored (flaps.max_group is a group id).
  EXPECT_FALSE(CompareWith("/routing/probe/flaps/max_group", "g-lyon", {}).Failed());
  EXPECT_FALSE(CompareWith("/scenario/source", "/elsewhere/small.yaml", {}).Failed());
}

TEST(SummaryComparison, IdentitiesMustBeEqual) {
  const auto r = CompareWith("/scenario/name", "other", Relative(1.0));
  EXPECT_EQ(Find(r, "scenario.name").verdict, Verdict::kIdentityDiffers);
  EXPECT_TRUE(r.Failed());
  EXPECT_TRUE(CompareWith("/scenario/seed", 8, Relative(1.0)).Failed());
  EXPECT_TRUE(CompareWith("/federation/commands/0/status", "failed", Relative(1.0)).Failed());
}

TEST(SummaryComparison, NumberTurnedNullFails) {
  const auto r = CompareWith("/federation/completion_ms/p50", nullptr, Relative(1.0));
  EXPECT_EQ(Find(r, "federation.completion_ms.p50").verdict, Verdict::kTypeChanged);
  EXPECT_TRUE(r.Failed());
}

TEST(SummaryComparison, BooleanGoingTheWrongWayFailsWhateverTheTolerance) {
  ComparisonOptions loose;
  loose.tolerance = {10.0, 10.0};
  const auto r = CompareWith("/streaming/failures/0/within_bound", false, loose);
  EXPECT_EQ(Find(r, "streaming.failures[0].within_bound").verdict, Verdict::kWorse);
}

TEST(SummaryComparison, AbsoluteToleranceCoversMetricsNearZero) {
  // regret p50 is 0: 5% of 0 allows nothing, the absolute tolerance allows 0.5 ms.
  EXPECT_TRUE(CompareWith("/routing/probe/regret_ms/p50", 0.3, Relative(0.05)).Failed());
  ComparisonOptions o = Relative(0.05);
  o.tolerance.absolute = 0.5;
  EXPECT_FALSE(CompareWith("/routing/probe/regret_ms/p50", 0.3, o).Failed());
  EXPECT_TRUE(CompareWith("/routing/probe/regret_ms/p50", 0.6, o).Failed());
  // The larger of the two applies: 5% of 20 = 1 ms beats 0.5 ms.
  EXPECT_FALSE(CompareWith("/routing/probe/regret_ms/p95", 20.9, o).Failed());
}

TEST(SummaryComparison, PerMetricOverrideByGlob) {
  ComparisonOptions o = Relative(0.05);
  o.overrides.push_back(ParseToleranceOverride("routing.*.regret_ms.*=60%"));
  EXPECT_FALSE(CompareWith("/routing/probe/regret_ms/p95", 30.0, o).Failed());  // +50% < 60%
  EXPECT_TRUE(CompareWith("/federation/completion_ms/p50", 150.0, o).Failed());  // not matched: 5%
  // An absolute override leaves the relative tolerance alone; the last match wins.
  o.overrides.push_back(ParseToleranceOverride("*.regret_ms.p95=10%"));
  EXPECT_TRUE(CompareWith("/routing/probe/regret_ms/p95", 30.0, o).Failed());
  const Tolerance t = ToleranceFor("routing.probe.regret_ms.p95", o);
  EXPECT_DOUBLE_EQ(t.relative, 0.10);
  ComparisonOptions a;
  a.overrides.push_back(ParseToleranceOverride("*stall_ratio=0.01"));
  EXPECT_FALSE(CompareWith("/streaming/stall_ratio", 0.029, a).Failed());
  EXPECT_TRUE(CompareWith("/streaming/stall_ratio", 0.031, a).Failed());
}

TEST(SummaryComparison, GlobMatch) {
  EXPECT_TRUE(GlobMatch("routing.*.regret_ms.p95", "routing.probe-ttl300.regret_ms.p95"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("a?c", "abc"));
  EXPECT_TRUE(GlobMatch("federation.commands[*].status", "federation.commands[purge-x].status"));
  EXPECT_FALSE(GlobMatch("federation.commands[*].status", "federation.commandsX-purge].status"));
  EXPECT_FALSE(GlobMatch("*.p95", "routing.probe.regret_ms.p50"));
  EXPECT_TRUE(GlobMatch("*regret*", "routing.probe.regret_ms.p50"));
}

TEST(SummaryComparison, ParsesToleranceText) {
  EXPECT_DOUBLE_EQ(ParseRelativeTolerance("5%"), 0.05);
  EXPECT_DOUBLE_EQ(ParseRelativeTolerance("0.5%"), 0.005);
  EXPECT_DOUBLE_EQ(ParseAbsoluteTolerance("0.5"), 0.5);
  const auto o = ParseToleranceOverride("routing.*.regret_ms.*=10%");
  EXPECT_EQ(o.pattern, "routing.*.regret_ms.*");
  ASSERT_TRUE(o.relative.has_value());
  EXPECT_DOUBLE_EQ(*o.relative, 0.10);
  EXPECT_FALSE(o.absolute.has_value());
  const auto a = ParseToleranceOverride("*_ratio=0.001");
  ASSERT_TRUE(a.absolute.has_value());
  EXPECT_DOUBLE_EQ(*a.absolute, 0.001);
}

TEST(SummaryComparison, RejectsBadToleranceText) {
  for (const char* bad : {"5", "", "%", "abc%", "-5%", "5%%", "nan%", "inf%", "5 %x"}) {
    EXPECT_THROW(ParseRelativeTolerance(bad), std::invalid_argument) << bad;
  }
  for (const char* bad : {"", "5%", "x", "-1", "0.5ms", "inf"}) {
    EXPECT_THROW(ParseAbsoluteTolerance(bad), std::invalid_argument) << bad;
  }
  for (const char* bad : {"noequals", "=5%", "pattern=", "pattern=fast", "p=-3%"}) {
    EXPECT_THROW(ParseToleranceOverride(bad), std::invalid_argument) << bad;
  }
  try {
    ParseRelativeTolerance("five%");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'five%'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cdnlab
