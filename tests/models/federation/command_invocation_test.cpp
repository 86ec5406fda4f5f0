// The command invocation system, router and server agents together, on a manual runtime:
// exact targeting, tier order, every RFC error code, loops, cancellation, cascades,
// idempotent retries, authorization and restarts with pending commands.
#include <algorithm>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "models/federation/metric_names.h"
#include "tests/support/federation_testbed.h"

namespace cdnlab {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;
using testing::FederationTestbed;

constexpr auto kSecond = std::chrono::seconds(1);

std::vector<TriggerErrorCode> Codes(const CommandRecord& r) {
  std::vector<TriggerErrorCode> out;
  for (const auto& e : r.status.Errors()) out.push_back(e.code);
  return out;
}

// Every status id of one command along its chain of platforms.
std::set<std::string> Chain(FederationTestbed& f, const std::string& origin_id) {
  std::set<std::string> ids{origin_id};
  bool grew = true;
  while (grew) {
    grew = false;
    for (const auto& p : f.catalog.Platforms()) {
      for (const auto& id : f.Gateway(p.id).StatusIds()) {
        const auto& rid = f.Gateway(p.id).Find(id)->request_id;
        const auto arrow = rid.rfind('>');
        if (arrow != std::string::npos && ids.count(rid.substr(0, arrow)) && ids.insert(id).second) grew = true;
      }
    }
  }
  return ids;
}

TEST(FederationInvocation, PurgeReachesExactlyTheServersCarryingTheConfigurationAcrossThreePlatforms) {
  FederationTestbed f;
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/a.html"}));
  f.runtime.RunFor(10 * kSecond);

  const CommandRecord& r = f.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kComplete);
  const std::set<std::string> expected{"a-p1", "a-e1", "a-e2", "b-p1", "b-e1", "c-p1", "c-e1"};
  EXPECT_EQ(r.TargetedServers(), expected);
  EXPECT_EQ(r.AcknowledgedServers(), expected);
  EXPECT_EQ(f.ServersThatApplied(Chain(f, id)), expected);  // nobody else was touched
  for (const auto& s : expected) EXPECT_FALSE(f.stores[s].Get("https://news.example/a.html")) << s;
  for (const auto& s : expected) EXPECT_TRUE(f.stores[s].Get("https://news.example/b.html")) << s;
  // Video servers and video objects on shared servers are untouched.
  EXPECT_TRUE(f.stores["a-e3"].Get("https://video.example/a.html"));
  EXPECT_TRUE(f.stores["a-p1"].Get("https://video.example/a.html"));
  EXPECT_EQ(f.agents["a-e3"]->AppliedCommands().size(), 0u);
  EXPECT_EQ(f.agents["b-e2"]->AppliedCommands().size(), 0u);
}

TEST(FederationInvocation, ParentsAcknowledgeBeforeAnyEdgeIsCommanded) {
  FederationTestbed f;
  f.runtime.SetDelay(f.directory.EndpointOf("cdn-a-gw")->address, f.directory.EndpointOf("a-p1")->address,
                     std::chrono::milliseconds(80));
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kInvalidate, {"https://news.example/b.html"}));
  f.runtime.RunFor(10 * kSecond);
  const CommandRecord& r = f.Record("cdn-a", id);
  ASSERT_EQ(r.status.Status(), TriggerStatus::kComplete);
  SimTime parent_ack{0};
  SimTime first_edge_ack = SimTime::max();
  for (const auto& s : r.servers) {
    if (s.tier_depth == 0) parent_ack = std::max(parent_ack, s.acknowledged_at);
    if (s.tier_depth == 1) first_edge_ack = std::min(first_edge_ack, s.acknowledged_at);
  }
  // An edge needs a round trip after the parent's ack: 2 x 10 ms.
  EXPECT_GE(first_edge_ack - parent_ack, std::chrono::milliseconds(20));
  EXPECT_TRUE(f.stores["a-e1"].Get("https://news.example/b.html")->stale);
}

TEST(FederationInvocation, UnauthorizedCommandIsRefusedWithEpermAndChangesNothing) {
  FederationTestbed f;
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-video", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/a.html"}));
  f.runtime.RunFor(10 * kSecond);
  const CommandRecord& r = f.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kFailed);
  EXPECT_THAT(Codes(r), ElementsAre(TriggerErrorCode::kEperm));
  EXPECT_THAT(r.status.Errors()[0].content_urls, ElementsAre("https://news.example/a.html"));
  EXPECT_TRUE(f.ServersThatApplied(Chain(f, id)).empty());
  for (auto& [server, store] : f.stores) {
    if (f.catalog.Server(server)->platform != "cdn-c") {
      EXPECT_TRUE(store.Size() >= 2) << server;
    }
  }
  EXPECT_TRUE(f.stores["a-e1"].Get("https://news.example/a.html"));
}

TEST(FederationInvocation, APlatformMayCommandOnlyWhatItDelegated) {
  FederationTestbed f;
  // cdn-c never delegated anything to cdn-b: a submission from cdn-c's gateway is refused.
  SubmitTrigger forged;
  forged.request_id = "x>cdn-b";
  forged.command = FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/a.html"});
  forged.command.cdn_path = {"cdn-c"};
  f.messenger->Send("cdn-c-gw", "cdn-b-gw", forged);
  f.runtime.RunFor(5 * kSecond);
  const CommandRecord* r = f.Gateway("cdn-b").Find(f.Gateway("cdn-b").StatusIds().at(0));
  EXPECT_EQ(r->principal, "cdn-c");
  EXPECT_EQ(r->status.Status(), TriggerStatus::kFailed);
  EXPECT_THAT(Codes(*r), ElementsAre(TriggerErrorCode::kEperm));
  EXPECT_TRUE(f.stores["b-e1"].Get("https://news.example/a.html"));
}

TEST(FederationInvocation, MessagesWithoutAValidSignatureAreDropped) {
  FederationTestbed f;
  // A participant the federation does not know cannot speak for a node.
  FederationIdentity outsider;
  outsider.AddParticipant("cdn-a", "not-the-real-secret-of-cdn-a");
  SeededRandomSource rogue_random{9};
  FederationMessenger rogue(f.runtime, f.runtime, f.runtime, rogue_random, outsider, f.directory, f.metrics);
  ApplyToServer apply;
  apply.command_id = "rogue";
  apply.trigger = FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/a.html"}).trigger;
  apply.configurations = {"news"};
  rogue.Send("cdn-a-gw", "a-e1", apply);
  f.runtime.RunFor(kSecond);
  EXPECT_TRUE(f.stores["a-e1"].Get("https://news.example/a.html"));
  EXPECT_GE(f.metrics.Counter(federation_metrics::kRejectedMessages), 1);
}

TEST(FederationInvocation, UnknownMetadataIsEmetaAndKnownMetadataIsInvalidatedOnCarryingServers) {
  FederationTestbed f;
  TriggerCommand c;
  c.trigger.type = TriggerType::kInvalidate;
  c.trigger.metadata_urls = {"https://meta.cdn-a.example/news", "https://meta.cdn-a.example/nope"};
  const std::string id = f.Gateway("cdn-a").Submit("cp-news", "r1", c);
  f.runtime.RunFor(10 * kSecond);
  const CommandRecord& r = f.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kProcessed);
  EXPECT_THAT(Codes(r), ElementsAre(TriggerErrorCode::kEmeta));
  EXPECT_THAT(r.status.Errors()[0].metadata_urls, ElementsAre("https://meta.cdn-a.example/nope"));
  EXPECT_TRUE(f.stores["a-e1"].MetadataStale("news"));
  EXPECT_TRUE(f.stores["c-e1"].MetadataStale("news"));
  EXPECT_FALSE(f.stores["a-e3"].MetadataStale("video"));
}

TEST(FederationInvocation, PrepositionOfContentTheOriginLacksIsEcontentWithTheServers) {
  FederationTestbed f;
  // cdn-c does not support preposition: it is not forwarded there (c is news-only via b).
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1",
      FederationTestbed::Trigger(TriggerType::kPreposition,
                                 {"https://news.example/new.html", "https://news.example/missing.html"}));
  f.runtime.RunFor(20 * kSecond);
  const CommandRecord& r = f.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kProcessed);
  std::set<std::string> econtent_servers;
  bool eunsupported_from_c = false;
  for (const auto& e : r.status.Errors()) {
    if (e.code == TriggerErrorCode::kEcontent) {
      EXPECT_THAT(e.content_urls, ElementsAre("https://news.example/missing.html"));
      econtent_servers.insert(e.server_ids.begin(), e.server_ids.end());
    }
    if (e.code == TriggerErrorCode::kEunsupported) eunsupported_from_c = true;
  }
  EXPECT_EQ(econtent_servers, (std::set<std::string>{"a-p1", "a-e1", "a-e2", "b-p1", "b-e1"}));
  EXPECT_TRUE(eunsupported_from_c) << "cdn-c refuses preposition and says so";
  EXPECT_TRUE(f.stores["a-e1"].Get("https://news.example/new.html"));
  EXPECT_FALSE(f.stores["a-e3"].Get("https://news.example/new.html"));
}

TEST(FederationInvocation, UnsupportedFeaturesAreEunsupported) {
  FederationTestbed f;
  TriggerCommand c;
  c.trigger.type = TriggerType::kPurge;
  c.trigger.content_ccids = {"breaking"};
  const std::string id = f.Gateway("cdn-a").Submit("cp-news", "r1", c);
  f.runtime.RunFor(10 * kSecond);
  const CommandRecord& r = f.Record("cdn-a", id);
  // a and b purge the collection; c has no ccid support and reports eunsupported.
  EXPECT_EQ(r.status.Status(), TriggerStatus::kProcessed);
  EXPECT_THAT(Codes(r), ElementsAre(TriggerErrorCode::kEunsupported));
  EXPECT_FALSE(f.stores["b-e1"].Get("https://news.example/a.html"));
  EXPECT_TRUE(f.stores["b-e1"].Get("https://news.example/b.html"));
  EXPECT_TRUE(f.stores["c-e1"].Get("https://news.example/a.html"));

  // A preposition by pattern names no object to fetch; refused, and journaled as asked.
  TriggerCommand p;
  p.trigger.type = TriggerType::kPreposition;
  p.trigger.content_patterns = {PatternMatch{"https://news.example/*"}};
  const std::string refused = f.Gateway("cdn-a").Submit("cp-news", "r2", p);
  EXPECT_EQ(f.Record("cdn-a", refused).status.Status(), TriggerStatus::kFailed);
  EXPECT_THAT(Codes(f.Record("cdn-a", refused)), ElementsAre(TriggerErrorCode::kEunsupported));
  f.CrashGateway("cdn-a");
  f.StartGateway("cdn-a");
  EXPECT_EQ(f.Record("cdn-a", refused).status.Command().trigger.content_patterns.size(), 1u);
}

TEST(FederationInvocation, LoopIsRejectedWithEreject) {
  FederationTestbed f;
  TriggerCommand c = FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/a.html"});
  c.cdn_path = {"cdn-b"};  // as if it had already passed cdn-b: cdn-b must refuse it
  const std::string id = f.Gateway("cdn-a").Submit("cp-news", "r1", c);
  f.runtime.RunFor(10 * kSecond);
  const CommandRecord& r = f.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kProcessed);  // cdn-a's own servers did it
  EXPECT_THAT(Codes(r), ElementsAre(TriggerErrorCode::kEreject));
  EXPECT_FALSE(f.stores["a-e1"].Get("https://news.example/a.html"));
  EXPECT_TRUE(f.stores["b-e1"].Get("https://news.example/a.html"));
  EXPECT_TRUE(f.stores["c-e1"].Get("https://news.example/a.html"));

  c.cdn_path = {"cdn-a"};
  const std::string own = f.Gateway("cdn-a").Submit("cp-news", "r2", c);
  f.runtime.RunFor(kSecond);
  EXPECT_EQ(f.Record("cdn-a", own).status.Status(), TriggerStatus::kFailed);
  EXPECT_THAT(Codes(f.Record("cdn-a", own)), ElementsAre(TriggerErrorCode::kEreject));
}

TEST(FederationInvocation, AServerThatNeverAnswersIsEcdnAfterTheRetryBudget) {
  FederationTestbed f;
  f.SetDown("a-e2", true);
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/a.html"}));
  f.runtime.RunFor(120 * kSecond);
  const CommandRecord& r = f.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kProcessed);
  ASSERT_THAT(Codes(r), ElementsAre(TriggerErrorCode::kEcdn));
  EXPECT_THAT(r.status.Errors()[0].server_ids, ElementsAre("a-e2"));
  EXPECT_EQ(r.TargetedServers().size(), r.AcknowledgedServers().size() + 1);
  // Every attempt of the budget was used; while a copy was still being transferred (the
  // channel retransmits its fragments itself) no second copy was sent.
  const auto target = std::find_if(r.servers.begin(), r.servers.end(), [](const auto& s) { return s.server == "a-e2"; });
  EXPECT_EQ(target->attempts, f.retry.max_attempts);
  EXPECT_GE(f.metrics.Counter(federation_metrics::kRetries), 1);
  EXPECT_LT(f.metrics.Counter(federation_metrics::kRetries), f.retry.max_attempts - 1);
  EXPECT_GT(f.metrics.Counter(federation_metrics::kFragmentsRetransmitted), 0);
  // The cause is in the status resource: the transfer timed out.
  EXPECT_NE(r.status.Errors()[0].description.find("last transport error: no acknowledgement from"), std::string::npos)
      << r.status.Errors()[0].description;
}

TEST(FederationInvocation, AServerDownForAWhileIsRetriedWithBackoffAndCompletes) {
  FederationTestbed f;
  f.SetDown("b-e1", true);
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/a.html"}));
  f.runtime.RunFor(5 * kSecond);
  EXPECT_EQ(f.Record("cdn-a", id).status.Status(), TriggerStatus::kActive);
  f.SetDown("b-e1", false);
  f.runtime.RunFor(30 * kSecond);
  const CommandRecord& r = f.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kComplete);
  EXPECT_EQ(r.TargetedServers(), r.AcknowledgedServers());
  EXPECT_GT(f.metrics.Counter(federation_metrics::kRetries), 0);
}

TEST(FederationInvocation, CascadeCompletesOnlyWhenEveryDownstreamHas) {
  FederationTestbed f;
  f.SetDown("cdn-c-gw", true);
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/b.html"}));
  f.runtime.RunFor(6 * kSecond);
  const CommandRecord* b = f.DownstreamRecord("cdn-b", id);
  ASSERT_NE(b, nullptr);
  // b's own servers are done, but c is unreachable: b and a stay active.
  EXPECT_EQ(b->status.Status(), TriggerStatus::kActive);
  EXPECT_EQ(f.Record("cdn-a", id).status.Status(), TriggerStatus::kActive);
  EXPECT_TRUE(f.stores["b-e1"].Get("https://news.example/b.html") == std::nullopt);

  f.SetDown("cdn-c-gw", false);
  f.runtime.RunFor(30 * kSecond);
  const CommandRecord* c = f.DownstreamRecord("cdn-c", b->id);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status.Status(), TriggerStatus::kComplete);
  EXPECT_EQ(b->status.Status(), TriggerStatus::kComplete);
  const CommandRecord& a = f.Record("cdn-a", id);
  EXPECT_EQ(a.status.Status(), TriggerStatus::kComplete);
  EXPECT_LE(*c->status.FinishedAt(), *b->status.FinishedAt());
  EXPECT_LE(*b->status.FinishedAt(), *a.status.FinishedAt());
  EXPECT_EQ(a.AcknowledgedServers().count("c-e1"), 1u);
  EXPECT_EQ(c->status.Command().cdn_path, (std::vector<std::string>{"cdn-a", "cdn-b"}));
}

TEST(FederationInvocation, ADownstreamThatFailsMakesTheCascadeProcessedNotComplete) {
  FederationTestbed f;
  f.SetDown("cdn-c-gw", true);
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/b.html"}));
  f.runtime.RunFor(200 * kSecond);
  const CommandRecord& a = f.Record("cdn-a", id);
  EXPECT_EQ(a.status.Status(), TriggerStatus::kProcessed);
  ASSERT_THAT(Codes(a), ElementsAre(TriggerErrorCode::kEcdn));
  EXPECT_THAT(a.status.Errors()[0].server_ids, UnorderedElementsAre("c-p1", "c-e1"));
  EXPECT_EQ(a.TargetedServers().size(), 7u);
  EXPECT_EQ(a.AcknowledgedServers().size(), 5u);
}

TEST(FederationInvocation, CancellationStopsFurtherTiersAndDownstreams) {
  FederationTestbed f;
  f.SetDown("a-p1", true);  // the parent tier cannot finish, so edges wait
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/a.html"}));
  f.runtime.RunFor(2 * kSecond);
  EXPECT_FALSE(f.Gateway("cdn-a").Cancel("cp-video", id)) << "only the issuer may cancel";
  EXPECT_TRUE(f.Gateway("cdn-a").Cancel("cp-news", id));
  f.SetDown("a-p1", false);
  f.runtime.RunFor(30 * kSecond);
  const CommandRecord& r = f.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kCancelled);
  EXPECT_THAT(Codes(r), ElementsAre(TriggerErrorCode::kEcanceled));
  EXPECT_TRUE(f.stores["a-e1"].Get("https://news.example/a.html"));
  EXPECT_EQ(f.DownstreamRecord("cdn-b", id), nullptr);
  EXPECT_FALSE(f.Gateway("cdn-a").Cancel("cp-news", id)) << "a final command cannot be cancelled";
}

TEST(FederationInvocation, CancellationPropagatesDownTheCascade) {
  FederationTestbed f;
  f.SetDown("c-p1", true);  // c cannot finish
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/a.html"}));
  f.runtime.RunFor(3 * kSecond);
  const CommandRecord* b = f.DownstreamRecord("cdn-b", id);
  ASSERT_NE(b, nullptr);
  const CommandRecord* c = f.DownstreamRecord("cdn-c", b->id);
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->status.Status(), TriggerStatus::kActive);
  ASSERT_TRUE(f.Gateway("cdn-a").Cancel("cp-news", id));
  f.runtime.RunFor(20 * kSecond);
  EXPECT_EQ(c->status.Status(), TriggerStatus::kCancelled);
  EXPECT_EQ(b->status.Status(), TriggerStatus::kCancelled);
  EXPECT_EQ(f.Record("cdn-a", id).status.Status(), TriggerStatus::kCancelled);
  EXPECT_TRUE(f.agents["c-e1"]->AppliedCommands().empty());
}

TEST(FederationInvocation, ACancelThatOvertakesItsSubmitIsAnsweredAtOnceAndTheLateSubmitIsRefused) {
  FederationTestbed f;
  f.LoseNext("cdn-a-gw", "cdn-b-gw", 1);  // the first submit to b is lost
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/a.html"}));
  f.runtime.RunFor(std::chrono::milliseconds(100));  // a's servers are done, b's submit is lost
  ASSERT_TRUE(f.Gateway("cdn-a").Cancel("cp-news", id));
  f.runtime.RunFor(std::chrono::milliseconds(100));
  EXPECT_EQ(f.Record("cdn-a", id).status.Status(), TriggerStatus::kCancelled) << "one round trip, no retry budget";
  f.runtime.RunFor(10 * kSecond);
  EXPECT_TRUE(f.stores["b-e1"].Get("https://news.example/a.html")) << "nothing ran at b";
  EXPECT_EQ(f.Gateway("cdn-b").StatusIds().size(), 1u);
  // The tombstone is an ordinary journal record: a restart reads it back.
  f.CrashGateway("cdn-b");
  f.StartGateway("cdn-b");
  EXPECT_EQ(f.Gateway("cdn-b").Find(f.Gateway("cdn-b").StatusIds()[0])->status.Status(), TriggerStatus::kCancelled);
}

TEST(FederationInvocation, RetriesAndDuplicatesRunOnce) {
  FederationTestbed f;
  // a-e1's answers do not get through for a second: the gateway, whose apply was delivered,
  // sends it again; the agent answers the repeats from memory.
  f.LoseMessagesUntil("a-e1", "cdn-a-gw", f.runtime.Now() + kSecond);
  f.LoseNext("cdn-b-gw", "cdn-a-gw", 1);  // b's first progress is lost: a submits again
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/a.html"}));
  EXPECT_EQ(f.Gateway("cdn-a").Submit("cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {})), id);
  f.runtime.RunFor(30 * kSecond);
  EXPECT_EQ(f.Record("cdn-a", id).status.Status(), TriggerStatus::kComplete);
  EXPECT_EQ(f.agents["a-e1"]->AppliedCommands().size(), 1u);
  EXPECT_GE(f.metrics.Counter(federation_metrics::kDuplicateApplies), 2);
  EXPECT_EQ(f.Gateway("cdn-a").StatusIds().size(), 1u);
  EXPECT_EQ(f.Gateway("cdn-b").StatusIds().size(), 1u) << "a resubmission creates no second command";
}

TEST(FederationInvocation, PendingCommandsSurviveAGatewayRestart) {
  FederationTestbed f;
  f.SetDown("a-e1", true);
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/a.html"}));
  const std::string id2 = f.Gateway("cdn-a").Submit(
      "cp-video", "r2", FederationTestbed::Trigger(TriggerType::kInvalidate, {"https://video.example/v1.mp4"}));
  f.runtime.RunFor(3 * kSecond);
  ASSERT_EQ(f.Record("cdn-a", id).status.Status(), TriggerStatus::kActive);
  f.CrashGateway("cdn-a");
  f.runtime.RunFor(5 * kSecond);  // nothing happens while it is down
  f.SetDown("a-e1", false);
  f.StartGateway("cdn-a");
  EXPECT_EQ(f.Gateway("cdn-a").StatusIds(), (std::vector<std::string>{id, id2}));
  f.runtime.RunFor(30 * kSecond);
  const CommandRecord& r = f.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kComplete);
  EXPECT_EQ(r.TargetedServers(), r.AcknowledgedServers());
  EXPECT_FALSE(f.stores["a-e1"].Get("https://news.example/a.html"));
  EXPECT_EQ(f.Record("cdn-a", id2).status.Status(), TriggerStatus::kComplete);
  // Idempotency survives the restart too; new ids do not collide with old ones.
  EXPECT_EQ(f.Gateway("cdn-a").Submit("cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {})), id);
  const std::string id3 = f.Gateway("cdn-a").Submit(
      "cp-news", "r3", FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/b.html"}));
  EXPECT_NE(id3, id);
  EXPECT_NE(id3, id2);
}

TEST(FederationInvocation, ADownstreamRestartResumesItsPartOfTheCascade) {
  FederationTestbed f;
  f.SetDown("b-e1", true);
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/a.html"}));
  f.runtime.RunFor(3 * kSecond);
  f.CrashGateway("cdn-b");
  f.SetDown("b-e1", false);
  f.runtime.RunFor(3 * kSecond);
  f.StartGateway("cdn-b");
  f.runtime.RunFor(40 * kSecond);
  EXPECT_EQ(f.Record("cdn-a", id).status.Status(), TriggerStatus::kComplete);
  EXPECT_EQ(f.Record("cdn-a", id).AcknowledgedServers().size(), 7u);
}

TEST(FederationInvocation, PatternsHonourCaseAndQueryOptions) {
  FederationTestbed f;
  TriggerCommand c;
  c.trigger.type = TriggerType::kPurge;
  c.trigger.content_patterns = {PatternMatch{"https://news.example/img/logo.png", false, false}};
  const std::string id = f.Gateway("cdn-a").Submit("cp-news", "r1", c);
  f.runtime.RunFor(10 * kSecond);
  EXPECT_EQ(f.Record("cdn-a", id).status.Status(), TriggerStatus::kComplete);
  EXPECT_FALSE(f.stores["a-e1"].Get("https://news.example/img/Logo.PNG?v=2"));

  FederationTestbed g;
  c.trigger.content_patterns = {PatternMatch{"https://news.example/img/logo.png", true, false}};
  g.Gateway("cdn-a").Submit("cp-news", "r1", c);
  g.runtime.RunFor(10 * kSecond);
  EXPECT_TRUE(g.stores["a-e1"].Get("https://news.example/img/Logo.PNG?v=2")) << "case-sensitive: no match";

  c.trigger.content_patterns = {PatternMatch{"https://news.example/img/*", false, true}};
  g.Gateway("cdn-a").Submit("cp-news", "r2", c);
  g.runtime.RunFor(10 * kSecond);
  EXPECT_FALSE(g.stores["a-e1"].Get("https://news.example/img/Logo.PNG?v=2"));
  EXPECT_TRUE(g.stores["a-e1"].Get("https://news.example/a.html"));
}

TEST(FederationInvocation, AListedUrlMatchesWhateverItsSchemeAndHostCase) {
  FederationTestbed f;
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {"http://NEWS.example/b.html",
                                                                        "https://news.example/IMG/Logo.PNG?v=2"}));
  f.runtime.RunFor(10 * kSecond);
  EXPECT_EQ(f.Record("cdn-a", id).status.Status(), TriggerStatus::kComplete);
  EXPECT_FALSE(f.stores["a-e1"].Get("https://news.example/b.html"));
  EXPECT_TRUE(f.stores["a-e1"].Get("https://news.example/img/Logo.PNG?v=2")) << "paths stay case-sensitive";
}

// --- cdnlab's statistics trigger ---

// What a server's cache holds, as (url, stale) pairs, to show that statistics change nothing.
std::vector<std::pair<std::string, bool>> Contents(const InMemoryContentStore& store) {
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& o : store.List()) out.emplace_back(o.url, o.stale);
  return out;
}

TriggerCommand Statistics(std::vector<std::string> urls) {
  TriggerCommand c = FederationTestbed::Trigger(TriggerType::kStatistics, std::move(urls));
  return c;
}

TEST(FederationInvocation, StatisticsCountEveryCarryingServerAcrossTheCascadeAndChangeNothing) {
  FederationTestbed f({"cdn-a", "cdn-b", "cdn-c"});
  // Make some objects stale first: b.html on every news server.
  const std::string invalidate = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kInvalidate, {"https://news.example/b.html"}));
  f.runtime.RunFor(10 * kSecond);
  ASSERT_EQ(f.Record("cdn-a", invalidate).status.Status(), TriggerStatus::kComplete);
  std::map<std::string, std::vector<std::pair<std::string, bool>>> before;
  for (const auto& [server, store] : f.stores) before[server] = Contents(store);

  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r2", Statistics({"https://news.example/a.html", "https://news.example/b.html"}));
  f.runtime.RunFor(10 * kSecond);
  const CommandRecord& r = f.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kComplete);
  const std::set<std::string> news{"a-p1", "a-e1", "a-e2", "b-p1", "b-e1", "c-p1", "c-e1"};
  EXPECT_EQ(r.AcknowledgedServers(), news);
  EXPECT_EQ(f.ServersThatApplied(Chain(f, id)), news) << "only the servers carrying news were asked";
  // One entry per carrying server, back at the issuer: both URLs cached, b.html stale.
  std::vector<ServerStatistics> expected;
  for (const auto& s : news) expected.push_back({s, "news", 2, 1});
  EXPECT_EQ(r.Statistics(), expected);
  // cdn-b's record already had its own servers' and cdn-c's numbers.
  const CommandRecord* b = f.DownstreamRecord("cdn-b", id);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->Statistics().size(), 4u);
  for (const auto& [server, store] : f.stores) EXPECT_EQ(Contents(store), before[server]) << server;
  const std::set<std::string> chain = Chain(f, id);
  for (const auto& [server, agent] : f.agents) {
    for (const auto& a : agent->AppliedCommands()) {
      if (chain.count(a.command_id)) {
        EXPECT_EQ(a.objects_affected, 0u) << server;
      }
    }
  }

  // Naming a configuration's metadata counts all its objects, and only its own: a-p1 and b-p1
  // also carry news, which is not counted for video.
  TriggerCommand metadata;
  metadata.trigger.type = TriggerType::kStatistics;
  metadata.trigger.metadata_urls = {"https://meta.cdn-a.example/video"};
  const std::string video = f.Gateway("cdn-a").Submit("cp-video", "r3", metadata);
  f.runtime.RunFor(10 * kSecond);
  const CommandRecord& v = f.Record("cdn-a", video);
  EXPECT_EQ(v.status.Status(), TriggerStatus::kComplete);
  EXPECT_EQ(v.Statistics(), (std::vector<ServerStatistics>{{"a-e3", "video", 2, 0},
                                                          {"a-p1", "video", 2, 0},
                                                          {"b-e2", "video", 2, 0},
                                                          {"b-p1", "video", 2, 0}}));
  EXPECT_FALSE(f.stores["a-p1"].MetadataStale("video")) << "statistics never invalidate metadata";

  // Patterns select what is counted too: the stale b.html and the logo, not a.html.
  TriggerCommand patterns;
  patterns.trigger.type = TriggerType::kStatistics;
  patterns.trigger.content_patterns = {PatternMatch{"https://news.example/b*"},
                                       PatternMatch{"https://news.example/img/*", false, true}};
  const std::string by_pattern = f.Gateway("cdn-a").Submit("cp-news", "r4", patterns);
  f.runtime.RunFor(10 * kSecond);
  const auto counted = f.Record("cdn-a", by_pattern).Statistics();
  ASSERT_EQ(counted.size(), 7u);
  for (const auto& s : counted) EXPECT_EQ(s, (ServerStatistics{s.server, "news", 2, 1}));

  // And the journal keeps every number: a restarted issuer still has them.
  f.CrashGateway("cdn-a");
  f.StartGateway("cdn-a");
  EXPECT_EQ(f.Record("cdn-a", id).Statistics(), expected);
}

TEST(FederationInvocation, APlatformWithoutStatisticsSupportAnswersEunsupported) {
  FederationTestbed f({"cdn-a", "cdn-b"});  // cdn-c speaks RFC 8007 only
  const std::string id = f.Gateway("cdn-a").Submit("cp-news", "r1", Statistics({"https://news.example/a.html"}));
  f.runtime.RunFor(20 * kSecond);
  const CommandRecord& r = f.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kProcessed);
  EXPECT_THAT(Codes(r), ElementsAre(TriggerErrorCode::kEunsupported));
  std::set<std::string> counted;
  for (const auto& s : r.Statistics()) {
    counted.insert(s.server);
    EXPECT_EQ(s.objects, 1u) << s.server;
    EXPECT_EQ(s.stale, 0u) << s.server;
  }
  EXPECT_EQ(counted, (std::set<std::string>{"a-p1", "a-e1", "a-e2", "b-p1", "b-e1"}));
  const CommandRecord* b = f.DownstreamRecord("cdn-b", id);
  ASSERT_NE(b, nullptr);
  const CommandRecord* c = f.DownstreamRecord("cdn-c", b->id);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status.Status(), TriggerStatus::kFailed);
  EXPECT_TRUE(f.agents["c-p1"]->AppliedCommands().empty());

  // A contract platform that does not opt in refuses the command at once.
  FederationTestbed g;
  const std::string refused = g.Gateway("cdn-a").Submit("cp-news", "r1", Statistics({"https://news.example/a.html"}));
  g.runtime.RunFor(kSecond);
  EXPECT_EQ(g.Record("cdn-a", refused).status.Status(), TriggerStatus::kFailed);
  EXPECT_THAT(Codes(g.Record("cdn-a", refused)), ElementsAre(TriggerErrorCode::kEunsupported));
  EXPECT_TRUE(g.Record("cdn-a", refused).Statistics().empty());
}

TEST(FederationInvocation, ADuplicatedStatisticsApplyReportsTheSameNumbersOnce) {
  FederationTestbed f({"cdn-a", "cdn-b", "cdn-c"});
  // a-e1's answers are lost while the gateway retransmits: it gets the apply again and
  // the gateway gets two answers.
  f.LoseMessagesUntil("a-e1", "cdn-a-gw", f.runtime.Now() + std::chrono::milliseconds(1000));
  const std::string id = f.Gateway("cdn-a").Submit(
      "cp-news", "r1", Statistics({"https://news.example/a.html", "https://news.example/b.html"}));
  // The first apply reaches a-e1 at ~20 ms; its answers are lost for a second, so the gateway
  // sends the apply again at ~270 and ~770 ms; in between the cache changes. The agent must
  // answer the repeats from what it counted the first time.
  f.runtime.RunFor(std::chrono::milliseconds(700));
  ASSERT_EQ(f.agents["a-e1"]->AppliedCommands().size(), 1u);
  ASSERT_TRUE(f.stores["a-e1"].MarkStale("https://news.example/a.html"));
  f.runtime.RunFor(20 * kSecond);
  const CommandRecord& r = f.Record("cdn-a", id);
  EXPECT_EQ(r.status.Status(), TriggerStatus::kComplete);
  EXPECT_EQ(f.agents["a-e1"]->AppliedCommands().size(), 1u);
  EXPECT_GE(f.metrics.Counter(federation_metrics::kDuplicateApplies), 1);
  const auto statistics = r.Statistics();
  EXPECT_EQ(statistics.size(), 7u);
  const auto a_e1 = std::count_if(statistics.begin(), statistics.end(),
                                  [](const ServerStatistics& s) { return s.server == "a-e1"; });
  EXPECT_EQ(a_e1, 1);
  for (const auto& s : statistics) EXPECT_EQ(s, (ServerStatistics{s.server, "news", 2, 0})) << s.server;
}

TEST(FederationInvocation, SameInputsGiveTheSameRun) {
  auto run = [] {
    FederationTestbed f;
    f.SetDown("b-e1", true);
    const std::string id = f.Gateway("cdn-a").Submit(
        "cp-news", "r1", FederationTestbed::Trigger(TriggerType::kPurge, {"https://news.example/a.html"}));
    f.runtime.RunFor(3 * kSecond);
    f.SetDown("b-e1", false);
    f.runtime.RunFor(30 * kSecond);
    return std::make_pair(f.Record("cdn-a", id).status.FinishedAt()->count(), f.runtime.DatagramsSent());
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace cdnlab
