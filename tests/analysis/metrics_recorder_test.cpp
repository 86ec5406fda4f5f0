// MetricsRecorder interns names and label sets; a caller's labels object is remembered by its
// address, which must never hand back another label set when the object's contents change.
#include "analysis/metrics_recorder.h"

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

TEST(MetricsRecorder, LabelsReusedAtOneAddressFollowTheirContents) {
  MetricsRecorder m;
  MetricLabels labels{{"viewer", "v-1"}, {"edge", "e1"}};
  m.Sample("latency_ms", SimTime(1), 10, labels);
  m.Sample("latency_ms", SimTime(2), 11, labels);
  labels[0].second = "v-2";  // the same object, other contents
  m.Sample("latency_ms", SimTime(3), 12, labels);
  m.Sample("stall_ms", SimTime(4), 13, labels);
  labels[0].second = "v-1";  // back: the first interned set again
  m.Sample("latency_ms", SimTime(5), 14, labels);

  const auto& s = m.Samples();
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[0].Label("viewer"), "v-1");
  EXPECT_EQ(s[1].Label("viewer"), "v-1");
  EXPECT_EQ(s[2].Label("viewer"), "v-2");
  EXPECT_EQ(s[3].Label("viewer"), "v-2");
  EXPECT_EQ(s[4].Label("viewer"), "v-1");
  EXPECT_EQ(&s[0].Labels(), &s[1].Labels());  // interned once
  EXPECT_EQ(&s[0].Labels(), &s[4].Labels());
  EXPECT_NE(&s[0].Labels(), &s[2].Labels());
  EXPECT_EQ(s[2].Name(), "latency_ms");
  EXPECT_EQ(s[3].Name(), "stall_ms");
  EXPECT_EQ(s[4].Name(), "latency_ms");
  EXPECT_EQ(m.SamplesNamed("latency_ms").size(), 4u);
}

TEST(MetricsRecorder, ACopyInternsOnItsOwn) {
  MetricsRecorder m;
  const MetricLabels labels{{"edge", "e1"}};
  m.Sample("latency_ms", SimTime(1), 1, labels);
  MetricsRecorder copy = m;
  copy.Sample("latency_ms", SimTime(2), 2, labels);
  EXPECT_EQ(copy.Samples().back().Name(), "latency_ms");
  EXPECT_EQ(copy.Samples().back().Label("edge"), "e1");
  EXPECT_EQ(m.Samples().size(), 1u);
}

}  // namespace
}  // namespace cdnlab
