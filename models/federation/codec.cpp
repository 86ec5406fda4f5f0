#include "models/federation/codec.h"

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <map>
#include <set>
#include <type_traits>

#include "models/core/json_walk.h"

namespace cdnlab {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Decoders walk the document with the json_walk helpers; the first problem throws a Failure that
// the public entry points turn into a FederationCodecError, so nothing escapes them.
using json_walk::At;
using json_walk::Fail;
using json_walk::Failure;
using json_walk::Join;
using json_walk::Optional;
using json_walk::Required;
using json_walk::RequireObject;

std::string String(const json& j, const std::string& path) {
  if (!j.is_string()) Fail(path, "expected a string");
  return j.get<std::string>();
}

std::string NonEmptyString(const json& j, const std::string& path) {
  std::string s = String(j, path);
  if (s.empty()) Fail(path, "expected a non-empty string");
  return s;
}

bool Bool(const json& j, const std::string& path) {
  if (!j.is_boolean()) Fail(path, "expected a boolean");
  return j.get<bool>();
}

std::int64_t Int64(const json& j, const std::string& path) {
  if (j.is_number_unsigned()) {
    const auto v = j.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) Fail(path, "integer out of range");
    return static_cast<std::int64_t>(v);
  }
  if (!j.is_number_integer()) Fail(path, "expected an integer");
  return j.get<std::int64_t>();
}

std::uint64_t Uint64(const json& j, const std::string& path) {
  if (j.is_number_unsigned()) return j.get<std::uint64_t>();
  if (j.is_number_integer()) Fail(path, "expected a non-negative integer");
  Fail(path, "expected an unsigned integer");
}

int Int(const json& j, const std::string& path) {
  const std::int64_t v = Int64(j, path);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) Fail(path, "integer out of range");
  return static_cast<int>(v);
}

std::vector<std::string> StringList(const json& j, const std::string& path, bool allow_empty_strings = false) {
  if (!j.is_array()) Fail(path, "expected an array of strings");
  std::vector<std::string> out;
  out.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    out.push_back(allow_empty_strings ? String(j[i], At(path, i)) : NonEmptyString(j[i], At(path, i)));
  }
  return out;
}

std::vector<std::string> OptionalStringList(const json& object, const std::string& path, const char* name) {
  const json* member = Optional(object, name);
  return member ? StringList(*member, Join(path, name)) : std::vector<std::string>{};
}

TriggerStatus Status(const json& j, const std::string& path) {
  auto status = ParseTriggerStatus(String(j, path));
  if (!status) Fail(path, "unknown status '" + j.get<std::string>() + "'");
  return *status;
}

TriggerErrorCode ErrorCode(const json& j, const std::string& path) {
  auto code = ParseTriggerErrorCode(String(j, path));
  if (!code) Fail(path, "unknown error code '" + j.get<std::string>() + "'");
  return *code;
}

SimTime Nanos(const json& j, const std::string& path) { return SimTime(Int64(j, path)); }

// --- RFC 8007 objects ---

// cdnlab's own members in RFC 8007 objects ("cdnlab.statistics", "cdnlab.servers") share this prefix.
constexpr const char* kCdnlabPrefix = "cdnlab.";

// An RFC 8007 object: like RequireObject, except that a member outside `known` is an extension,
// returned (name -> JSON text) so that it is ignored and passed on (RFC 8007 section 5: unknown
// members are not an error). One that claims cdnlab's prefix is refused: cdnlab defines that
// namespace, so a name it does not know there can only be a mistake.
std::map<std::string, std::string> ExtensionMembers(const json& j, const std::string& path,
                                                    std::initializer_list<const char*> known) {
  if (!j.is_object()) Fail(path, "expected an object");
  std::map<std::string, std::string> out;
  for (const auto& item : j.items()) {
    bool is_known = false;
    for (const char* name : known) is_known = is_known || item.key() == name;
    if (is_known) continue;
    if (item.key().rfind(kCdnlabPrefix, 0) == 0) Fail(Join(path, item.key()), "unknown cdnlab member");
    out[item.key()] = item.value().dump();
  }
  return out;
}

ordered_json PatternToJson(const PatternMatch& p) {
  ordered_json j;
  j["pattern"] = p.pattern;
  // The RFC's defaults are false; writing only true keeps the RFC's own examples unchanged.
  if (p.case_sensitive) j["case-sensitive"] = true;
  if (p.match_query_string) j["match-query-string"] = true;
  return j;
}

PatternMatch PatternFromJson(const json& j, const std::string& path) {
  ExtensionMembers(j, path, {"pattern", "case-sensitive", "match-query-string"});  // others ignored
  PatternMatch p;
  p.pattern = NonEmptyString(Required(j, path, "pattern"), Join(path, "pattern"));
  if (const json* m = Optional(j, "case-sensitive")) p.case_sensitive = Bool(*m, Join(path, "case-sensitive"));
  if (const json* m = Optional(j, "match-query-string")) {
    p.match_query_string = Bool(*m, Join(path, "match-query-string"));
  }
  if (!p.WellFormed()) Fail(Join(path, "pattern"), "ends with a lone escape character '\\'");
  return p;
}

ordered_json PatternsToJson(const std::vector<PatternMatch>& patterns) {
  ordered_json a = ordered_json::array();
  for (const auto& p : patterns) a.push_back(PatternToJson(p));
  return a;
}

std::vector<PatternMatch> OptionalPatterns(const json& object, const std::string& path, const char* name) {
  const json* member = Optional(object, name);
  if (!member) return {};
  const std::string here = Join(path, name);
  if (!member->is_array()) Fail(here, "expected an array of PatternMatch objects");
  std::vector<PatternMatch> out;
  for (std::size_t i = 0; i < member->size(); ++i) out.push_back(PatternFromJson((*member)[i], At(here, i)));
  return out;
}

// `strict` applies the rules for what a requester may ask (non-empty, no patterns in a
// preposition); a journal record keeps whatever was asked, refused or not, and must read back.
TriggerSpec SpecFromJson(const json& j, const std::string& path, bool strict = true) {
  TriggerSpec spec;
  spec.extensions = ExtensionMembers(
      j, path, {"type", "metadata.urls", "content.urls", "content.ccid", "metadata.patterns", "content.patterns"});
  const std::string type = NonEmptyString(Required(j, path, "type"), Join(path, "type"));
  // An unknown type is no malformed request: the command is accepted and fails "eunsupported".
  spec.type = ParseTriggerType(type).value_or(TriggerType::kUnknown);
  if (spec.type == TriggerType::kUnknown) spec.unknown_type = type;
  spec.metadata_urls = OptionalStringList(j, path, "metadata.urls");
  spec.content_urls = OptionalStringList(j, path, "content.urls");
  spec.content_ccids = OptionalStringList(j, path, "content.ccid");
  spec.metadata_patterns = OptionalPatterns(j, path, "metadata.patterns");
  spec.content_patterns = OptionalPatterns(j, path, "content.patterns");
  if (!strict || spec.type == TriggerType::kUnknown) return spec;  // an unknown type's rules are unknown
  if (spec.Empty()) {
    Fail(path, "names nothing to act on (needs metadata.urls, content.urls, content.ccid or patterns)");
  }
  // RFC 8007 section 5.2.1: a pre-position names exact objects, never patterns.
  if (spec.type == TriggerType::kPreposition) {
    if (!spec.metadata_patterns.empty()) Fail(Join(path, "metadata.patterns"), "not allowed in a preposition");
    if (!spec.content_patterns.empty()) Fail(Join(path, "content.patterns"), "not allowed in a preposition");
  }
  return spec;
}

ordered_json StringsToJson(const std::vector<std::string>& items) {
  ordered_json a = ordered_json::array();
  for (const auto& s : items) a.push_back(s);
  return a;
}

TriggerError ErrorFromJson(const json& j, const std::string& path) {
  RequireObject(j, path,
                {"error", "metadata.urls", "content.urls", "metadata.patterns", "content.patterns", "description",
                 "cdnlab.servers"});
  TriggerError e;
  e.code = ErrorCode(Required(j, path, "error"), Join(path, "error"));
  e.metadata_urls = OptionalStringList(j, path, "metadata.urls");
  e.content_urls = OptionalStringList(j, path, "content.urls");
  e.metadata_patterns = OptionalPatterns(j, path, "metadata.patterns");
  e.content_patterns = OptionalPatterns(j, path, "content.patterns");
  e.server_ids = OptionalStringList(j, path, "cdnlab.servers");
  if (const json* d = Optional(j, "description")) e.description = String(*d, Join(path, "description"));
  return e;
}

ordered_json ErrorsToJson(const std::vector<TriggerError>& errors) {
  ordered_json a = ordered_json::array();
  for (const auto& e : errors) a.push_back(TriggerErrorToJson(e));
  return a;
}

std::vector<TriggerError> ErrorsFromJson(const json& j, const std::string& path) {
  if (!j.is_array()) Fail(path, "expected an array of error descriptions");
  std::vector<TriggerError> out;
  for (std::size_t i = 0; i < j.size(); ++i) out.push_back(ErrorFromJson(j[i], At(path, i)));
  return out;
}

// {"trigger": ..., "cdn-path": [...]}: the RFC's command shape, reused inside cdnlab's messages.
ordered_json CommandToJson(const TriggerCommand& command) {
  ordered_json j;
  j["trigger"] = TriggerSpecToJson(command.trigger);
  j["cdn-path"] = StringsToJson(command.cdn_path);
  return j;
}

TriggerCommand CommandFromJson(const json& j, const std::string& path, bool strict = true) {
  RequireObject(j, path, {"trigger", "cdn-path"});
  TriggerCommand c;
  c.trigger = SpecFromJson(Required(j, path, "trigger"), Join(path, "trigger"), strict);
  c.cdn_path = StringList(Required(j, path, "cdn-path"), Join(path, "cdn-path"));
  return c;
}

// cdnlab's statistics extension: [{"server", "configuration", "objects", "stale"}]. Written
// only when non-empty, so every other message and record keeps its RFC-era shape.
ordered_json StatisticsToJson(const std::vector<ServerStatistics>& items) {
  ordered_json a = ordered_json::array();
  for (const auto& s : items) {
    a.push_back(ordered_json{
        {"server", s.server}, {"configuration", s.configuration}, {"objects", s.objects}, {"stale", s.stale}});
  }
  return a;
}

void PutStatistics(ordered_json& j, const char* name, const std::vector<ServerStatistics>& items) {
  if (!items.empty()) j[name] = StatisticsToJson(items);
}

std::vector<ServerStatistics> OptionalStatistics(const json& object, const std::string& path, const char* name) {
  const json* member = Optional(object, name);
  if (!member) return {};
  const std::string here = Join(path, name);
  if (!member->is_array()) Fail(here, "expected an array of server statistics");
  std::vector<ServerStatistics> out;
  for (std::size_t i = 0; i < member->size(); ++i) {
    const json& e = (*member)[i];
    const std::string at = At(here, i);
    RequireObject(e, at, {"server", "configuration", "objects", "stale"});
    ServerStatistics s;
    s.server = NonEmptyString(Required(e, at, "server"), Join(at, "server"));
    s.configuration = NonEmptyString(Required(e, at, "configuration"), Join(at, "configuration"));
    s.objects = Uint64(Required(e, at, "objects"), Join(at, "objects"));
    s.stale = Uint64(Required(e, at, "stale"), Join(at, "stale"));
    if (s.stale > s.objects) Fail(Join(at, "stale"), "more stale objects than objects");
    out.push_back(std::move(s));
  }
  return out;
}

// --- cdnlab's messages ---

ordered_json Kind(const FederationMessage& message) {
  ordered_json j;
  j["kind"] = KindOf(message);
  return j;
}

ordered_json ToJson(const SubmitTrigger& m) {
  ordered_json j = Kind(m);
  j["request_id"] = m.request_id;
  j["command"] = CommandToJson(m.command);
  return j;
}
ordered_json ToJson(const CancelTrigger& m) {
  ordered_json j = Kind(m);
  j["request_id"] = m.request_id;
  return j;
}
ordered_json ToJson(const TriggerProgress& m) {
  ordered_json j = Kind(m);
  j["request_id"] = m.request_id;
  j["status"] = ToString(m.status);
  j["errors"] = ErrorsToJson(m.errors);
  j["targeted_servers"] = StringsToJson(m.targeted_servers);
  j["acknowledged_servers"] = StringsToJson(m.acknowledged_servers);
  PutStatistics(j, "statistics", m.statistics);
  return j;
}
ordered_json ToJson(const ProgressAck& m) {
  ordered_json j = Kind(m);
  j["request_id"] = m.request_id;
  j["status"] = ToString(m.status);
  return j;
}
ordered_json ToJson(const ApplyToServer& m) {
  ordered_json j = Kind(m);
  j["command_id"] = m.command_id;
  j["trigger"] = TriggerSpecToJson(m.trigger);
  j["configurations"] = StringsToJson(m.configurations);
  return j;
}
ordered_json ToJson(const ServerResult& m) {
  ordered_json j = Kind(m);
  j["command_id"] = m.command_id;
  j["server"] = m.server;
  if (m.error) j["error"] = ToString(*m.error);
  j["failed_urls"] = StringsToJson(m.failed_urls);
  j["objects_affected"] = m.objects_affected;
  PutStatistics(j, "statistics", m.statistics);
  return j;
}

FederationMessage MessageFromJson(const json& j) {
  if (!j.is_object()) Fail("", "expected an object");
  const std::string kind = String(Required(j, "", "kind"), "kind");
  if (kind == "submit") {
    RequireObject(j, "", {"kind", "request_id", "command"});
    SubmitTrigger m;
    m.request_id = NonEmptyString(Required(j, "", "request_id"), "request_id");
    m.command = CommandFromJson(Required(j, "", "command"), "command");
    return m;
  }
  if (kind == "cancel") {
    RequireObject(j, "", {"kind", "request_id"});
    return CancelTrigger{NonEmptyString(Required(j, "", "request_id"), "request_id")};
  }
  if (kind == "progress") {
    RequireObject(j, "",
                  {"kind", "request_id", "status", "errors", "targeted_servers", "acknowledged_servers", "statistics"});
    TriggerProgress m;
    m.request_id = NonEmptyString(Required(j, "", "request_id"), "request_id");
    m.status = Status(Required(j, "", "status"), "status");
    m.errors = ErrorsFromJson(Required(j, "", "errors"), "errors");
    m.targeted_servers = StringList(Required(j, "", "targeted_servers"), "targeted_servers");
    m.acknowledged_servers = StringList(Required(j, "", "acknowledged_servers"), "acknowledged_servers");
    m.statistics = OptionalStatistics(j, "", "statistics");
    return m;
  }
  if (kind == "progress_ack") {
    RequireObject(j, "", {"kind", "request_id", "status"});
    ProgressAck m;
    m.request_id = NonEmptyString(Required(j, "", "request_id"), "request_id");
    m.status = Status(Required(j, "", "status"), "status");
    return m;
  }
  if (kind == "apply") {
    RequireObject(j, "", {"kind", "command_id", "trigger", "configurations"});
    ApplyToServer m;
    m.command_id = NonEmptyString(Required(j, "", "command_id"), "command_id");
    m.trigger = SpecFromJson(Required(j, "", "trigger"), "trigger");
    m.configurations = StringList(Required(j, "", "configurations"), "configurations");
    return m;
  }
  if (kind == "result") {
    RequireObject(j, "", {"kind", "command_id", "server", "error", "failed_urls", "objects_affected", "statistics"});
    ServerResult m;
    m.command_id = NonEmptyString(Required(j, "", "command_id"), "command_id");
    m.server = NonEmptyString(Required(j, "", "server"), "server");
    if (const json* e = Optional(j, "error")) m.error = ErrorCode(*e, "error");
    m.failed_urls = StringList(Required(j, "", "failed_urls"), "failed_urls");
    m.objects_affected = Uint64(Required(j, "", "objects_affected"), "objects_affected");
    m.statistics = OptionalStatistics(j, "", "statistics");
    return m;
  }
  Fail("kind", "unknown message kind '" + kind + "'");
}

// --- journal records ---

ordered_json ServerTargetToJson(const ServerTarget& t) {
  ordered_json j;
  j["server"] = t.server;
  j["tier_depth"] = t.tier_depth;
  j["dispatched"] = t.dispatched;
  j["acknowledged"] = t.acknowledged;
  j["gave_up"] = t.gave_up;
  j["attempts"] = t.attempts;
  if (t.error) j["error"] = ToString(*t.error);
  j["failed_urls"] = StringsToJson(t.failed_urls);
  j["objects_affected"] = t.objects_affected;
  PutStatistics(j, "statistics", t.statistics);
  j["acknowledged_at_ns"] = static_cast<std::int64_t>(t.acknowledged_at.count());
  return j;
}

ServerTarget ServerTargetFromJson(const json& j, const std::string& path) {
  RequireObject(j, path,
                {"server", "tier_depth", "dispatched", "acknowledged", "gave_up", "attempts", "error", "failed_urls",
                 "objects_affected", "statistics", "acknowledged_at_ns"});
  ServerTarget t;
  t.server = NonEmptyString(Required(j, path, "server"), Join(path, "server"));
  t.tier_depth = Int(Required(j, path, "tier_depth"), Join(path, "tier_depth"));
  t.dispatched = Bool(Required(j, path, "dispatched"), Join(path, "dispatched"));
  t.acknowledged = Bool(Required(j, path, "acknowledged"), Join(path, "acknowledged"));
  t.gave_up = Bool(Required(j, path, "gave_up"), Join(path, "gave_up"));
  t.attempts = Int(Required(j, path, "attempts"), Join(path, "attempts"));
  if (const json* e = Optional(j, "error")) t.error = ErrorCode(*e, Join(path, "error"));
  t.failed_urls = StringList(Required(j, path, "failed_urls"), Join(path, "failed_urls"));
  t.objects_affected = Uint64(Required(j, path, "objects_affected"), Join(path, "objects_affected"));
  t.statistics = OptionalStatistics(j, path, "statistics");
  t.acknowledged_at = Nanos(Required(j, path, "acknowledged_at_ns"), Join(path, "acknowledged_at_ns"));
  return t;
}

ordered_json DownstreamToJson(const DownstreamTarget& d) {
  ordered_json j;
  j["platform"] = d.platform;
  j["request_id"] = d.request_id;
  j["submitted"] = d.submitted;
  j["heard"] = d.heard;
  j["cancel_sent"] = d.cancel_sent;
  j["attempts"] = d.attempts;
  j["last_heard_ns"] = static_cast<std::int64_t>(d.last_heard.count());
  j["status"] = ToString(d.status);
  j["errors"] = ErrorsToJson(d.errors);
  j["targeted_servers"] = StringsToJson(d.targeted_servers);
  j["acknowledged_servers"] = StringsToJson(d.acknowledged_servers);
  PutStatistics(j, "statistics", d.statistics);
  return j;
}

DownstreamTarget DownstreamFromJson(const json& j, const std::string& path) {
  RequireObject(j, path,
                {"platform", "request_id", "submitted", "heard", "cancel_sent", "attempts", "last_heard_ns", "status",
                 "errors", "targeted_servers", "acknowledged_servers", "statistics"});
  DownstreamTarget d;
  d.platform = NonEmptyString(Required(j, path, "platform"), Join(path, "platform"));
  d.request_id = String(Required(j, path, "request_id"), Join(path, "request_id"));
  d.submitted = Bool(Required(j, path, "submitted"), Join(path, "submitted"));
  d.heard = Bool(Required(j, path, "heard"), Join(path, "heard"));
  d.cancel_sent = Bool(Required(j, path, "cancel_sent"), Join(path, "cancel_sent"));
  d.attempts = Int(Required(j, path, "attempts"), Join(path, "attempts"));
  d.last_heard = Nanos(Required(j, path, "last_heard_ns"), Join(path, "last_heard_ns"));
  d.status = Status(Required(j, path, "status"), Join(path, "status"));
  d.errors = ErrorsFromJson(Required(j, path, "errors"), Join(path, "errors"));
  d.targeted_servers = StringList(Required(j, path, "targeted_servers"), Join(path, "targeted_servers"));
  d.acknowledged_servers = StringList(Required(j, path, "acknowledged_servers"), Join(path, "acknowledged_servers"));
  d.statistics = OptionalStatistics(j, path, "statistics");
  return d;
}

// The status resource exactly as held (nanosecond times), unlike the RFC view in whole seconds.
ordered_json ResourceToJson(const TriggerStatusResource& r) {
  ordered_json j;
  j["command"] = CommandToJson(r.Command());
  j["status"] = ToString(r.Status());
  j["errors"] = ErrorsToJson(r.Errors());
  j["ctime_ns"] = static_cast<std::int64_t>(r.CreatedAt().count());
  j["mtime_ns"] = static_cast<std::int64_t>(r.ModifiedAt().count());
  if (r.FinishedAt()) j["etime_ns"] = static_cast<std::int64_t>(r.FinishedAt()->count());
  return j;
}

TriggerStatusResource ResourceFromJson(const json& j, const std::string& path) {
  RequireObject(j, path, {"command", "status", "errors", "ctime_ns", "mtime_ns", "etime_ns"});
  TriggerCommand command = CommandFromJson(Required(j, path, "command"), Join(path, "command"), /*strict=*/false);
  const TriggerStatus status = Status(Required(j, path, "status"), Join(path, "status"));
  std::vector<TriggerError> errors = ErrorsFromJson(Required(j, path, "errors"), Join(path, "errors"));
  const SimTime ctime = Nanos(Required(j, path, "ctime_ns"), Join(path, "ctime_ns"));
  const SimTime mtime = Nanos(Required(j, path, "mtime_ns"), Join(path, "mtime_ns"));
  std::optional<SimTime> etime;
  if (const json* e = Optional(j, "etime_ns")) etime = Nanos(*e, Join(path, "etime_ns"));
  return TriggerStatusResource::Restore(std::move(command), status, std::move(errors), ctime, mtime, etime);
}

ordered_json RecordToJson(const CommandRecord& r) {
  ordered_json j;
  j["id"] = r.id;
  j["principal"] = r.principal;
  j["request_id"] = r.request_id;
  j["upstream_node"] = r.upstream_node;
  j["configurations"] = StringsToJson(r.configurations);
  j["admission_errors"] = ErrorsToJson(r.admission_errors);
  ordered_json servers = ordered_json::array();
  for (const auto& s : r.servers) servers.push_back(ServerTargetToJson(s));
  j["servers"] = std::move(servers);
  ordered_json downstreams = ordered_json::array();
  for (const auto& d : r.downstreams) downstreams.push_back(DownstreamToJson(d));
  j["downstreams"] = std::move(downstreams);
  j["progress_acknowledged"] = r.progress_acknowledged;
  j["status"] = ResourceToJson(r.status);
  return j;
}

CommandRecord RecordFromJson(const json& j) {
  RequireObject(j, "",
                {"id", "principal", "request_id", "upstream_node", "configurations", "admission_errors", "servers",
                 "downstreams", "progress_acknowledged", "status"});
  CommandRecord r(ResourceFromJson(Required(j, "", "status"), "status"));
  r.id = NonEmptyString(Required(j, "", "id"), "id");
  r.principal = String(Required(j, "", "principal"), "principal");
  r.request_id = String(Required(j, "", "request_id"), "request_id");
  r.upstream_node = String(Required(j, "", "upstream_node"), "upstream_node");
  r.configurations = StringList(Required(j, "", "configurations"), "configurations");
  r.admission_errors = ErrorsFromJson(Required(j, "", "admission_errors"), "admission_errors");
  const json& servers = Required(j, "", "servers");
  if (!servers.is_array()) Fail("servers", "expected an array");
  for (std::size_t i = 0; i < servers.size(); ++i) {
    r.servers.push_back(ServerTargetFromJson(servers[i], At("servers", i)));
  }
  const json& downstreams = Required(j, "", "downstreams");
  if (!downstreams.is_array()) Fail("downstreams", "expected an array");
  for (std::size_t i = 0; i < downstreams.size(); ++i) {
    r.downstreams.push_back(DownstreamFromJson(downstreams[i], At("downstreams", i)));
  }
  r.progress_acknowledged = Bool(Required(j, "", "progress_acknowledged"), "progress_acknowledged");
  return r;
}

// Invalid UTF-8 in a model's string is replaced rather than thrown: encoders never fail.
std::string Dump(const ordered_json& j) { return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace); }

// Runs `decode` on `text`, turning every failure (ours, nlohmann's, allocation) into an error.
template <typename T, typename F>
Decoded<T> Guarded(const std::string& text, F decode) {
  try {
    return decode(json::parse(text));
  } catch (const Failure& f) {
    return FederationCodecError{f.path, f.message};
  } catch (const json::exception& e) {
    return FederationCodecError{"", e.what()};
  } catch (const std::exception& e) {
    return FederationCodecError{"", e.what()};
  }
}

}  // namespace

nlohmann::ordered_json TriggerSpecToJson(const TriggerSpec& spec) {
  ordered_json j;
  j["type"] = TypeName(spec);
  if (!spec.metadata_urls.empty()) j["metadata.urls"] = StringsToJson(spec.metadata_urls);
  if (!spec.content_urls.empty()) j["content.urls"] = StringsToJson(spec.content_urls);
  if (!spec.content_ccids.empty()) j["content.ccid"] = StringsToJson(spec.content_ccids);
  if (!spec.metadata_patterns.empty()) j["metadata.patterns"] = PatternsToJson(spec.metadata_patterns);
  if (!spec.content_patterns.empty()) j["content.patterns"] = PatternsToJson(spec.content_patterns);
  for (const auto& [name, text] : spec.extensions) j[name] = ordered_json::parse(text);
  return j;
}

Decoded<TriggerSpec> TriggerSpecFromJson(const nlohmann::json& json, const std::string& path) {
  try {
    return SpecFromJson(json, path);
  } catch (const Failure& f) {
    return FederationCodecError{f.path, f.message};
  } catch (const std::exception& e) {
    return FederationCodecError{path, e.what()};
  }
}

nlohmann::ordered_json CiTriggerCommandToJson(const CiTriggerCommand& command) {
  ordered_json j;
  if (command.trigger) {
    j["trigger"] = TriggerSpecToJson(command.trigger->trigger);
  } else {
    j["cancel"] = StringsToJson(command.cancel);
  }
  // The command's own cdn_path travels in the outer member, as in RFC 8007.
  j["cdn-path"] = StringsToJson(command.cdn_path);
  return j;
}

Decoded<CiTriggerCommand> ParseCiTriggerCommand(const std::string& body) {
  return Guarded<CiTriggerCommand>(body, [](const json& j) {
    ExtensionMembers(j, "", {"trigger", "cancel", "cdn-path"});  // others ignored (RFC 8007 section 5)
    const json* trigger = Optional(j, "trigger");
    const json* cancel = Optional(j, "cancel");
    if ((trigger != nullptr) == (cancel != nullptr)) Fail("", "expected exactly one of \"trigger\" and \"cancel\"");
    CiTriggerCommand c;
    c.cdn_path = StringList(Required(j, "", "cdn-path"), "cdn-path");
    if (trigger) {
      c.trigger = TriggerCommand{SpecFromJson(*trigger, "trigger"), c.cdn_path};
    } else {
      c.cancel = StringList(*cancel, "cancel");
      if (c.cancel.empty()) Fail("cancel", "expected at least one Trigger Status Resource URL");
    }
    return c;
  });
}

nlohmann::ordered_json TriggerStatusToJson(const TriggerStatusResource& status, double epoch_unix_s) {
  const auto seconds = [epoch_unix_s](SimTime t) {
    return static_cast<std::int64_t>(std::floor(epoch_unix_s + ToSeconds(t)));
  };
  ordered_json j;
  j["trigger"] = TriggerSpecToJson(status.Command().trigger);
  j["ctime"] = seconds(status.CreatedAt());
  j["mtime"] = seconds(status.ModifiedAt());
  if (status.FinishedAt()) j["etime"] = seconds(*status.FinishedAt());
  j["status"] = ToString(status.Status());
  if (!status.Errors().empty()) j["errors"] = ErrorsToJson(status.Errors());
  return j;
}

nlohmann::ordered_json TriggerStatusToJson(const CommandRecord& record, double epoch_unix_s) {
  ordered_json j = TriggerStatusToJson(record.status, epoch_unix_s);
  PutStatistics(j, "cdnlab.statistics", record.Statistics());
  if (!record.servers.empty() || !record.downstreams.empty()) j["cdnlab.progress"] = CommandProgressToJson(record);
  return j;
}

nlohmann::ordered_json CommandProgressToJson(const CommandRecord& record) {
  const auto acknowledged = record.AcknowledgedServers();
  ordered_json servers = ordered_json::array();
  std::set<std::string> listed;
  // This platform's servers, in dispatch order (tier by tier), with what the gateway knows.
  for (const auto& s : record.servers) {
    const char* state = s.acknowledged ? "acknowledged" : s.gave_up ? "unreachable" : s.dispatched ? "sent" : "waiting";
    ordered_json e{{"server", s.server}, {"state", state}, {"attempts", s.attempts}};
    if (s.acknowledged) e["objects"] = s.objects_affected;
    if (s.acknowledged && s.error) e["error"] = ToString(*s.error);
    servers.push_back(std::move(e));
    listed.insert(s.server);
  }
  // Downstream platforms' servers, as their gateways last reported them.
  for (const auto& d : record.downstreams) {
    for (const auto& server : d.targeted_servers) {
      if (!listed.insert(server).second) continue;
      const bool acked = acknowledged.count(server) > 0;
      const bool settled = d.status == TriggerStatus::kComplete || d.status == TriggerStatus::kProcessed ||
                           d.status == TriggerStatus::kFailed || d.status == TriggerStatus::kCancelled;
      servers.push_back(ordered_json{{"server", server}, {"cdn", d.platform},
                                     {"state", acked ? "acknowledged" : settled ? "unreachable" : "sent"}});
    }
  }
  ordered_json downstreams = ordered_json::array();
  for (const auto& d : record.downstreams) {
    downstreams.push_back(ordered_json{{"cdn", d.platform},
                                       {"status", d.submitted ? ToString(d.status) : "waiting"},
                                       {"targeted", d.targeted_servers.size()},
                                       {"acknowledged", d.acknowledged_servers.size()}});
  }
  return ordered_json{{"targeted", record.TargetedServers().size()},
                      {"acknowledged", acknowledged.size()},
                      {"servers", servers},
                      {"downstreams", downstreams}};
}

nlohmann::ordered_json TriggerErrorToJson(const TriggerError& error) {
  ordered_json j;
  j["error"] = ToString(error.code);
  if (!error.metadata_urls.empty()) j["metadata.urls"] = StringsToJson(error.metadata_urls);
  if (!error.content_urls.empty()) j["content.urls"] = StringsToJson(error.content_urls);
  if (!error.metadata_patterns.empty()) j["metadata.patterns"] = PatternsToJson(error.metadata_patterns);
  if (!error.content_patterns.empty()) j["content.patterns"] = PatternsToJson(error.content_patterns);
  if (!error.description.empty()) j["description"] = error.description;
  if (!error.server_ids.empty()) j["cdnlab.servers"] = StringsToJson(error.server_ids);
  return j;
}

std::string EncodeFederationMessage(const FederationMessage& message) {
  return Dump(std::visit([](const auto& m) { return ToJson(m); }, message));
}

Decoded<FederationMessage> DecodeFederationMessage(const std::string& text) {
  return Guarded<FederationMessage>(text, [](const json& j) { return MessageFromJson(j); });
}

std::string EncodeCommandRecord(const CommandRecord& record) { return Dump(RecordToJson(record)); }

Decoded<CommandRecord> DecodeCommandRecord(const std::string& text) {
  return Guarded<CommandRecord>(text, [](const json& j) { return RecordFromJson(j); });
}

}  // namespace cdnlab
