// The RFC 8007 trigger model: names both ways, PatternMatch semantics, loop detection on the
// cdn-path, and the status resource's legal (and illegal) steps.
#include <gtest/gtest.h>

#include "models/federation/pattern_match.h"
#include "models/federation/trigger_command.h"
#include "models/federation/trigger_status_resource.h"

namespace cdnlab {
namespace {

using std::chrono::seconds;

TEST(TriggerNames, RoundTripAndRejectUnknown) {
  for (auto t : {TriggerType::kPreposition, TriggerType::kInvalidate, TriggerType::kPurge, TriggerType::kStatistics}) {
    EXPECT_EQ(ParseTriggerType(ToString(t)), t);
  }
  EXPECT_EQ(ToString(TriggerType::kStatistics), "statistics") << "cdnlab's extension type";
  for (auto s : {TriggerStatus::kPending, TriggerStatus::kActive, TriggerStatus::kComplete, TriggerStatus::kProcessed,
                 TriggerStatus::kFailed, TriggerStatus::kCancelling, TriggerStatus::kCancelled}) {
    EXPECT_EQ(ParseTriggerStatus(ToString(s)), s);
  }
  for (auto e : {TriggerErrorCode::kEmeta, TriggerErrorCode::kEcontent, TriggerErrorCode::kEperm,
                 TriggerErrorCode::kEreject, TriggerErrorCode::kEcdn, TriggerErrorCode::kEcanceled,
                 TriggerErrorCode::kEunsupported}) {
    EXPECT_EQ(ParseTriggerErrorCode(ToString(e)), e);
  }
  EXPECT_EQ(ToString(TriggerStatus::kCancelled), "cancelled");
  EXPECT_EQ(ToString(TriggerErrorCode::kEcanceled), "ecanceled") << "the RFC's spelling";
  EXPECT_FALSE(ParseTriggerType("Purge").has_value()) << "names are exact";
  EXPECT_FALSE(ParseTriggerErrorCode("ecancelled").has_value());
}

TEST(PatternMatch, WildcardsEscapesCaseAndQueryString) {
  const PatternMatch images{"https://cdn.example.com/img/*.jpg"};
  EXPECT_TRUE(images.Matches("https://cdn.example.com/img/a/b/c.jpg"));
  EXPECT_TRUE(images.Matches("https://CDN.example.com/IMG/x.JPG")) << "case-insensitive by default";
  EXPECT_TRUE(images.Matches("https://cdn.example.com/img/x.jpg?v=2")) << "query string ignored by default";
  EXPECT_FALSE(images.Matches("https://cdn.example.com/video/x.jpg"));
  EXPECT_FALSE((PatternMatch{"https://cdn.example.com/img/*.jpg", true}).Matches("https://cdn.example.com/IMG/x.jpg"));
  const PatternMatch with_query{"*/a.js?v=?", false, true};
  EXPECT_TRUE(with_query.Matches("https://x/a.js?v=1"));
  EXPECT_FALSE(with_query.Matches("https://x/a.js?v=12"));
  EXPECT_FALSE(with_query.Matches("https://x/a.js"));
  EXPECT_TRUE((PatternMatch{"*/file\\*name"}).Matches("https://x/file*name"));
  EXPECT_FALSE((PatternMatch{"*/file\\*name"}).Matches("https://x/fileXname")) << "escaped star is literal";
  EXPECT_TRUE((PatternMatch{"*"}).Matches(""));
  EXPECT_FALSE((PatternMatch{"?"}).Matches(""));
  EXPECT_FALSE((PatternMatch{"abc\\"}).WellFormed());
  EXPECT_TRUE((PatternMatch{"abc\\\\"}).WellFormed());
}

TEST(PatternMatch, ManyStarsStayFast) {
  // A pattern that is exponential for naive backtracking; this must finish instantly.
  const PatternMatch evil{"*a*a*a*a*a*a*a*a*a*a*a*a*b"};
  EXPECT_FALSE(evil.Matches(std::string(5000, 'a')));
}

TEST(TriggerCommand, LoopDetectionOnTheCdnPath) {
  TriggerCommand c;
  c.cdn_path = {"AS64496:0", "AS64497:0"};
  EXPECT_TRUE(CdnPathContains(c, "AS64497:0"));
  EXPECT_FALSE(CdnPathContains(c, "AS64498:0"));
  EXPECT_TRUE(TriggerSpec{}.Empty());
}

TEST(TriggerStatusResource, HappyPathSetsTimes) {
  TriggerStatusResource r(TriggerCommand{}, seconds(10));
  EXPECT_EQ(r.Status(), TriggerStatus::kPending);
  EXPECT_EQ(r.CreatedAt(), seconds(10));
  EXPECT_TRUE(r.Activate(seconds(11)));
  EXPECT_FALSE(r.Final());
  EXPECT_FALSE(r.FinishedAt().has_value());
  EXPECT_TRUE(r.Complete(seconds(14)));
  EXPECT_TRUE(r.Final());
  EXPECT_EQ(r.ModifiedAt(), seconds(14));
  EXPECT_EQ(r.FinishedAt(), std::optional<SimTime>(seconds(14)));
  EXPECT_TRUE(r.Errors().empty());
}

TEST(TriggerStatusResource, IllegalStepsChangeNothing) {
  TriggerStatusResource r(TriggerCommand{}, seconds(0));
  EXPECT_FALSE(r.Complete(seconds(1))) << "pending cannot complete without being active";
  EXPECT_FALSE(r.ConfirmCancelled(seconds(1))) << "nothing to confirm";
  EXPECT_FALSE(r.Fail(seconds(1), {})) << "a failure says why";
  EXPECT_EQ(r.Status(), TriggerStatus::kPending);
  EXPECT_EQ(r.ModifiedAt(), seconds(0));
  ASSERT_TRUE(r.Activate(seconds(2)));
  EXPECT_FALSE(r.Processed(seconds(3), {})) << "processed without errors is complete";
  ASSERT_TRUE(r.Complete(seconds(3)));
  EXPECT_FALSE(r.RequestCancel(seconds(4))) << "final states stay final";
  EXPECT_FALSE(r.Activate(seconds(4)));
  EXPECT_EQ(r.Status(), TriggerStatus::kComplete);
}

TEST(TriggerStatusResource, ProcessedAndFailedCarryErrors) {
  TriggerError partial;
  partial.code = TriggerErrorCode::kEcontent;
  partial.content_urls = {"https://x/missing.jpg"};
  partial.server_ids = {"b-edge-3"};
  TriggerStatusResource processed(TriggerCommand{}, seconds(0));
  processed.Activate(seconds(1));
  ASSERT_TRUE(processed.Processed(seconds(2), {partial}));
  ASSERT_EQ(processed.Errors().size(), 1u);
  EXPECT_EQ(processed.Errors()[0].server_ids, (std::vector<std::string>{"b-edge-3"}));

  TriggerError denied;
  denied.code = TriggerErrorCode::kEperm;
  TriggerStatusResource failed(TriggerCommand{}, seconds(0));
  ASSERT_TRUE(failed.Fail(seconds(1), {denied})) << "straight from pending";
  EXPECT_EQ(failed.Status(), TriggerStatus::kFailed);
  EXPECT_EQ(failed.FinishedAt(), std::optional<SimTime>(seconds(1)));
}

TEST(TriggerStatusResource, CancellationRecordsEcanceled) {
  TriggerStatusResource r(TriggerCommand{}, seconds(0));
  r.Activate(seconds(1));
  ASSERT_TRUE(r.RequestCancel(seconds(2)));
  EXPECT_EQ(r.Status(), TriggerStatus::kCancelling);
  EXPECT_FALSE(r.Final());
  EXPECT_FALSE(r.Complete(seconds(3))) << "a cancelling command cannot complete";
  ASSERT_TRUE(r.ConfirmCancelled(seconds(3)));
  EXPECT_EQ(r.Status(), TriggerStatus::kCancelled);
  ASSERT_EQ(r.Errors().size(), 1u);
  EXPECT_EQ(r.Errors()[0].code, TriggerErrorCode::kEcanceled);
}

TEST(TriggerStatusResource, ModifiedTimeNeverGoesBack) {
  TriggerStatusResource r(TriggerCommand{}, seconds(10));
  r.Activate(seconds(5));
  EXPECT_EQ(r.ModifiedAt(), seconds(10));
}

}  // namespace
}  // namespace cdnlab
