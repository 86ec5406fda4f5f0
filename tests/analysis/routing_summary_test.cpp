#include "analysis/routing_summary.h"

#include <gtest/gtest.h>

#include "analysis/routing_table.h"
#include "analysis/summary_json.h"
#include "models/routing/routing_metric_names.h"

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
  EXPECT_NE(table.find("regret p50"), std::string::npos);
}

}  // namespace
}  // namespace cdnlab
