// Sweep aggregation (issue 7): per grid point and metric n, mean, sample stddev, 95% Student-t
// confidence interval, min, max; the files must not depend on the order runs finished in.
#include "analysis/sweep_aggregate.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace cdnlab {
namespace {

using json = nlohmann::ordered_json;

TEST(SweepAggregateTest, StudentTCriticalValuesMatchTables) {
  EXPECT_NEAR(StudentT95(1), 12.7062047, 1e-6);
  EXPECT_NEAR(StudentT95(3), 3.1824463, 1e-6);
  EXPECT_NEAR(StudentT95(10), 2.2281389, 1e-6);
  EXPECT_NEAR(StudentT95(100000), 1.95998, 1e-4);
  EXPECT_THROW(StudentT95(0), std::invalid_argument);
}

TEST(SweepAggregateTest, MeanStddevAndConfidenceInterval) {
  const SweepMetricStats s = SummarizeSample("m", {1, 2, 3, 4});
  EXPECT_EQ(s.n, 4u);
  EXPECT_DOUBLE_EQ(s.mean, 2.5);
  ASSERT_TRUE(s.stddev);
  EXPECT_NEAR(*s.stddev, 1.2909944, 1e-7);  // sqrt(5/3)
  ASSERT_TRUE(s.ci95);
  EXPECT_NEAR(*s.ci95, 3.1824463 * 1.2909944 / 2, 1e-6);
  EXPECT_DOUBLE_EQ(s.min, 1);
  EXPECT_DOUBLE_EQ(s.max, 4);

  const SweepMetricStats two = SummarizeSample("m", {2, 4});
  EXPECT_NEAR(*two.ci95, 12.7062047, 1e-6);  // t(1) * sqrt(2) / sqrt(2)

  const SweepMetricStats same = SummarizeSample("m", {5, 5, 5});
  EXPECT_DOUBLE_EQ(*same.stddev, 0);
  EXPECT_DOUBLE_EQ(*same.ci95, 0);
}

TEST(SweepAggregateTest, OneRunGivesNoStddevAndNoInterval) {
  const SweepMetricStats s = SummarizeSample("m", {7});
  EXPECT_EQ(s.n, 1u);
  EXPECT_DOUBLE_EQ(s.mean, 7);
  EXPECT_FALSE(s.stddev);
  EXPECT_FALSE(s.ci95);
  EXPECT_THROW(SummarizeSample("m", {}), std::invalid_argument);
}

SweepRunOutcome MakeRun(const std::string& id, std::size_t point, std::uint64_t seed, double regret, double queries) {
  SweepRunOutcome r;
  r.id = id;
  r.point = point;
  r.seed = seed;
  r.summary = FlattenSummary(json{{"scenario", {{"name", "s"}, {"seed", seed}, {"duration_s", 60.0}}},
                                  {"routing",
                                   {{"probe",
                                     {{"policy", "probe"},
                                      {"regret_ms", {{"mean", regret}}},
                                      {"dns_queries_per_min", queries},
                                      {"converged", true}}}}}});
  return r;
}

std::vector<SweepPointInfo> Points() {
  return {{"dns.ttl_s=10", {{"dns.ttl_s", "10"}}}, {"dns.ttl_s=60", {{"dns.ttl_s", "60"}}}};
}

std::vector<SweepRunOutcome> Runs() {
  std::vector<SweepRunOutcome> runs = {
      MakeRun("r001-dns.ttl_s=10-seed1", 0, 1, 1, 30), MakeRun("r002-dns.ttl_s=10-seed2", 0, 2, 3, 30),
      MakeRun("r003-dns.ttl_s=60-seed1", 1, 1, 10, 6), MakeRun("r004-dns.ttl_s=60-seed2", 1, 2, 0, 5)};
  runs[3].failure = "exit status 1";
  runs[3].summary.clear();
  return runs;
}

const SweepMetricStats& Metric(const SweepPointStats& p, const std::string& path) {
  for (const auto& m : p.metrics) {
    if (m.metric == path) return m;
  }
  throw std::runtime_error("no metric " + path);
}

TEST(SweepAggregateTest, GroupsRunsByPointAndSkipsFailedRuns) {
  const SweepAggregate a = AggregateSweep({"dns.ttl_s"}, Points(), Runs(), {});
  ASSERT_EQ(a.points.size(), 2u);
  const auto& ttl10 = a.points[0];
  EXPECT_EQ(ttl10.runs, (std::vector<std::string>{"r001-dns.ttl_s=10-seed1", "r002-dns.ttl_s=10-seed2"}));
  // Default selection: every numeric metric except the run identity; strings and booleans never.
  ASSERT_EQ(ttl10.metrics.size(), 2u);
  EXPECT_EQ(ttl10.metrics[0].metric, "routing.probe.regret_ms.mean");
  EXPECT_EQ(ttl10.metrics[1].metric, "routing.probe.dns_queries_per_min");
  EXPECT_DOUBLE_EQ(Metric(ttl10, "routing.probe.regret_ms.mean").mean, 2);
  EXPECT_EQ(Metric(ttl10, "routing.probe.regret_ms.mean").n, 2u);

  const auto& ttl60 = a.points[1];
  EXPECT_EQ(ttl60.failed_runs, (std::vector<std::string>{"r004-dns.ttl_s=60-seed2"}));
  const auto& q = Metric(ttl60, "routing.probe.dns_queries_per_min");
  EXPECT_EQ(q.n, 1u);
  EXPECT_DOUBLE_EQ(q.mean, 6);
  EXPECT_FALSE(q.ci95);
}

TEST(SweepAggregateTest, MetricGlobsSelect) {
  const SweepAggregate a = AggregateSweep({"dns.ttl_s"}, Points(), Runs(), {"routing.*.regret_ms.*", "scenario.seed"});
  ASSERT_EQ(a.points[0].metrics.size(), 2u);
  EXPECT_EQ(a.points[0].metrics[0].metric, "scenario.seed");
  EXPECT_EQ(a.points[0].metrics[1].metric, "routing.probe.regret_ms.mean");
  EXPECT_FALSE(SweepMetricSelected("routing.probe.converged", json(true), {"routing.*"}));
  EXPECT_FALSE(SweepMetricSelected("routing.probe.policy", json("probe"), {}));
  EXPECT_FALSE(SweepMetricSelected("scenario.duration_s", json(60.0), {}));
  EXPECT_TRUE(SweepMetricSelected("routing.probe.flaps.changes", json(2), {}));
}

TEST(SweepAggregateTest, CsvHasOneRowPerPointAndMetric) {
  const SweepAggregate a = AggregateSweep({"dns.ttl_s"}, Points(), Runs(), {});
  // {1, 3}: stddev sqrt(2), ci95 t(1) * sqrt(2) / sqrt(2); numbers in shortest round-trip form.
  const double ci = *Metric(a.points[0], "routing.probe.regret_ms.mean").ci95;
  EXPECT_NEAR(ci, 12.7062047, 1e-6);
  EXPECT_EQ(SweepCsv(a), fmt::format("point,dns.ttl_s,metric,n,mean,stddev,ci95,min,max\n"
                                     "dns.ttl_s=10,10,routing.probe.regret_ms.mean,2,2,1.4142135623730951,{},1,3\n"
                                     "dns.ttl_s=10,10,routing.probe.dns_queries_per_min,2,30,0,0,30,30\n"
                                     "dns.ttl_s=60,60,routing.probe.regret_ms.mean,1,10,,,10,10\n"
                                     "dns.ttl_s=60,60,routing.probe.dns_queries_per_min,1,6,,,6,6\n",
                                     ci));
}

TEST(SweepAggregateTest, FilesDoNotDependOnRunOrder) {
  std::vector<SweepRunOutcome> shuffled = Runs();
  std::reverse(shuffled.begin(), shuffled.end());
  std::swap(shuffled[0], shuffled[2]);
  const SweepAggregate in_order = AggregateSweep({"dns.ttl_s"}, Points(), Runs(), {});
  const SweepAggregate reordered = AggregateSweep({"dns.ttl_s"}, Points(), shuffled, {});
  EXPECT_EQ(SweepCsv(in_order), SweepCsv(reordered));
  EXPECT_EQ(SweepJson(in_order).dump(), SweepJson(reordered).dump());
  EXPECT_EQ(FormatSweepTable(in_order), FormatSweepTable(reordered));
}

TEST(SweepAggregateTest, JsonAndTable) {
  const SweepAggregate a = AggregateSweep({"dns.ttl_s"}, Points(), Runs(), {});
  const json j = SweepJson(a);
  EXPECT_EQ(j["parameters"], json::array({"dns.ttl_s"}));
  EXPECT_EQ(j["points"][1]["parameters"]["dns.ttl_s"], "60");
  EXPECT_EQ(j["points"][1]["metrics"]["routing.probe.regret_ms.mean"]["ci95"], nullptr);
  EXPECT_EQ(j["points"][0]["metrics"]["routing.probe.regret_ms.mean"]["n"], 2);
  EXPECT_EQ(j["runs"][3]["status"], "failed");
  const std::string table = FormatSweepTable(a);
  EXPECT_NE(table.find("dns.ttl_s=60 (1 run, 1 failed)"), std::string::npos) << table;
  EXPECT_NE(table.find("routing.probe.regret_ms.mean"), std::string::npos);
}

TEST(SweepAggregateTest, CsvQuotesFieldsWithCommas) {
  const std::vector<SweepPointInfo> points = {{"a=1,b=x", {{"a", "1"}, {"b", "x,y"}}}};
  SweepRunOutcome r = MakeRun("r001", 0, 1, 1, 1);
  const std::string csv = SweepCsv(AggregateSweep({"a", "b"}, points, {r}, {"routing.probe.regret_ms.mean"}));
  EXPECT_EQ(
      csv,
      "point,a,b,metric,n,mean,stddev,ci95,min,max\n\"a=1,b=x\",1,\"x,y\",routing.probe.regret_ms.mean,1,1,,,1,1\n");
}

}  // namespace
}  // namespace cdnlab
