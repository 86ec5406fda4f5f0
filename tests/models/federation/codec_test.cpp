// JSON forms of the federation: the RFC 8007 bodies (member names, cancel shape, strict
// parsing with the offending path named), cdnlab's messages and journal records (exact
// round trips, stable text), and hostile input that must come back as an error, never a crash.
#include <gtest/gtest.h>

#include <string>

#include "models/federation/codec.h"

namespace cdnlab {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;
using std::chrono::milliseconds;
using std::chrono::seconds;

template <typename T>
FederationCodecError ErrorOf(const Decoded<T>& decoded) {
  if (const auto* e = std::get_if<FederationCodecError>(&decoded)) return *e;
  ADD_FAILURE() << "expected a decoding error";
  return {};
}

template <typename T>
T ValueOf(const Decoded<T>& decoded) {
  if (const auto* e = std::get_if<FederationCodecError>(&decoded)) {
    ADD_FAILURE() << "unexpected error: " << e->ToString();
  }
  return std::get<T>(decoded);
}

// RFC 8007 section 6.1 style bodies (pre-position, invalidate with patterns, purge by ccid).
const char* kPreposition = R"({
  "trigger": {
    "type": "preposition",
    "metadata.urls": [ "https://metadata.example.com/a/b/c" ],
    "content.urls": [ "https://www.example.com/a/b/c/1", "https://www.example.com/a/b/c/2" ]
  },
  "cdn-path": [ "AS64496:1" ]
})";

const char* kInvalidate = R"({
  "trigger": {
    "type": "invalidate",
    "metadata.patterns": [ { "pattern": "https://metadata.example.com/a/b/*" } ],
    "content.urls": [ "https://www.example.com/a/index.html" ],
    "content.patterns": [ { "pattern": "https://www.example.com/a/b/*", "case-sensitive": true },
                          { "pattern": "*/c?.js", "match-query-string": true } ]
  },
  "cdn-path": [ "AS64496:1", "AS64497:2" ]
})";

const char* kPurge = R"({
  "trigger": { "type": "purge", "content.ccid": [ "xyz-collection" ] },
  "cdn-path": [ "AS64496:1" ]
})";

const char* kCancel = R"({ "cancel": [ "https://dcdn.example.com/triggers/0" ], "cdn-path": [ "AS64496:1" ] })";

TEST(FederationCodec, RfcBodiesRoundTrip) {
  for (const char* body : {kPreposition, kInvalidate, kPurge, kCancel}) {
    const CiTriggerCommand c = ValueOf(ParseCiTriggerCommand(body));
    // Same document back (member order aside): no member renamed, added or dropped.
    EXPECT_EQ(json::parse(CiTriggerCommandToJson(c).dump()), json::parse(body)) << body;
  }
}

TEST(FederationCodec, ParsedFieldsAreTheRfcMembers) {
  const CiTriggerCommand inv = ValueOf(ParseCiTriggerCommand(kInvalidate));
  ASSERT_TRUE(inv.trigger.has_value());
  EXPECT_EQ(inv.trigger->trigger.type, TriggerType::kInvalidate);
  EXPECT_EQ(inv.trigger->cdn_path, (std::vector<std::string>{"AS64496:1", "AS64497:2"}));
  EXPECT_EQ(inv.cdn_path, inv.trigger->cdn_path);
  ASSERT_EQ(inv.trigger->trigger.content_patterns.size(), 2u);
  EXPECT_EQ(inv.trigger->trigger.content_patterns[0], (PatternMatch{"https://www.example.com/a/b/*", true, false}));
  EXPECT_EQ(inv.trigger->trigger.content_patterns[1], (PatternMatch{"*/c?.js", false, true}));
  EXPECT_EQ(inv.trigger->trigger.metadata_patterns[0], (PatternMatch{"https://metadata.example.com/a/b/*"}));
  EXPECT_EQ(inv.trigger->trigger.content_urls, (std::vector<std::string>{"https://www.example.com/a/index.html"}));
  const CiTriggerCommand purge = ValueOf(ParseCiTriggerCommand(kPurge));
  EXPECT_EQ(purge.trigger->trigger.content_ccids, (std::vector<std::string>{"xyz-collection"}));
  const CiTriggerCommand cancel = ValueOf(ParseCiTriggerCommand(kCancel));
  EXPECT_FALSE(cancel.trigger.has_value());
  EXPECT_EQ(cancel.cancel, (std::vector<std::string>{"https://dcdn.example.com/triggers/0"}));
  EXPECT_EQ(cancel.cdn_path, (std::vector<std::string>{"AS64496:1"}));
}

TEST(FederationCodec, SpecEncodingIsStableAndMinimal) {
  TriggerSpec spec;
  spec.type = TriggerType::kPurge;
  spec.content_urls = {"https://a/1"};
  spec.content_patterns = {PatternMatch{"https://a/*", true, true}};
  EXPECT_EQ(TriggerSpecToJson(spec).dump(),
            R"({"type":"purge","content.urls":["https://a/1"],)"
            R"("content.patterns":[{"pattern":"https://a/*","case-sensitive":true,"match-query-string":true}]})");
  const TriggerSpec back = ValueOf(TriggerSpecFromJson(json::parse(TriggerSpecToJson(spec).dump())));
  EXPECT_EQ(back.content_patterns, spec.content_patterns);
  EXPECT_EQ(back.content_urls, spec.content_urls);
}

TEST(FederationCodec, UnknownMembersAreIgnoredAndATriggersArePassedOn) {
  const auto parsed = ValueOf(ParseCiTriggerCommand(
      R"({"trigger":{"type":"purge","content.urls":["u"],"x-vendor":{"a":[1,2]},)"
      R"("content.patterns":[{"pattern":"p*","x-flag":true}]},"cdn-path":["A"],"x-top":"ignored"})"));
  ASSERT_TRUE(parsed.trigger);
  const TriggerSpec& spec = parsed.trigger->trigger;
  EXPECT_EQ(spec.content_patterns.size(), 1u);
  ASSERT_EQ(spec.extensions.size(), 1u);
  EXPECT_EQ(spec.extensions.at("x-vendor"), R"({"a":[1,2]})");
  // Echoed in the status resource and in what a downstream CDN receives.
  const auto out = TriggerSpecToJson(spec);
  EXPECT_EQ(out["x-vendor"]["a"][1], 2);
  EXPECT_EQ(ValueOf(TriggerSpecFromJson(json::parse(out.dump()))).extensions, spec.extensions);
}

TEST(FederationCodec, AnUnknownTypeParsesAndKeepsItsName) {
  const auto parsed =
      ValueOf(ParseCiTriggerCommand(R"({"trigger":{"type":"x-delete","content.urls":["u"]},"cdn-path":["A"]})"));
  ASSERT_TRUE(parsed.trigger);
  EXPECT_EQ(parsed.trigger->trigger.type, TriggerType::kUnknown);
  EXPECT_EQ(TypeName(parsed.trigger->trigger), "x-delete");
  EXPECT_EQ(TriggerSpecToJson(parsed.trigger->trigger)["type"], "x-delete");
  // Nothing else is judged for a type whose rules are unknown: it fails "eunsupported" later.
  EXPECT_TRUE(std::holds_alternative<CiTriggerCommand>(
      ParseCiTriggerCommand(R"({"trigger":{"type":"x-delete"},"cdn-path":["A"]})")));
}

struct StrictCase {
  std::string body;
  std::string path;
  std::string fragment;
};

TEST(FederationCodec, StrictParsingNamesThePath) {
  const std::vector<StrictCase> cases = {
      // Unknown members are ignored (RFC 8007 section 5), except in cdnlab's own namespace.
      {R"({"trigger":{"type":"purge","content.urls":["u"]},"cdn-path":["A"],"cdnlab.extra":1})", "cdnlab.extra",
       "unknown cdnlab member"},
      {R"({"trigger":{"type":"purge","content.urls":["u"],"cdnlab.url":["u"]},"cdn-path":["A"]})",
       "trigger.cdnlab.url", "unknown cdnlab member"},
      {R"({"trigger":{"type":"purge","content.patterns":[{"pattern":"p","cdnlab.x":true}]},"cdn-path":["A"]})",
       "trigger.content.patterns[0].cdnlab.x", "unknown cdnlab member"},
      {R"({"trigger":{"type":"purge","content.url":["u"]},"cdn-path":["A"]})", "trigger", "nothing to act on"},
      {R"({"trigger":{"type":"purge","content.urls":["u"]},"cancel":["x"],"cdn-path":["A"]})", "", "exactly one"},
      {R"({"cdn-path":["A"]})", "", "exactly one"},
      {R"({"trigger":{"type":"purge","content.urls":["u"]}})", "cdn-path", "missing"},
      {R"({"trigger":{"type":"purge","content.urls":["u"]},"cdn-path":"A"})", "cdn-path", "expected an array"},
      {R"({"trigger":{"type":"purge","content.urls":["u"]},"cdn-path":["A",""]})", "cdn-path[1]", "non-empty"},
      {R"({"trigger":{"type":"purge","content.urls":["u"]},"cdn-path":["A",7]})", "cdn-path[1]", "expected a string"},
      {R"({"trigger":{"content.urls":["u"]},"cdn-path":["A"]})", "trigger.type", "missing"},
      {R"({"trigger":{"type":"","content.urls":["u"]},"cdn-path":["A"]})", "trigger.type", "non-empty"},
      {R"({"trigger":{"type":1,"content.urls":["u"]},"cdn-path":["A"]})", "trigger.type", "expected a string"},
      {R"({"trigger":{"type":"purge"},"cdn-path":["A"]})", "trigger", "nothing to act on"},
      {R"({"trigger":{"type":"purge","content.urls":[],"content.ccid":[]},"cdn-path":["A"]})", "trigger",
       "nothing to act on"},
      {R"({"trigger":"purge","cdn-path":["A"]})", "trigger", "expected an object"},
      {R"({"trigger":{"type":"purge","content.urls":"u"},"cdn-path":["A"]})", "trigger.content.urls",
       "expected an array"},
      {R"({"trigger":{"type":"purge","content.urls":["u",null]},"cdn-path":["A"]})", "trigger.content.urls[1]",
       "expected a string"},
      {R"({"trigger":{"type":"purge","content.ccid":[1]},"cdn-path":["A"]})", "trigger.content.ccid[0]",
       "expected a string"},
      {R"({"trigger":{"type":"purge","metadata.patterns":{}},"cdn-path":["A"]})", "trigger.metadata.patterns",
       "expected an array"},
      {R"({"trigger":{"type":"purge","content.patterns":[{"pattern":"a"},{"pattern":"b\\"}]},"cdn-path":["A"]})",
       "trigger.content.patterns[1].pattern", "lone escape"},
      {R"({"trigger":{"type":"purge","content.patterns":[{"pattern":"a"},{"pattern":5}]},"cdn-path":["A"]})",
       "trigger.content.patterns[1].pattern", "expected a string"},
      {R"({"trigger":{"type":"purge","content.patterns":[{"case-sensitive":true}]},"cdn-path":["A"]})",
       "trigger.content.patterns[0].pattern", "missing"},
      {R"({"trigger":{"type":"purge","content.patterns":[{"pattern":"a","case-sensitive":"yes"}]},"cdn-path":["A"]})",
       "trigger.content.patterns[0].case-sensitive", "expected a boolean"},
      {R"({"trigger":{"type":"purge","content.patterns":[{"pattern":"a","match-query-string":1}]},"cdn-path":["A"]})",
       "trigger.content.patterns[0].match-query-string", "expected a boolean"},
      {R"({"trigger":{"type":"preposition","content.patterns":[{"pattern":"a*"}]},"cdn-path":["A"]})",
       "trigger.content.patterns", "not allowed in a preposition"},
      {R"({"trigger":{"type":"preposition","metadata.patterns":[{"pattern":"a*"}]},"cdn-path":["A"]})",
       "trigger.metadata.patterns", "not allowed in a preposition"},
      {R"({"cancel":[],"cdn-path":["A"]})", "cancel", "at least one"},
      {R"({"cancel":"https://d/triggers/0","cdn-path":["A"]})", "cancel", "expected an array"},
      {R"({"cancel":[""],"cdn-path":["A"]})", "cancel[0]", "non-empty"},
      {R"([1,2])", "", "expected an object"},
      {R"("text")", "", "expected an object"},
  };
  for (const auto& c : cases) {
    const FederationCodecError e = ErrorOf(ParseCiTriggerCommand(c.body));
    EXPECT_EQ(e.path, c.path) << c.body << " -> " << e.ToString();
    EXPECT_NE(e.message.find(c.fragment), std::string::npos) << c.body << " -> " << e.ToString();
  }
}

TEST(FederationCodec, InvalidJsonReportsNlohmannsMessageAtTheDocument) {
  const FederationCodecError e = ErrorOf(ParseCiTriggerCommand(R"({"trigger": )"));
  EXPECT_EQ(e.path, "");
  EXPECT_NE(e.message.find("parse error"), std::string::npos) << e.message;
  EXPECT_EQ(e.ToString(), e.message);
  EXPECT_EQ(ErrorOf(ParseCiTriggerCommand("")).path, "");
}

TEST(FederationCodec, SpecFromJsonUsesTheGivenPath) {
  const FederationCodecError e = ErrorOf(TriggerSpecFromJson(json::parse(R"({"type":"purge"})"), "command.trigger"));
  EXPECT_EQ(e.path, "command.trigger");
  EXPECT_EQ(ErrorOf(TriggerSpecFromJson(json(5))).path, "trigger");
}

TriggerError FullError() {
  TriggerError e;
  e.code = TriggerErrorCode::kEcontent;
  e.metadata_urls = {"https://m/1"};
  e.content_urls = {"https://www.example.com/a/b/c/1", "https://www.example.com/a/b/c/2"};
  e.metadata_patterns = {PatternMatch{"https://m/*", true, false}};
  e.content_patterns = {PatternMatch{"https://www.example.com/z/*", false, true}};
  e.server_ids = {"b-e1", "b-e2"};
  e.description = "origin does not have the object";
  return e;
}

TEST(FederationCodec, StatusResourceLooksLikeTheRfc) {
  TriggerCommand command;
  command.trigger.type = TriggerType::kPreposition;
  command.trigger.content_urls = {"https://www.example.com/a/b/c/1"};
  command.cdn_path = {"AS64496:1"};
  TriggerStatusResource r(command, seconds(10));
  const double epoch = 1462351680.0;
  ordered_json pending = TriggerStatusToJson(r, epoch);
  EXPECT_EQ(pending.dump(),
            R"({"trigger":{"type":"preposition","content.urls":["https://www.example.com/a/b/c/1"]},)"
            R"("ctime":1462351690,"mtime":1462351690,"status":"pending"})");
  ASSERT_TRUE(r.Activate(milliseconds(12500)));
  ASSERT_TRUE(r.Processed(seconds(18), {FullError()}));
  const ordered_json done = TriggerStatusToJson(r, epoch);
  EXPECT_EQ(done["mtime"], 1462351698);
  EXPECT_EQ(done["etime"], 1462351698);
  EXPECT_EQ(done["status"], "processed");
  EXPECT_EQ(done["errors"][0].dump(),
            R"({"error":"econtent","metadata.urls":["https://m/1"],)"
            R"("content.urls":["https://www.example.com/a/b/c/1","https://www.example.com/a/b/c/2"],)"
            R"("metadata.patterns":[{"pattern":"https://m/*","case-sensitive":true}],)"
            R"("content.patterns":[{"pattern":"https://www.example.com/z/*","match-query-string":true}],)"
            R"("description":"origin does not have the object","cdnlab.servers":["b-e1","b-e2"]})");
  TriggerError bare;
  bare.code = TriggerErrorCode::kEperm;
  EXPECT_EQ(TriggerErrorToJson(bare).dump(), R"({"error":"eperm"})") << "cdnlab.servers only when non-empty";
}

std::vector<FederationMessage> EveryMessage() {
  TriggerCommand command;
  command.trigger.type = TriggerType::kInvalidate;
  command.trigger.metadata_urls = {"https://meta/x"};
  command.trigger.content_urls = {"https://www.cp1.example/a"};
  command.trigger.content_ccids = {"c1"};
  command.trigger.metadata_patterns = {PatternMatch{"https://meta/*"}};
  command.trigger.content_patterns = {PatternMatch{"https://www.cp1.example/*.js", true, true}};
  command.cdn_path = {"cdn-a", "cdn-b"};
  TriggerProgress progress;
  progress.request_id = "cdn-a/3>cdn-b";
  progress.status = TriggerStatus::kProcessed;
  progress.errors = {FullError(), TriggerError{}};
  progress.targeted_servers = {"b-e1", "c-e1"};
  progress.acknowledged_servers = {"b-e1"};
  ServerResult ok;
  ok.command_id = "cdn-b/4";
  ok.server = "b-e1";
  ok.objects_affected = 18446744073709551615ull;
  ServerResult failed = ok;
  failed.error = TriggerErrorCode::kEcontent;
  failed.failed_urls = {"https://www.cp1.example/missing"};
  failed.objects_affected = 0;
  return {SubmitTrigger{"cdn-a/3>cdn-b", command},
          CancelTrigger{"cdn-a/3>cdn-b"},
          progress,
          ProgressAck{"cdn-a/3>cdn-b", TriggerStatus::kCancelled},
          ApplyToServer{"cdn-b/4", command.trigger, {"conf1", "conf2"}},
          ok,
          failed};
}

TEST(FederationCodec, EveryMessageRoundTripsExactly) {
  const std::vector<std::string> kinds = {"submit",       "cancel", "progress", "progress_ack",
                                          "apply",        "result", "result"};
  const auto messages = EveryMessage();
  for (std::size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(KindOf(messages[i]), kinds[i]);
    const std::string text = EncodeFederationMessage(messages[i]);
    EXPECT_EQ(json::parse(text)["kind"], kinds[i]);
    const FederationMessage back = ValueOf(DecodeFederationMessage(text));
    EXPECT_EQ(back.index(), messages[i].index());
    EXPECT_EQ(EncodeFederationMessage(back), text) << "every field survives: " << text;
  }
  const auto submit = std::get<SubmitTrigger>(ValueOf(DecodeFederationMessage(EncodeFederationMessage(messages[0]))));
  EXPECT_EQ(submit.command.cdn_path, (std::vector<std::string>{"cdn-a", "cdn-b"}));
  EXPECT_EQ(submit.command.trigger.content_patterns[0], (PatternMatch{"https://www.cp1.example/*.js", true, true}));
  const auto progress =
      std::get<TriggerProgress>(ValueOf(DecodeFederationMessage(EncodeFederationMessage(messages[2]))));
  EXPECT_EQ(progress.errors[0].server_ids, (std::vector<std::string>{"b-e1", "b-e2"}));
  EXPECT_EQ(progress.errors[1].code, TriggerErrorCode::kEcdn);
  const auto ok = std::get<ServerResult>(ValueOf(DecodeFederationMessage(EncodeFederationMessage(messages[5]))));
  EXPECT_FALSE(ok.error.has_value());
  EXPECT_EQ(ok.objects_affected, 18446744073709551615ull);
  const auto failed = std::get<ServerResult>(ValueOf(DecodeFederationMessage(EncodeFederationMessage(messages[6]))));
  EXPECT_EQ(failed.error, TriggerErrorCode::kEcontent);
}

TEST(FederationCodec, MessageTextIsDeterministic) {
  EXPECT_EQ(EncodeFederationMessage(CancelTrigger{"r1"}), R"({"kind":"cancel","request_id":"r1"})");
  EXPECT_EQ(EncodeFederationMessage(ProgressAck{"r1", TriggerStatus::kComplete}),
            R"({"kind":"progress_ack","request_id":"r1","status":"complete"})");
  ServerResult r;
  r.command_id = "b/1";
  r.server = "s";
  r.objects_affected = 3;
  EXPECT_EQ(EncodeFederationMessage(r),
            R"({"kind":"result","command_id":"b/1","server":"s","failed_urls":[],"objects_affected":3})");
}

TEST(FederationCodec, MessageErrorsNameThePath) {
  const std::vector<StrictCase> cases = {
      {R"({"request_id":"r"})", "kind", "missing"},
      {R"({"kind":"explode"})", "kind", "unknown message kind"},
      {R"({"kind":7})", "kind", "expected a string"},
      {R"({"kind":"cancel","request_id":"r","x":1})", "x", "unknown member"},
      {R"({"kind":"cancel"})", "request_id", "missing"},
      {R"({"kind":"cancel","request_id":""})", "request_id", "non-empty"},
      {R"({"kind":"progress_ack","request_id":"r","status":"done"})", "status", "unknown status"},
      {R"({"kind":"submit","request_id":"r","command":{"trigger":{"type":"purge"},"cdn-path":[]}})",
       "command.trigger", "nothing to act on"},
      {R"({"kind":"submit","request_id":"r","command":{"trigger":{"type":"purge","content.urls":["u"]}}})",
       "command.cdn-path", "missing"},
      {R"({"kind":"progress","request_id":"r","status":"active","errors":[{"error":"eoops"}],)"
       R"("targeted_servers":[],"acknowledged_servers":[]})",
       "errors[0].error", "unknown error code"},
      {R"({"kind":"progress","request_id":"r","status":"active","errors":[{"error":"ecdn","cdnlab.servers":[1]}],)"
       R"("targeted_servers":[],"acknowledged_servers":[]})",
       "errors[0].cdnlab.servers[0]", "expected a string"},
      {R"({"kind":"apply","command_id":"c","trigger":{"type":"purge","content.urls":["u"]},"configurations":{}})",
       "configurations", "expected an array"},
      {R"({"kind":"result","command_id":"c","server":"s","failed_urls":[],"objects_affected":-1})",
       "objects_affected", "non-negative"},
      {R"({"kind":"result","command_id":"c","server":"s","failed_urls":[],"objects_affected":1.5})",
       "objects_affected", "unsigned integer"},
      {R"({"kind":"result","command_id":"c","server":"s","failed_urls":[],"objects_affected":1e30})",
       "objects_affected", "unsigned integer"},
      {R"({"kind":"result","command_id":"c","server":"s","failed_urls":[],)"
       R"("objects_affected":123456789012345678901234567890})",
       "objects_affected", "unsigned integer"},
      {R"({"kind":"result","command_id":"c","server":"s","error":null,"failed_urls":[],"objects_affected":1})",
       "error", "expected a string"},
  };
  for (const auto& c : cases) {
    const FederationCodecError e = ErrorOf(DecodeFederationMessage(c.body));
    EXPECT_EQ(e.path, c.path) << c.body << " -> " << e.ToString();
    EXPECT_NE(e.message.find(c.fragment), std::string::npos) << c.body << " -> " << e.ToString();
  }
}

CommandRecord FullRecord() {
  TriggerCommand command;
  command.trigger.type = TriggerType::kPurge;
  command.trigger.content_urls = {"https://www.cp1.example/a"};
  command.trigger.content_patterns = {PatternMatch{"https://www.cp1.example/img/*", false, true}};
  command.cdn_path = {"cdn-a"};
  TriggerStatusResource status(command, SimTime(1234567891));
  status.Activate(SimTime(2000000003));
  status.Processed(SimTime(3000000005), {FullError()});
  CommandRecord r(status);
  r.id = "cdn-b/4";
  r.principal = "cdn-a";
  r.request_id = "cdn-a/3>cdn-b";
  r.upstream_node = "cdn-a-gw";
  r.configurations = {"conf1", "conf2"};
  TriggerError refused;
  refused.code = TriggerErrorCode::kEperm;
  refused.content_urls = {"https://other.example/x"};
  refused.description = "not a host of this principal";
  r.admission_errors = {refused};
  ServerTarget parent;
  parent.server = "b-p1";
  parent.tier_depth = 0;
  parent.dispatched = true;
  parent.acknowledged = true;
  parent.attempts = 2;
  parent.objects_affected = 7;
  parent.acknowledged_at = SimTime(2500000001);
  ServerTarget edge;
  edge.server = "b-e1";
  edge.tier_depth = 1;
  edge.dispatched = true;
  edge.gave_up = true;
  edge.attempts = 12;
  edge.error = TriggerErrorCode::kEcontent;
  edge.failed_urls = {"https://www.cp1.example/a"};
  r.servers = {parent, edge};
  DownstreamTarget down;
  down.platform = "cdn-c";
  down.request_id = "cdn-b/4>cdn-c";
  down.submitted = true;
  down.heard = true;
  down.cancel_sent = true;
  down.attempts = 3;
  down.last_heard = SimTime(2900000000);
  down.status = TriggerStatus::kComplete;
  down.errors = {FullError()};
  down.targeted_servers = {"c-e1", "c-e2"};
  down.acknowledged_servers = {"c-e1"};
  r.downstreams = {down};
  r.progress_acknowledged = true;
  return r;
}

TEST(FederationCodec, CommandRecordRoundTripsEveryField) {
  const CommandRecord r = FullRecord();
  const std::string text = EncodeCommandRecord(r);
  const CommandRecord back = ValueOf(DecodeCommandRecord(text));
  EXPECT_EQ(EncodeCommandRecord(back), text);
  EXPECT_EQ(back.id, "cdn-b/4");
  EXPECT_EQ(back.upstream_node, "cdn-a-gw");
  EXPECT_EQ(back.status.Status(), TriggerStatus::kProcessed);
  EXPECT_EQ(back.status.CreatedAt(), SimTime(1234567891)) << "nanoseconds, not rounded";
  EXPECT_EQ(back.status.ModifiedAt(), SimTime(3000000005));
  EXPECT_EQ(back.status.FinishedAt(), SimTime(3000000005));
  EXPECT_EQ(back.status.Errors().size(), 1u);
  EXPECT_EQ(back.status.Command().cdn_path, (std::vector<std::string>{"cdn-a"}));
  ASSERT_EQ(back.servers.size(), 2u);
  EXPECT_EQ(back.servers[0].acknowledged_at, SimTime(2500000001));
  EXPECT_FALSE(back.servers[0].error.has_value());
  EXPECT_EQ(back.servers[1].error, TriggerErrorCode::kEcontent);
  EXPECT_TRUE(back.servers[1].gave_up);
  EXPECT_EQ(back.servers[1].attempts, 12);
  EXPECT_EQ(back.downstreams[0].last_heard, SimTime(2900000000));
  EXPECT_TRUE(back.downstreams[0].cancel_sent);
  EXPECT_EQ(back.downstreams[0].status, TriggerStatus::kComplete);
  EXPECT_TRUE(back.progress_acknowledged);
  EXPECT_EQ(back.admission_errors[0].description, "not a host of this principal");
  // The restored resource keeps obeying its state machine.
  CommandRecord pending(TriggerStatusResource(r.status.Command(), SimTime(5)));
  pending.id = "x/1";
  CommandRecord restored = ValueOf(DecodeCommandRecord(EncodeCommandRecord(pending)));
  EXPECT_FALSE(restored.status.FinishedAt().has_value());
  EXPECT_TRUE(restored.status.Activate(SimTime(6)));
  TriggerStatusResource finished = back.status;
  EXPECT_FALSE(finished.Activate(SimTime(6))) << "a restored final status stays final";
}

TEST(FederationCodec, RecordErrorsNameThePath) {
  json j = json::parse(EncodeCommandRecord(FullRecord()));
  j["servers"][1]["attempts"] = "twelve";
  EXPECT_EQ(ErrorOf(DecodeCommandRecord(j.dump())).path, "servers[1].attempts");
  j = json::parse(EncodeCommandRecord(FullRecord()));
  j["status"]["ctime_ns"] = 1.5;
  EXPECT_EQ(ErrorOf(DecodeCommandRecord(j.dump())).path, "status.ctime_ns");
  j = json::parse(EncodeCommandRecord(FullRecord()));
  j["status"]["mtime_ns"] = 9223372036854775808ull;
  EXPECT_EQ(ErrorOf(DecodeCommandRecord(j.dump())).ToString(), "status.mtime_ns: integer out of range");
  j = json::parse(EncodeCommandRecord(FullRecord()));
  j["downstreams"][0]["status"] = "finished";
  EXPECT_EQ(ErrorOf(DecodeCommandRecord(j.dump())).path, "downstreams[0].status");
  j = json::parse(EncodeCommandRecord(FullRecord()));
  j["downstreams"][0].erase("heard");
  EXPECT_EQ(ErrorOf(DecodeCommandRecord(j.dump())).path, "downstreams[0].heard");
  j = json::parse(EncodeCommandRecord(FullRecord()));
  j["servers"][0]["tier_depth"] = 4294967296ll;
  EXPECT_EQ(ErrorOf(DecodeCommandRecord(j.dump())).path, "servers[0].tier_depth");
  j = json::parse(EncodeCommandRecord(FullRecord()));
  j["status"]["command"]["trigger"]["content.patterns"][0]["pattern"] = "oops\\";
  EXPECT_EQ(ErrorOf(DecodeCommandRecord(j.dump())).path, "status.command.trigger.content.patterns[0].pattern");
  j = json::parse(EncodeCommandRecord(FullRecord()));
  j["extra"] = true;
  EXPECT_EQ(ErrorOf(DecodeCommandRecord(j.dump())).path, "extra");
}

TEST(FederationCodec, StatisticsTravelInResultsProgressRecordsAndTheStatusResource) {
  // A statistics trigger is accepted as an ordinary CI/T command, patterns included.
  const auto parsed = ValueOf(ParseCiTriggerCommand(
      R"({"trigger":{"type":"statistics","content.patterns":[{"pattern":"https://www.cp1.example/*"}],)"
      R"("metadata.urls":["https://meta/x"]},"cdn-path":[]})"));
  ASSERT_TRUE(parsed.trigger.has_value());
  EXPECT_EQ(parsed.trigger->trigger.type, TriggerType::kStatistics);
  EXPECT_EQ(TriggerSpecToJson(parsed.trigger->trigger)["type"], "statistics");

  ServerResult result;
  result.command_id = "cdn-b-t4";
  result.server = "b-e1";
  result.statistics = {{"b-e1", "conf1", 5, 2}, {"b-e1", "conf2", 18446744073709551615ull, 0}};
  const std::string result_text = EncodeFederationMessage(result);
  const auto result_back = std::get<ServerResult>(ValueOf(DecodeFederationMessage(result_text)));
  EXPECT_EQ(result_back.statistics, result.statistics);
  EXPECT_EQ(EncodeFederationMessage(result_back), result_text);
  EXPECT_EQ(json::parse(result_text)["statistics"][0].dump(),
            R"({"configuration":"conf1","objects":5,"server":"b-e1","stale":2})");

  TriggerProgress progress;
  progress.request_id = "cdn-a-t3>cdn-b";
  progress.status = TriggerStatus::kComplete;
  progress.targeted_servers = {"b-e1", "c-e1"};
  progress.acknowledged_servers = {"b-e1", "c-e1"};
  progress.statistics = {{"b-e1", "conf1", 5, 2}, {"c-e1", "conf1", 4, 0}};
  const std::string progress_text = EncodeFederationMessage(progress);
  const auto progress_back = std::get<TriggerProgress>(ValueOf(DecodeFederationMessage(progress_text)));
  EXPECT_EQ(progress_back.statistics, progress.statistics);
  EXPECT_EQ(EncodeFederationMessage(progress_back), progress_text);

  // Records: a server's numbers and a downstream's survive the journal; Statistics() has them all.
  CommandRecord r = FullRecord();
  r.servers[0].statistics = {{"b-p1", "conf1", 7, 1}};
  r.servers[1].statistics = {{"b-e1", "conf1", 9, 9}};  // gave up, not acknowledged: not counted
  r.downstreams[0].statistics = {{"c-e1", "conf1", 3, 0}, {"b-p1", "conf1", 100, 100}};  // (b-p1 seen already)
  const std::string text = EncodeCommandRecord(r);
  const CommandRecord back = ValueOf(DecodeCommandRecord(text));
  EXPECT_EQ(EncodeCommandRecord(back), text);
  EXPECT_EQ(back.servers[0].statistics, r.servers[0].statistics);
  EXPECT_EQ(back.downstreams[0].statistics, r.downstreams[0].statistics);
  const std::vector<ServerStatistics> all{{"b-p1", "conf1", 7, 1}, {"c-e1", "conf1", 3, 0}};
  EXPECT_EQ(back.Statistics(), all);

  // The status resource carries them as cdnlab's extension member, only when there are some.
  const ordered_json status = TriggerStatusToJson(back, 1462351680.0);
  EXPECT_EQ(status["cdnlab.statistics"].dump(),
            R"([{"server":"b-p1","configuration":"conf1","objects":7,"stale":1},)"
            R"({"server":"c-e1","configuration":"conf1","objects":3,"stale":0}])");
  EXPECT_EQ(status["status"], "processed");
  ordered_json plain = TriggerStatusToJson(FullRecord(), 1462351680.0);
  EXPECT_FALSE(plain.contains("cdnlab.statistics"));
  // Per-server progress (cdnlab's extension member): this platform's servers with what the
  // gateway knows, the downstream's as it reported them.
  EXPECT_EQ(plain["cdnlab.progress"].dump(),
            R"({"targeted":4,"acknowledged":2,"servers":[)"
            R"({"server":"b-p1","state":"acknowledged","attempts":2,"objects":7},)"
            R"({"server":"b-e1","state":"unreachable","attempts":12},)"
            R"({"server":"c-e1","cdn":"cdn-c","state":"acknowledged"},)"
            R"({"server":"c-e2","cdn":"cdn-c","state":"unreachable"}],)"
            R"("downstreams":[{"cdn":"cdn-c","status":"complete","targeted":2,"acknowledged":1}]})");
  plain.erase("cdnlab.progress");
  EXPECT_EQ(plain.dump(), TriggerStatusToJson(FullRecord().status, 1462351680.0).dump());
  // Without statistics every message and record keeps its earlier text.
  EXPECT_EQ(EncodeCommandRecord(FullRecord()).find("statistics"), std::string::npos);

  json bad = json::parse(result_text);
  bad["statistics"][1]["stale"] = -1;
  EXPECT_EQ(ErrorOf(DecodeFederationMessage(bad.dump())).path, "statistics[1].stale");
  bad = json::parse(result_text);
  bad["statistics"][0]["stale"] = 6;
  EXPECT_EQ(ErrorOf(DecodeFederationMessage(bad.dump())).ToString(),
            "statistics[0].stale: more stale objects than objects");
  bad = json::parse(result_text);
  bad["statistics"][0]["bytes"] = 1;
  EXPECT_EQ(ErrorOf(DecodeFederationMessage(bad.dump())).path, "statistics[0].bytes");
  bad = json::parse(result_text);
  bad["statistics"][0].erase("configuration");
  EXPECT_EQ(ErrorOf(DecodeFederationMessage(bad.dump())).path, "statistics[0].configuration");
  json record = json::parse(text);
  record["downstreams"][0]["statistics"] = "many";
  EXPECT_EQ(ErrorOf(DecodeCommandRecord(record.dump())).path, "downstreams[0].statistics");
}

TEST(FederationCodec, HostileInputIsAnErrorNotACrash) {
  const std::string deep_arrays = std::string(200000, '[') + std::string(200000, ']');
  std::string deep_objects;
  for (int i = 0; i < 50000; ++i) deep_objects += R"({"trigger":)";
  deep_objects += "1" + std::string(50000, '}');
  const std::vector<std::string> inputs = {
      deep_arrays,
      deep_objects,
      std::string(100000, '['),
      R"({"kind":"result","command_id":"c","server":"s","failed_urls":[],"objects_affected":1e400})",
      R"({"kind":"result","command_id":"c","server":"s","failed_urls":[],"objects_affected":-1e400})",
      R"({"kind":"cancel","request_id":"\ud800"})",
      std::string("{\"kind\":\"cancel\",\"request_id\":\"\xff\xfe\"}"),
      std::string("{\"kind\":\"cancel\",") + '\0' + "\"request_id\":\"r\"}",
      R"({"kind":["submit"]})",
      R"({"kind":"submit","request_id":"r","command":[]})",
      R"({"kind":"progress","request_id":"r","status":"active","errors":{},"targeted_servers":[],)"
      R"("acknowledged_servers":[]})",
      "null",
      "{}",
      "\"\"",
      "123",
      "{\"a\":",
  };
  for (const auto& text : inputs) {
    EXPECT_NO_THROW({
      EXPECT_TRUE(std::holds_alternative<FederationCodecError>(DecodeFederationMessage(text)));
      EXPECT_TRUE(std::holds_alternative<FederationCodecError>(DecodeCommandRecord(text)));
      EXPECT_TRUE(std::holds_alternative<FederationCodecError>(ParseCiTriggerCommand(text)));
    }) << text.substr(0, 80);
  }
  // Deep nesting inside an otherwise valid shape is refused at the first wrong type.
  const std::string nested_trigger = R"({"trigger":)" + deep_arrays + R"(,"cdn-path":["A"]})";
  EXPECT_EQ(ErrorOf(ParseCiTriggerCommand(nested_trigger)).path, "trigger");
}

TEST(FederationCodec, EncodersNeverThrowOnInvalidUtf8) {
  CancelTrigger bad{std::string("r\xff")};
  std::string text;
  EXPECT_NO_THROW(text = EncodeFederationMessage(bad));
  EXPECT_TRUE(std::holds_alternative<FederationMessage>(DecodeFederationMessage(text)));
}

}  // namespace
}  // namespace cdnlab
