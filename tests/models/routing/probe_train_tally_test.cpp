#include "models/routing/probe_train_tally.h"

#include <gtest/gtest.h>

namespace cdnlab {
namespace {

TEST(ProbeTrainTally, MedianLossAndBytes) {
  ProbeTrainTally t(4);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(t.RecordSent(64), i);
  EXPECT_TRUE(t.AllSent());
  EXPECT_TRUE(t.RecordReply(2, 30, 64));
  EXPECT_TRUE(t.RecordReply(0, 10, 64));
  EXPECT_FALSE(t.RecordReply(0, 11, 64)) << "duplicate";
  EXPECT_FALSE(t.RecordReply(7, 11, 64)) << "never sent";
  EXPECT_TRUE(t.RecordReply(1, 50, 64));
  EXPECT_FALSE(t.AllAnswered());
  const ProbeOutcome o = t.Outcome(2, 5, std::chrono::seconds(3));
  EXPECT_EQ(o.pop, 2u);
  EXPECT_EQ(o.group, 5u);
  EXPECT_EQ(o.finished_at, std::chrono::seconds(3));
  EXPECT_EQ(o.rtt_ms, std::optional<double>(30));
  EXPECT_DOUBLE_EQ(o.loss, 0.25);
  EXPECT_EQ(o.bytes_sent, 256u);
  EXPECT_EQ(o.bytes_received, 192u);
  EXPECT_TRUE(t.RecordReply(3, 20, 64));
  EXPECT_TRUE(t.AllAnswered());
  EXPECT_EQ(t.Outcome(0, 0, {}).rtt_ms, std::optional<double>(25)) << "even count: mean of the middle two";
}

TEST(ProbeTrainTally, NothingAnsweredHasNoRtt) {
  ProbeTrainTally t(2);
  t.RecordSent(10);
  t.RecordSent(10);
  EXPECT_FALSE(t.Outcome(0, 0, {}).rtt_ms.has_value());
  EXPECT_DOUBLE_EQ(t.Outcome(0, 0, {}).loss, 1.0);
  EXPECT_DOUBLE_EQ(ProbeTrainTally(0).Outcome(0, 0, {}).loss, 0.0);
}

}  // namespace
}  // namespace cdnlab
