#include "analysis/routing_summary.h"

#include <cmath>

#include <gtest/gtest.h>

#include "analysis/routing_table.h"
#include "analysis/summary_json.h"
#include "models/routing/metric_names.h"

namespace cdnlab {
namespace {

using std::chrono::seconds;

MetricLabels Labels(const std::string& group, const std::string& pop) {
  return {{metric::kLabelGroup, group}, {metric::kLabelPop, pop}};
}

class RoutingSummaryTest : public ::testing::Test {
 protected:
  RoutingSummaryTest()
      : builder_({{"big", 900}, {"small", 100}},
                 {EventWindow{100, 200, "link degrades"}, EventWindow{200, 300, "pop fails"}}) {}

  RoutingSummaryBuilder builder_;
  MetricsRecorder recorder_;
};

TEST_F(RoutingSummaryTest, RegretIsPopulationWeighted) {
  for (int t = 0; t < 10; ++t) {
    recorder_.Sample(metric::kRegretMs, seconds(t), 0, Labels("big", "a"));
    recorder_.Sample(metric::kRegretMs, seconds(t), 40, Labels("small", "b"));
  }
  const auto s = builder_.Summarize("measured", recorder_);
  EXPECT_EQ(s.policy, "measured");
  EXPECT_EQ(s.regret_ms.p50, 0);
  EXPECT_EQ(s.regret_ms.p95, 40);
  EXPECT_DOUBLE_EQ(s.regret_ms.mean, 4);
  EXPECT_EQ(s.regret_ms.count, 20u);
}

TEST_F(RoutingSummaryTest, CountersAreCopied) {
  recorder_.Count(metric::kMappingUpdates, 3, {});
  recorder_.Count(metric::kMappingRowsChanged, 7, {});
  recorder_.Count(metric::kProbePackets, 100, {});
  recorder_.Count(metric::kProbePackets, 20, {});
  const auto s = builder_.Summarize("geo", recorder_);
  EXPECT_EQ(s.dns_updates, 3);
  EXPECT_EQ(s.dns_update_rows, 7);
  EXPECT_EQ(s.probe_packets, 120);
  EXPECT_EQ(s.probe_bytes, 0);
}

TEST_F(RoutingSummaryTest, SettleTimeIsTheLastChangeInsideEachEventWindow) {
  const MetricLabels change{{metric::kLabelGroup, "big"}, {"from", "a"}, {"to", "b"}};
  const MetricLabels change_small{{metric::kLabelGroup, "small"}, {"from", "b"}, {"to", "a"}};
  recorder_.Sample(metric::kEffectiveChange, seconds(50), 1, change);         // before any event: ignored
  recorder_.Sample(metric::kEffectiveChange, seconds(112), 1, change);        // event 0
  recorder_.Sample(metric::kEffectiveChange, seconds(131), 1, change_small);  // event 0, last
  recorder_.Sample(metric::kEffectiveChange, seconds(200), 1, change);        // event 1 at its start
  const auto s = builder_.Summarize("measured", recorder_);
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_DOUBLE_EQ(s.events[0].settle_s, 31);
  EXPECT_EQ(s.events[0].remapped_groups, 2u);
  EXPECT_DOUBLE_EQ(s.events[1].settle_s, 0);
  EXPECT_EQ(s.events[1].remapped_groups, 1u);
  EXPECT_EQ(s.events[1].description, "pop fails");
}

TEST_F(RoutingSummaryTest, UnknownGroupIsAnError) {
  recorder_.Sample(metric::kRegretMs, seconds(1), 5, Labels("nobody", "a"));
  EXPECT_THROW(builder_.Summarize("geo", recorder_), std::logic_error);
}

TEST_F(RoutingSummaryTest, JsonHasTheDocumentedKeysAndNullForMissingData) {
  recorder_.Sample(metric::kRegretMs, seconds(1), 2.00049, Labels("big", "a"));
  const auto s = builder_.Summarize("measured", recorder_);
  const auto j = RoutingSummaryJson(RunInfo{"demo", "demo.yaml", 7, 300}, {s});
  EXPECT_EQ(j["scenario"]["seed"], 7);
  EXPECT_DOUBLE_EQ(j["routing"]["measured"]["regret_ms"]["p50"].get<double>(), 2.0);
  EXPECT_TRUE(j["routing"]["measured"]["download_ms"]["p50"].is_null());
  EXPECT_EQ(j["routing"]["measured"]["events"].size(), 2u);
  EXPECT_TRUE(j["routing"]["measured"]["events"][0].contains("settle_s"));
  EXPECT_TRUE(j["routing"]["measured"].contains("dns_updates"));
  EXPECT_TRUE(j["routing"]["measured"].contains("probe_packets"));
  // Same input, same bytes.
  EXPECT_EQ(j.dump(2), RoutingSummaryJson(RunInfo{"demo", "demo.yaml", 7, 300}, {s}).dump(2));
}

TEST_F(RoutingSummaryTest, TableListsEveryPolicy) {
  const auto a = builder_.Summarize("measured", recorder_);
  const auto b = builder_.Summarize("geo", recorder_);
  const std::string table = FormatRoutingTable({a, b});
  EXPECT_NE(table.find("measured"), std::string::npos);
  EXPECT_NE(table.find("geo"), std::string::npos);
  EXPECT_NE(table.find("rgt50"), std::string::npos);
  EXPECT_EQ(table.find("pub50"), std::string::npos) << "no public resolvers, no split columns";
  EXPECT_NE(table.find("settle time / remapped groups per timeline event"), std::string::npos);
}

// A scenario of four groups, one behind a public resolver, evaluated from 60 s to 3660 s:
// exactly one hour after the warm-up, so rates per hour are plain counts.
class RoutingRatesTest : public ::testing::Test {
 protected:
  static RoutingSummaryContext Context() {
    RoutingSummaryContext c;
    c.population_by_group = {{"a", 100}, {"b", 100}, {"c", 100}, {"far", 100}};
    c.public_resolver_groups = {"far"};
    c.warmup_s = 60;
    c.duration_s = 3660;  // 61 minutes
    return c;
  }

  void Change(double at_s, const std::string& group) {
    recorder_.Sample(metric::kEffectiveChange, std::chrono::duration_cast<Duration>(std::chrono::duration<double>(at_s)),
                     1, {{metric::kLabelGroup, group}, {"from", "x"}, {"to", "y"}});
  }

  RoutingSummaryBuilder builder_{Context()};
  MetricsRecorder recorder_;
};

TEST_F(RoutingRatesTest, FlapsCountOnlyAfterTheWarmUpPerGroupPerHour) {
  Change(30, "a");    // warm-up: not a flap
  Change(60, "a");    // the warm-up's end counts
  Change(100, "a");
  Change(200, "a");
  Change(300, "b");
  const auto s = builder_.Summarize("probe", recorder_);
  EXPECT_EQ(s.flaps.changes, 4u);
  EXPECT_DOUBLE_EQ(s.flaps.per_group_per_hour, 1.0) << "4 changes / 4 groups / 1 h";
  EXPECT_DOUBLE_EQ(s.flaps.max_group_per_hour, 3.0);
  EXPECT_EQ(s.flaps.max_group, "a");
}

TEST_F(RoutingRatesTest, NoChangesIsZeroFlapsAndNoWorstGroup) {
  const auto s = builder_.Summarize("geo", recorder_);
  EXPECT_EQ(s.flaps.changes, 0u);
  EXPECT_EQ(s.flaps.per_group_per_hour, 0);
  EXPECT_EQ(s.flaps.max_group, "");
}

TEST_F(RoutingRatesTest, AChangeOfAnUnknownGroupIsAWiringBug) {
  Change(100, "nobody");
  EXPECT_THROW(builder_.Summarize("geo", recorder_), std::logic_error);
}

TEST_F(RoutingRatesTest, DnsQueriesAndOverheadArePerMinuteOfTheWholeRun) {
  recorder_.Count(metric::kProbePackets, 2440, {});
  recorder_.Count(metric::kProbeBytes, 244000, {});
  recorder_.Count(metric::kRumTestFetches, 100, {});
  recorder_.Count(metric::kRumBytes, 1000000, {});
  RoutingRunTotals totals;
  totals.dns_queries_answered = 6100;
  totals.rum_beacons_sent = 22;
  const auto s = builder_.Summarize("hybrid", recorder_, totals);
  EXPECT_DOUBLE_EQ(s.dns_queries_per_min, 100) << "6100 queries / 61 min";
  EXPECT_DOUBLE_EQ(s.overhead.probe_packets, 2440);
  EXPECT_DOUBLE_EQ(s.overhead.rum_test_fetches, 100);
  EXPECT_DOUBLE_EQ(s.overhead.rum_beacons, 22);
  EXPECT_DOUBLE_EQ(s.overhead.packets_per_group_per_min, (2440.0 + 100 + 22) / 4 / 61);
  EXPECT_DOUBLE_EQ(s.overhead.bytes_per_group_per_min, (244000.0 + 1000000) / 4 / 61);
}

TEST_F(RoutingRatesTest, WithoutADurationRatesAreUnknownNotZero) {
  const RoutingSummaryBuilder legacy({{"a", 1}}, {});
  RoutingRunTotals totals;
  totals.dns_queries_answered = 10;
  const auto s = legacy.Summarize("geo", recorder_, totals);
  EXPECT_TRUE(std::isnan(s.dns_queries_per_min));
  EXPECT_TRUE(std::isnan(s.overhead.packets_per_group_per_min));
  EXPECT_TRUE(std::isnan(s.flaps.per_group_per_hour));
}

TEST_F(RoutingRatesTest, RegretSplitsByTheGroupsResolver) {
  for (int t = 60; t < 70; ++t) {
    for (const char* g : {"a", "b", "c"}) recorder_.Sample(metric::kRegretMs, seconds(t), 1, Labels(g, "p"));
    recorder_.Sample(metric::kRegretMs, seconds(t), 80, Labels("far", "q"));
  }
  const auto s = builder_.Summarize("probe-by-resolver", recorder_);
  ASSERT_TRUE(s.regret_public_ms.has_value());
  ASSERT_TRUE(s.regret_isp_ms.has_value());
  EXPECT_EQ(s.regret_public_ms->p50, 80);
  EXPECT_EQ(s.regret_public_ms->count, 10u);
  EXPECT_EQ(s.regret_isp_ms->p50, 1);
  EXPECT_EQ(s.regret_isp_ms->count, 30u);
  EXPECT_EQ(s.regret_ms.p50, 1);
  EXPECT_EQ(s.regret_ms.p95, 80);
  const auto j = RoutingSummaryJson(RunInfo{"ecs", "ecs.yaml", 1, 3660}, {s});
  EXPECT_EQ(j["routing"]["probe-by-resolver"]["regret_public_resolver_users_ms"]["p50"], 80);
  EXPECT_EQ(j["routing"]["probe-by-resolver"]["regret_isp_resolver_users_ms"]["p50"], 1);
  const std::string table = FormatRoutingTable({s});
  EXPECT_NE(table.find("pub50"), std::string::npos);
  EXPECT_NE(table.find("isp50"), std::string::npos);
}

TEST(RoutingRunTotalsSummary, BeaconsSplitIntoAcceptedAndRejected) {
  const auto r = SummarizeRum(40, {{"accepted", 30}, {"replayed", 2}, {"out_of_range", 1}});
  EXPECT_EQ(r.page_views, 40u);
  EXPECT_EQ(r.beacons_accepted, 30u);
  EXPECT_EQ(r.beacons_rejected, 3u);
}

TEST(RoutingRunTotalsSummary, OverloadIsTheWorstCapacityLimitedPop) {
  std::vector<PopOverload> pops(3);
  pops[0] = {"fra", 100, 80, 0.8, 0, 0};
  pops[1] = {"ams", 50, 75, 1.5, 120, 900};
  pops[2] = {"lon", 100, 110, 1.1, 30, 150};
  const auto o = SummarizeOverload(pops);
  EXPECT_DOUBLE_EQ(o.peak_ratio, 1.5);
  EXPECT_EQ(o.peak_pop, "ams");
  EXPECT_EQ(o.overloaded_pops, 2u);
  EXPECT_DOUBLE_EQ(o.seconds_over, 120);
  EXPECT_DOUBLE_EQ(o.excess_requests, 1050);
  EXPECT_EQ(SummarizeOverload({}).peak_pop, "") << "no PoPs, nothing to report";
}

TEST_F(RoutingRatesTest, JsonCarriesEveryIssue6Number) {
  Change(100, "a");
  RoutingRunTotals totals;
  totals.dns_queries_answered = 61;
  totals.rum_page_views = 5;
  totals.rum_beacons_by_verdict = {{"accepted", 4}, {"stale", 1}};
  totals.pop_overload = {PopOverload{"fra", 10, 12, 1.2, 5, 10}};
  auto s = builder_.Summarize("probe-spill", recorder_, totals);
  s.kind = "probe";
  s.map_by = "client_subnet";
  s.dns_ttl_s = 20;
  const auto j = RoutingSummaryJson(RunInfo{"demo", "demo.yaml", 7, 3660}, {s})["routing"]["probe-spill"];
  EXPECT_EQ(j["policy"], "probe");
  EXPECT_EQ(j["map_by"], "client_subnet");
  EXPECT_EQ(j["dns_ttl_s"], 20);
  EXPECT_EQ(j["dns_queries_per_min"], 1);
  EXPECT_EQ(j["flaps"]["changes"], 1);
  EXPECT_EQ(j["flaps"]["per_group_per_hour"], 0.25);
  EXPECT_EQ(j["flaps"]["max_group_per_hour"], 1);
  EXPECT_TRUE(j["measurement_overhead"].contains("packets_per_group_per_min"));
  EXPECT_TRUE(j["measurement_overhead"].contains("bytes_per_group_per_min"));
  EXPECT_EQ(j["rum"]["beacons_accepted"], 4);
  EXPECT_EQ(j["rum"]["beacons_rejected"], 1);
  EXPECT_EQ(j["rum"]["beacons_by_verdict"]["stale"], 1);
  EXPECT_EQ(j["overload"]["peak_ratio"], 1.2);
  EXPECT_EQ(j["overload"]["pops"]["fra"]["seconds_over"], 5);
  const std::string table = FormatRoutingTable({s});
  EXPECT_NE(table.find("4/1"), std::string::npos) << table;
  EXPECT_NE(table.find("1.20"), std::string::npos) << table;
}

TEST_F(RoutingRatesTest, TableFitsIn120Columns) {
  std::vector<RoutingPolicySummary> rows;
  for (const char* label : {"probe", "probe-ttl300", "probe-budget2", "probe-spill", "probe-dwell", "oracle"}) {
    rows.push_back(builder_.Summarize(label, recorder_));
  }
  rows[0].regret_ms = {12345.6, 12345.6, 0, 1};
  rows[0].download_ms = {123456.7, 123456.7, 0, 1};
  rows[0].dns_queries_per_min = 12345.6;
  rows[0].rum = SummarizeRum(1, {{"accepted", 99999}, {"stale", 999}});
  const std::string table = FormatRoutingTable(rows);
  std::size_t start = 0;
  while (start < table.size()) {
    const auto end = table.find('\n', start);
    EXPECT_LE(end - start, 120u) << table.substr(start, end - start);
    start = end + 1;
  }
}

// Dual-stack groups: regret is sampled per family, so each family's samples count by its share
// of the group's users; the summary splits regret and downloads by family and says so in the table.
TEST(RoutingSummaryFamilies, DualStackGroupsAreWeightedByTheirIpv6ShareAndSplit) {
  RoutingSummaryContext c;
  c.population_by_group = {{"v4only", 100}, {"dual", 100}};
  c.ipv6_share_by_group = {{"dual", 0.75}};
  const RoutingSummaryBuilder builder(c);
  MetricsRecorder recorder;
  const MetricLabels six{{metric::kLabelFamily, metric::kFamilyIpv6}};
  auto regret = [&](const std::string& group, double ms, bool v6) {
    MetricLabels labels{{metric::kLabelGroup, group}, {metric::kLabelPop, "p"}};
    if (v6) labels.push_back(six[0]);
    recorder.Sample(metric::kRegretMs, SimTime{0}, ms, labels);
  };
  regret("v4only", 0, false);
  regret("dual", 40, false);  // its IPv4 users: a quarter of the group
  regret("dual", 8, true);    // its IPv6 users: three quarters
  recorder.Sample(metric::kDownloadMs, SimTime{0}, 100, {{metric::kLabelGroup, "dual"}});
  recorder.Sample(metric::kDownloadMs, SimTime{0}, 50, {{metric::kLabelGroup, "dual"}, six[0]});
  const auto s = builder.Summarize("probe", recorder);
  EXPECT_DOUBLE_EQ(s.regret_ms.mean, (100 * 0 + 25 * 40 + 75 * 8) / 200.0);
  ASSERT_TRUE(s.regret_ipv6_ms && s.regret_ipv4_ms);
  EXPECT_DOUBLE_EQ(s.regret_ipv6_ms->mean, 8);
  EXPECT_EQ(s.regret_ipv6_ms->count, 1u);
  EXPECT_DOUBLE_EQ(s.regret_ipv4_ms->mean, (100 * 0 + 25 * 40) / 125.0);
  ASSERT_TRUE(s.download_ipv6_ms.has_value());
  EXPECT_DOUBLE_EQ(s.download_ipv6_ms->mean, 50);
  EXPECT_DOUBLE_EQ(s.download_ms.mean, 75) << "downloads are one sample each: no share weighting";
  const std::string table = FormatRoutingTable({s});
  EXPECT_NE(table.find("v6rg50"), std::string::npos) << table;

  // An IPv6 sample of a group without IPv6 is a wiring bug.
  MetricsRecorder wrong;
  wrong.Sample(metric::kRegretMs, SimTime{0}, 1, {{metric::kLabelGroup, "v4only"}, six[0]});
  EXPECT_THROW(builder.Summarize("probe", wrong), std::logic_error);
  // Without dual-stack groups: no split, and no columns for it.
  const auto plain = RoutingSummaryBuilder({{"v4only", 1}}, {}).Summarize("geo", MetricsRecorder{});
  EXPECT_FALSE(plain.regret_ipv6_ms.has_value());
  EXPECT_EQ(FormatRoutingTable({plain}).find("v6rg50"), std::string::npos);
}

}  // namespace
}  // namespace cdnlab
