#include "models/routing/beacon_codec.h"

#include <cmath>
#include <initializer_list>
#include <set>

#include <nlohmann/json.hpp>

#include "models/core/json_walk.h"

namespace cdnlab {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// The walk throws the first problem as a json_walk::Failure; DecodeBeacon turns it into an
// error value, so nothing escapes it.
using json_walk::Fail;
using json_walk::Failure;
using json_walk::Join;
using json_walk::Optional;
using json_walk::Required;
using json_walk::RequireObject;

// Identifiers end up in logs, metric labels and the replay set: short and printable only.
std::string Identifier(const json& j, const std::string& path, std::size_t max_chars) {
  if (!j.is_string()) Fail(path, "expected a string");
  const auto& s = j.get_ref<const std::string&>();
  if (s.empty()) Fail(path, "expected a non-empty string");
  if (s.size() > max_chars) Fail(path, "longer than " + std::to_string(max_chars) + " characters");
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    if (!ok) Fail(path, "only letters, digits, '-', '_' and '.' are allowed");
  }
  return s;
}

// JSON has no NaN; an overflowing literal (1e999) parses as infinity and is refused here.
double NonNegativeNumber(const json& j, const std::string& path) {
  if (!j.is_number()) Fail(path, "expected a number");
  const double v = j.get<double>();
  if (!std::isfinite(v)) Fail(path, "not a finite number");
  if (v < 0) Fail(path, "negative");
  return v;
}

// Absent and null both mean "not measured" (a failed fetch has no timing).
std::optional<double> OptionalMillis(const json& object, const std::string& path, const char* name) {
  const json* member = Optional(object, name);
  if (!member || member->is_null()) return std::nullopt;
  return NonNegativeNumber(*member, Join(path, name));
}

BeaconTiming TimingFromJson(const json& j, const std::string& path, const BeaconDecodeLimits& limits) {
  RequireObject(j, path, {"pop", "ok", "rtt_ms", "dur_ms", "bytes"});
  BeaconTiming t;
  t.pop = Identifier(Required(j, path, "pop"), Join(path, "pop"), limits.max_id_chars);
  const json& ok = Required(j, path, "ok");
  if (!ok.is_boolean()) Fail(Join(path, "ok"), "expected a boolean");
  t.ok = ok.get<bool>();
  t.rtt_ms = OptionalMillis(j, path, "rtt_ms");
  t.duration_ms = OptionalMillis(j, path, "dur_ms");
  const json& bytes = Required(j, path, "bytes");
  if (!bytes.is_number_unsigned() && !(bytes.is_number_integer() && bytes.get<std::int64_t>() >= 0)) {
    Fail(Join(path, "bytes"), "expected a non-negative integer");
  }
  t.bytes = bytes.get<std::uint64_t>();
  return t;
}

Beacon BeaconFromJson(const json& j, Ipv4Address client, const BeaconDecodeLimits& limits) {
  RequireObject(j, "", {"v", "pv", "t", "m"});
  const json& v = Required(j, "", "v");
  if (!v.is_number_integer() || v.get<std::int64_t>() != 1) Fail("v", "unsupported version (expected 1)");
  Beacon b;
  b.client = client;
  b.page_view_id = Identifier(Required(j, "", "pv"), "pv", limits.max_id_chars);
  b.page_time_s = NonNegativeNumber(Required(j, "", "t"), "t");
  const json& m = Required(j, "", "m");
  if (!m.is_array()) Fail("m", "expected an array");
  if (m.empty()) Fail("m", "expected at least one timing");
  if (m.size() > limits.max_timings) Fail("m", "more than " + std::to_string(limits.max_timings) + " timings");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < m.size(); ++i) {
    const std::string here = "m[" + std::to_string(i) + "]";
    BeaconTiming t = TimingFromJson(m[i], here, limits);
    // One page view measures each candidate once; a second entry would double its weight.
    if (!seen.insert(t.pop).second) Fail(here + ".pop", "PoP '" + t.pop + "' appears twice");
    b.timings.push_back(std::move(t));
  }
  return b;
}

}  // namespace

std::variant<Beacon, BeaconDecodeError> DecodeBeacon(std::string_view body, Ipv4Address client,
                                                      const BeaconDecodeLimits& limits) {
  using Kind = BeaconDecodeError::Kind;
  if (body.size() > limits.max_body_bytes) {
    return BeaconDecodeError{Kind::kOversized, "body of " + std::to_string(body.size()) + " bytes exceeds the limit of " +
                                                   std::to_string(limits.max_body_bytes)};
  }
  // No exceptions from the parser: a syntax error yields a discarded value.
  const json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return BeaconDecodeError{Kind::kMalformed, "not valid JSON"};
  try {
    return BeaconFromJson(doc, client, limits);
  } catch (const Failure& f) {
    return BeaconDecodeError{Kind::kMalformed, "member '" + (f.path.empty() ? std::string("(root)") : f.path) +
                                                   "': " + f.message};
  } catch (const json::exception& e) {
    return BeaconDecodeError{Kind::kMalformed, std::string("unexpected JSON value: ") + e.what()};
  }
}

std::string EncodeBeacon(const Beacon& beacon) {
  ordered_json j;
  j["v"] = 1;
  j["pv"] = beacon.page_view_id;
  j["t"] = beacon.page_time_s;
  ordered_json m = ordered_json::array();
  for (const auto& t : beacon.timings) {
    ordered_json item;
    item["pop"] = t.pop;
    item["ok"] = t.ok;
    if (t.rtt_ms) item["rtt_ms"] = *t.rtt_ms;
    if (t.duration_ms) item["dur_ms"] = *t.duration_ms;
    item["bytes"] = t.bytes;
    m.push_back(std::move(item));
  }
  j["m"] = std::move(m);
  return j.dump();
}

}  // namespace cdnlab
