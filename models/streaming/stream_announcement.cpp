#include "models/streaming/stream_announcement.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <set>
#include <vector>

namespace cdnlab {
namespace {

// Wire format (one UTF-8 JSON object per datagram; every member required, no others allowed):
//   {"kind":"announce","ingest":"ingest-1","content_endpoint":"10.0.0.1:8080","serial":7,
//    "ttl_ns":3000000000,"streams":[{"stream":"news","state":"live","last_sequence":42}]}
//   {"kind":"subscribe","node":"edge-1","announce_endpoint":"10.0.1.1:9000","ttl_ns":3000000000}
// Endpoints are "a.b.c.d:port" strings (what Endpoint::ToString() prints: no leading zeros);
// durations are integer nanoseconds (exact round trip of a Duration).
using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::size_t kMaxText = 65507;             // the largest UDP payload
constexpr std::size_t kMaxName = 1024;              // ingest, node and stream ids
constexpr std::int64_t kMaxTtlNs = 86'400'000'000'000;  // one day: soft state, never "forever"

struct Malformed {};

[[noreturn]] void Fail() { throw Malformed{}; }

const json& Member(const json& object, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) Fail();
  return *it;
}

void RequireMembers(const json& object, std::initializer_list<const char*> names) {
  if (!object.is_object() || object.size() != names.size()) Fail();
  for (const char* name : names) {
    if (!object.contains(name)) Fail();
  }
}

std::string Name(const json& j) {
  if (!j.is_string()) Fail();
  std::string s = j.get<std::string>();
  if (s.empty() || s.size() > kMaxName) Fail();
  return s;
}

std::uint64_t Unsigned(const json& j) {
  // nlohmann stores non-negative integers as unsigned; negatives are number_integer, and
  // anything beyond 2^64 - 1 or with a fraction/exponent is number_float: all refused.
  if (!j.is_number_unsigned()) Fail();
  return j.get<std::uint64_t>();
}

Duration Ttl(const json& j) {
  const std::uint64_t ns = Unsigned(j);
  if (ns > static_cast<std::uint64_t>(kMaxTtlNs)) Fail();
  return Duration{static_cast<std::int64_t>(ns)};
}

// Strict decimal: 1 to `max_digits` digits, no sign, no leading zero (except "0" itself).
std::uint32_t Decimal(const std::string& text, std::size_t max_digits, std::uint32_t max_value) {
  if (text.empty() || text.size() > max_digits) Fail();
  if (text.size() > 1 && text[0] == '0') Fail();
  std::uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') Fail();
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (value > max_value) Fail();
  return value;
}

Endpoint ParseEndpoint(const json& j) {
  if (!j.is_string()) Fail();
  const std::string text = j.get<std::string>();
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) Fail();
  const std::string address = text.substr(0, colon);
  std::uint32_t value = 0;
  std::size_t start = 0;
  for (int octet = 0; octet < 4; ++octet) {
    const auto dot = address.find('.', start);
    const bool last = octet == 3;
    if (last != (dot == std::string::npos)) Fail();
    const std::string part = address.substr(start, last ? std::string::npos : dot - start);
    value = (value << 8) | Decimal(part, 3, 255);
    start = dot + 1;
  }
  return Endpoint{Ipv4Address{value}, static_cast<std::uint16_t>(Decimal(text.substr(colon + 1), 5, 65535))};
}

const char* StateName(StreamState state) { return state == StreamState::kLive ? "live" : "stopped"; }

StreamState ParseState(const json& j) {
  if (!j.is_string()) Fail();
  const std::string s = j.get<std::string>();
  if (s == "live") return StreamState::kLive;
  if (s == "stopped") return StreamState::kStopped;
  Fail();
}

std::int64_t TtlNs(Duration ttl) { return ttl.count() < 0 ? 0 : ttl.count(); }

StreamAnnouncement DecodeAnnouncement(const json& j) {
  RequireMembers(j, {"kind", "ingest", "content_endpoint", "serial", "ttl_ns", "streams"});
  StreamAnnouncement a;
  a.ingest = Name(j.at("ingest"));
  a.content_endpoint = ParseEndpoint(j.at("content_endpoint"));
  a.serial = Unsigned(j.at("serial"));
  a.ttl = Ttl(j.at("ttl_ns"));
  const json& streams = Member(j, "streams");
  if (!streams.is_array()) Fail();
  std::set<StreamId> seen;
  for (const json& entry : streams) {
    RequireMembers(entry, {"stream", "state", "last_sequence"});
    AnnouncedStream s;
    s.stream = Name(entry.at("stream"));
    s.state = ParseState(entry.at("state"));
    s.last_sequence = Unsigned(entry.at("last_sequence"));
    if (!seen.insert(s.stream).second) Fail();  // one entry per stream
    a.streams.push_back(std::move(s));
  }
  return a;
}

AnnouncementSubscribe DecodeSubscribe(const json& j) {
  RequireMembers(j, {"kind", "node", "announce_endpoint", "ttl_ns"});
  AnnouncementSubscribe s;
  s.node = Name(j.at("node"));
  s.announce_endpoint = ParseEndpoint(j.at("announce_endpoint"));
  s.ttl = Ttl(j.at("ttl_ns"));
  return s;
}

}  // namespace

std::string EncodeAnnouncementMessage(const AnnouncementMessage& message) {
  ordered_json j;
  if (const auto* a = std::get_if<StreamAnnouncement>(&message)) {
    j["kind"] = "announce";
    j["ingest"] = a->ingest;
    j["content_endpoint"] = a->content_endpoint.ToString();
    j["serial"] = a->serial;
    j["ttl_ns"] = TtlNs(a->ttl);
    j["streams"] = ordered_json::array();
    for (const AnnouncedStream& s : a->streams) {
      j["streams"].push_back(
          ordered_json{{"stream", s.stream}, {"state", StateName(s.state)}, {"last_sequence", s.last_sequence}});
    }
  } else {
    const auto& s = std::get<AnnouncementSubscribe>(message);
    j["kind"] = "subscribe";
    j["node"] = s.node;
    j["announce_endpoint"] = s.announce_endpoint.ToString();
    j["ttl_ns"] = TtlNs(s.ttl);
  }
  // Invalid UTF-8 in an id is replaced rather than thrown about; the decoder then sees
  // exactly what was sent.
  return j.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
}

std::optional<AnnouncementMessage> DecodeAnnouncementMessage(const std::string& text) {
  if (text.size() > kMaxText) return std::nullopt;
  try {
    // nlohmann keeps the last of duplicate keys; a strict decoder refuses them instead.
    std::vector<std::set<std::string>> keys;  // one set per open object
    bool duplicate_key = false;
    const json::parser_callback_t check = [&](int, json::parse_event_t event, json& parsed) {
      if (event == json::parse_event_t::object_start) {
        keys.emplace_back();
      } else if (event == json::parse_event_t::object_end) {
        if (!keys.empty()) keys.pop_back();
      } else if (event == json::parse_event_t::key && !keys.empty() && parsed.is_string()) {
        if (!keys.back().insert(parsed.get<std::string>()).second) duplicate_key = true;
      }
      return true;
    };
    const json j = json::parse(text, check, /*allow_exceptions=*/false);
    if (duplicate_key || j.is_discarded() || !j.is_object()) return std::nullopt;
    const json& kind = Member(j, "kind");
    if (!kind.is_string()) return std::nullopt;
    if (kind == "announce") return AnnouncementMessage{DecodeAnnouncement(j)};
    if (kind == "subscribe") return AnnouncementMessage{DecodeSubscribe(j)};
    return std::nullopt;
  } catch (...) {
    // Malformed, or anything nlohmann throws (it should not with allow_exceptions=false).
    return std::nullopt;
  }
}

}  // namespace cdnlab
